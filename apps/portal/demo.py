"""Demo online submissions of the demo citizen, made through the portal's actions: one dossier
submitted from a draft (with its e-form and PDF files), one draft left half-filled to resume.

Idempotent: skipped once the demo citizen has a draft.
"""

import io

from django.contrib.auth import get_user_model

from apps.core.demo import demo_step
from apps.core.uploads import upload_check

from .models import SubmissionDraft
from .submission.actions import draft_create, draft_file_attach, draft_save, draft_submit
from .submission.errors import SubmissionError
from .submission.selectors import receiving_agencies

DEMO_CITIZEN = "0912000001"  # apps.accounts.demo.DEMO_CITIZEN


def _pdf(title: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (210, 297), "white").save(out, format="PDF", title=title)
    return out.getvalue()


def _value(field: dict, citizen) -> str:
    if field["type"] == "select":
        return field["options"][0]
    profile = getattr(citizen, "applicant_profile", None)
    return {
        "date": "04/03/1990",
        "number": "100",
        "id_number": profile.id_number if profile else "",
        "phone": DEMO_CITIZEN,
    }.get(field["type"], citizen.get_full_name())


def _choices():
    from apps.procedures.models import Procedure
    from apps.procedures.selectors import procedure_version_in_force

    for procedure in Procedure.objects.filter(is_active=True).order_by("-online_level", "code"):
        version = procedure_version_in_force(procedure)
        if version is None or not version.eform_fields:
            continue
        agencies = receiving_agencies(procedure, version)
        if agencies:
            yield procedure, version, agencies[0]


@demo_step(order=35, label="Hồ sơ nộp trực tuyến mẫu của công dân (qua bản nháp)")
def demo_online_submissions(report) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.dossiers.notifications import silenced

    citizen = get_user_model().objects.filter(username=DEMO_CITIZEN).first()
    if citizen is None or SubmissionDraft.objects.filter(applicant=citizen).exists():
        return
    choices = list(_choices())[:2]
    profile = getattr(citizen, "applicant_profile", None)
    applicant = {
        "applicant_type": "citizen",
        "name": citizen.get_full_name(),
        "id_number": profile.id_number if profile else "",
        "phone": DEMO_CITIZEN,
        "address": "Số 1, đường Phan Đình Phùng, Hà Tĩnh",
    }
    for index, (procedure, version, agency) in enumerate(choices):
        draft = draft_create(actor=citizen, procedure=procedure, receiving_agency=agency)
        form = {f["name"]: _value(f, citizen) for f in version.eform_fields or []}
        draft = draft_save(actor=citizen, draft=draft, applicant_data=applicant, form_data=form)
        if index == 1:
            report(f"bản nháp “{procedure.name}”")
            continue  # left as a draft to resume
        for requirement in version.documents.filter(mandatory=True).order_by("order"):
            upload = SimpleUploadedFile(f"giay-to-{requirement.order}.pdf", _pdf(requirement.name))
            draft_file_attach(actor=citizen, draft=draft, requirement=requirement, checked=upload_check(upload))
        try:
            with silenced():
                dossier = draft_submit(actor=citizen, draft=draft, procedure_code=procedure.code, token=draft.token)
        except SubmissionError as refused:
            report(f"không nộp được “{procedure.name}”: {refused.message}")
            continue
        report(f"đã nộp “{procedure.name}” tới {agency} ({dossier.get_status_display()})")
