"""Online submissions per second through the portal's whole path against the bare intake action.

``portal.submission`` times, as the demo citizen on a level-4 demo procedure with an e-form, the
three requests a citizen sends (start → e-form with one small PDF per mandatory document → submit),
through Django's test client in this process: e-form and applicant checks, upload checks (content
sniffing, PDF structure, antivirus hook as configured), the draft and its files in storage, the
idempotent ``dossier_register`` with copies of the files, and the audit events. The baseline is
``dossier_register`` called directly with the same applicant, form data and files (one transaction
each). Notifications to the applicant are silenced on both sides.
"""

import io
import itertools
import time
from collections.abc import Iterator

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario

ROUNDS = 3
SECONDS = 3.0
CITIZEN = "0912000001"  # apps.accounts.demo.DEMO_CITIZEN


def _pdf() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, format="PDF")
    return out.getvalue()


def _value(field: dict, citizen) -> str:
    profile = getattr(citizen, "applicant_profile", None)
    kind = field["type"]
    if kind == "select":
        return field["options"][0]
    return {
        "date": "04/03/1990",
        "number": "120",
        "id_number": profile.id_number if profile else "042090001234",
        "phone": citizen.phone or "0912000001",
    }.get(kind, "Nguyễn Văn An")


def _choose(citizen):
    """A level-4 procedure with e-form fields and mandatory documents, and an agency taking it."""
    from apps.portal.submission.selectors import receiving_agencies
    from apps.procedures.models import Procedure
    from apps.procedures.selectors import procedure_version_in_force

    for procedure in Procedure.objects.filter(is_active=True, online_level=Procedure.OnlineLevel.LEVEL_4):
        version = procedure_version_in_force(procedure)
        if version is None or not version.eform_fields or not version.documents.filter(mandatory=True).exists():
            continue
        agencies = receiving_agencies(procedure, version)
        if agencies:
            return procedure, version, agencies[0]
    raise BenchError("portal.submission: không có thủ tục mức 4 nào có biểu mẫu điện tử và nơi tiếp nhận.")


@scenario(
    "portal.submission", label="nộp hồ sơ trực tuyến qua cổng (3 yêu cầu + tệp PDF) so với dossier_register", order=45
)
def submission(run: Run) -> Iterator[Figure]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.dossiers import actions, notifications
    from apps.dossiers.models import Dossier
    from apps.dossiers.statuses import Channel
    from apps.portal.models import SubmissionDraft

    citizen = User.objects.filter(username=CITIZEN).select_related("applicant_profile").first()
    if citizen is None:
        raise BenchError(f"portal.submission: không có công dân mẫu {CITIZEN} (seed_demo).")
    procedure, version, agency = _choose(citizen)
    mandatory = list(version.documents.filter(mandatory=True).order_by("order"))
    pdf = _pdf()
    applicant = {
        "applicant_type": "citizen",
        "name": citizen.full_name,
        "id_number": citizen.applicant_profile.id_number,
        "phone": "0912000001",
        "email": "",
        "address": "Số 1, đường Phan Đình Phùng, Hà Tĩnh",
    }
    eform = {f"tk-{f['name']}": _value(f, citizen) for f in version.eform_fields}
    counter = itertools.count()
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(citizen)
    start_url = reverse("portal:submit-start", args=[procedure.code])

    def portal_once() -> None:
        response = client.post(start_url, {"agency": str(agency.uuid)})
        if response.status_code != 302:
            raise BenchError(f"portal.submission: trang bắt đầu trả về HTTP {response.status_code}.")
        draft = SubmissionDraft.objects.filter(applicant=citizen).latest("created_at")
        files = {f"tep-{r.pk}": SimpleUploadedFile(f"giay-to-{r.order}.pdf", pdf) for r in mandatory}
        data = {"procedure": procedure.code, "token": draft.token, "action": "review", **applicant, **eform, **files}
        response = client.post(reverse("portal:draft-edit", args=[draft.uuid]), data)
        if response.status_code != 302:
            raise BenchError(f"portal.submission: tờ khai bị từ chối (HTTP {response.status_code}).")
        response = client.post(
            reverse("portal:draft-review", args=[draft.uuid]), {"procedure": procedure.code, "token": draft.token}
        )
        if response.status_code != 302 or "/da-nop/" not in response["Location"]:
            raise BenchError(f"portal.submission: nộp hồ sơ trả về HTTP {response.status_code}.")

    def bare_once() -> None:
        actions.dossier_register(
            actor=citizen,
            procedure=procedure,
            receiving_agency=agency,
            applicant=actions.ApplicantInput(
                name=applicant["name"], id_number=applicant["id_number"], phone=applicant["phone"]
            ),
            channel=Channel.ONLINE,
            documents=[
                actions.DocumentInput(
                    name=r.name, requirement_id=r.pk, file=SimpleUploadedFile(f"giay-to-{r.order}.pdf", pdf)
                )
                for r in mandatory
            ],
            form_data={k.removeprefix("tk-"): v for k, v in eform.items()},
            idempotency_key=f"bench-portal-{time.time_ns()}-{next(counter)}",
        )

    def rate(once, seconds: float) -> float:
        done = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds or not done:
            once()
            done += 1
        return done / elapsed

    before = Dossier.objects.count()
    portal_rates, bare_rates = [], []
    with notifications.silenced():
        portal_once()  # warm-up: URL resolution, templates, first storage folder
        for _ in range(ROUNDS):
            portal_rates.append(rate(portal_once, SECONDS))
            bare_rates.append(rate(bare_once, SECONDS))
    made = Dossier.objects.count() - before
    note(
        f"portal.submission: {ROUNDS} vòng × {SECONDS:g} s mỗi bên, {procedure.code} tại {agency}, "
        f"{len(version.eform_fields)} trường tờ khai, {len(mandatory)} tệp PDF {len(pdf)} byte mỗi hồ sơ, "
        f"{made} hồ sơ đã tạo, CSDL {connection.vendor}"
    )
    portal_rate, bare_rate = median(portal_rates), median(bare_rates)
    yield Figure("portal.submission.portal_path.dossiers_per_second", portal_rate, "1/s")
    yield Figure("portal.submission.bare_register.dossiers_per_second", bare_rate, "1/s")
    yield Figure("portal.submission.ratio_vs_bare", ratio(portal_rate, bare_rate), "x")
