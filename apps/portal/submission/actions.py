"""State changes of the online submission: drafts, their files, the final submit, and the
supplement an applicant sends online.

The rules of a dossier stay in ``apps.dossiers.actions``: the submit calls ``dossier_register``
with the draft's token as idempotency key, and the supplement calls ``dossier_add_documents``
(before receipt) or ``dossier_supplement_received`` (during processing: the clock restarts or
resumes as the wait says). What is the portal's own — that a draft is the applicant's, that the
hidden fields were not tampered with, that the mandatory documents are uploaded — is checked here.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.actions import audit_record
from apps.core.uploads import CheckedFile
from apps.dossiers.actions import (
    ApplicantInput,
    DocumentInput,
    dossier_add_documents,
    dossier_register,
    dossier_supplement_received,
)
from apps.dossiers.models import Dossier, DossierDocument
from apps.dossiers.statuses import Channel, Status
from apps.organizations.models import Agency
from apps.procedures.models import DocumentRequirement, Procedure
from apps.procedures.selectors import procedure_offered_by, procedure_version_in_force

from ..models import DraftFile, SubmissionDraft
from .errors import SubmissionError, SubmissionErrorCode
from .forms import ApplicantForm, EForm

logger = logging.getLogger(__name__)
TAMPERED = "Dữ liệu gửi lên không khớp với hồ sơ đang soạn (có thể do mở nhiều cửa sổ); vui lòng tải lại trang."


def _profile_prefill(actor) -> dict:
    profile = getattr(actor, "applicant_profile", None)
    data = {"applicant_type": "citizen", "name": actor.get_full_name(), "phone": actor.phone, "email": actor.email}
    if profile is not None:
        data["applicant_type"] = profile.applicant_type
        data["id_number"] = profile.id_number if profile.applicant_type == "citizen" else profile.tax_code
        unit = f", {profile.address_unit.name}" if profile.address_unit_id else ""
        data["address"] = f"{profile.address_line}{unit}".strip(", ")
    return {k: v for k, v in data.items() if v}


def _eform_prefill(definitions: list[dict], actor) -> dict:
    """E-form values known from the profile: ID number, phone, name and birth date fields."""
    profile = getattr(actor, "applicant_profile", None)
    values = {}
    for definition in definitions:
        name, kind = definition["name"], definition["type"]
        if kind == "id_number" and profile is not None and profile.id_number:
            values[name] = profile.id_number
        elif kind == "phone" and actor.phone:
            values[name] = actor.phone
        elif kind == "text" and name in {"ho_ten", "ho_va_ten", "ten_nguoi_nop"}:
            values[name] = actor.get_full_name()
        elif kind == "date" and name in {"ngay_sinh"} and profile is not None and profile.birth_date:
            values[name] = profile.birth_date.strftime("%d/%m/%Y")  # as the applicant types it
    return values


def _lock_draft(draft: SubmissionDraft, actor) -> SubmissionDraft:
    # No join to the dossier here: on PostgreSQL a waiting lock re-reads the draft row once the
    # other transaction commits, but a joined row would still come from the older snapshot.
    locked = (
        SubmissionDraft.objects.select_for_update(of=("self",))
        .select_related("procedure", "version", "receiving_agency")
        .get(pk=draft.pk)
    )
    if locked.applicant_id != actor.pk:
        raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    return locked


def _require_open(draft: SubmissionDraft) -> None:
    if draft.state != SubmissionDraft.State.DRAFT:
        raise SubmissionError(
            SubmissionErrorCode.DRAFT_CLOSED, "Hồ sơ này đã được nộp hoặc đã hủy; không sửa được bản nháp nữa."
        )


@transaction.atomic
def draft_create(*, actor, procedure: Procedure, receiving_agency: Agency) -> SubmissionDraft:
    """Start an online submission of ``procedure`` to ``receiving_agency``, prefilled from the profile."""
    version = procedure_version_in_force(procedure)
    if version is None or not procedure.is_active:
        raise SubmissionError(
            SubmissionErrorCode.NOT_ONLINE, f"Thủ tục “{procedure.name}” hiện không nhận hồ sơ trực tuyến."
        )
    if not procedure_offered_by(procedure, version, receiving_agency):
        raise SubmissionError(
            SubmissionErrorCode.NOT_OFFERED, f"{receiving_agency} không tiếp nhận thủ tục “{procedure.name}”."
        )
    draft = SubmissionDraft.objects.create(
        applicant=actor,
        procedure=procedure,
        version=version,
        receiving_agency=receiving_agency,
        applicant_data=_profile_prefill(actor),
        form_data=_eform_prefill(version.eform_fields or [], actor),
    )
    audit_record(
        actor=actor,
        action="portal.draft_create",
        target=draft,
        target_label=f"{procedure.code} – {receiving_agency}",
        after={"procedure": procedure.code, "agency": str(receiving_agency)},
        agency=receiving_agency,
    )
    return draft


@transaction.atomic
def draft_save(*, actor, draft: SubmissionDraft, applicant_data: dict, form_data: dict) -> SubmissionDraft:
    """Keep what the applicant typed (possibly incomplete: a draft may be saved half-filled)."""
    draft = _lock_draft(draft, actor)
    _require_open(draft)
    before = {"applicant": draft.applicant_data, "form": draft.form_data}
    draft.applicant_data = {k: str(v)[:1000] for k, v in applicant_data.items()}
    draft.form_data = {k: str(v)[:1000] for k, v in form_data.items()}
    draft.save(update_fields=["applicant_data", "form_data", "updated_at"])
    audit_record(
        actor=actor,
        action="portal.draft_save",
        target=draft,
        before=before,
        after={"applicant": draft.applicant_data, "form": draft.form_data},
        agency=draft.receiving_agency,
    )
    return draft


def _delete_blobs_on_commit(files: list) -> None:
    names = [(f.file.storage, f.file.name) for f in files if f.file]

    def delete():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("draft file left in storage: %s", name)

    transaction.on_commit(delete)


@transaction.atomic
def draft_file_attach(
    *, actor, draft: SubmissionDraft, requirement: DocumentRequirement | None, checked: CheckedFile
) -> DraftFile:
    """Keep a checked file for one checklist item (replacing the previous one for that item)."""
    draft = _lock_draft(draft, actor)
    _require_open(draft)
    if requirement is not None and requirement.version_id != draft.version_id:
        raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    replaced = list(draft.files.filter(requirement=requirement)) if requirement is not None else []
    for old in replaced:
        old.delete()
    _delete_blobs_on_commit(replaced)
    stored = DraftFile(
        draft=draft,
        requirement=requirement,
        name=checked.name[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        scanned=checked.scan.scanned,
    )
    stored.file.save(checked.name, ContentFile(checked.content), save=False)
    stored.save()
    draft.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="portal.draft_file_attach",
        target=draft,
        after={
            "file": stored.name,
            "requirement": requirement.name if requirement else None,
            "sha256": stored.sha256,
            "antivirus": checked.scan.detail,
        },
        agency=draft.receiving_agency,
    )
    return stored


@transaction.atomic
def draft_file_remove(*, actor, draft: SubmissionDraft, file_uuid) -> None:
    draft = _lock_draft(draft, actor)
    _require_open(draft)
    stored = draft.files.filter(uuid=file_uuid).first()
    if stored is None:
        raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    stored.delete()
    _delete_blobs_on_commit([stored])
    audit_record(
        actor=actor, action="portal.draft_file_remove", target=draft, before={"file": stored.name}, after={"file": None}
    )


def _as_upload(stored: DraftFile) -> SimpleUploadedFile:
    """The stored bytes under the file's sanitised name (not its storage path)."""
    with stored.file.open("rb") as handle:
        return SimpleUploadedFile(stored.name, handle.read(), content_type=stored.content_type)


def draft_problems(draft: SubmissionDraft) -> tuple[ApplicantForm, EForm, list[DocumentRequirement]]:
    """The stored draft re-checked: the two bound forms and the mandatory documents still missing."""
    applicant = ApplicantForm(data=draft.applicant_data)
    eform = EForm(data=draft.form_data, definitions=draft.version.eform_fields or [])
    given = set(draft.files.exclude(requirement=None).values_list("requirement_id", flat=True))
    missing = [r for r in draft.version.documents.filter(mandatory=True).order_by("order") if r.pk not in given]
    return applicant, eform, missing


@transaction.atomic
def draft_submit(*, actor, draft: SubmissionDraft, procedure_code: str, token: str) -> Dossier:
    """Lodge the draft as an online dossier, once: a repeated or concurrent submit with the same
    token returns the dossier of the first."""
    draft = _lock_draft(draft, actor)  # a second submit waits here until the first commits
    if token != draft.token or procedure_code != draft.procedure.code:
        raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    if draft.state == SubmissionDraft.State.SUBMITTED and draft.dossier_id is not None:
        return Dossier.objects.get(pk=draft.dossier_id)
    _require_open(draft)
    current = procedure_version_in_force(draft.procedure)
    if current is None or current.pk != draft.version_id:
        raise SubmissionError(
            SubmissionErrorCode.VERSION_CHANGED,
            "Thủ tục vừa được cập nhật theo quy định mới; vui lòng bắt đầu lại hồ sơ theo biểu mẫu mới.",
        )
    applicant_form, eform, missing = draft_problems(draft)
    if not applicant_form.is_valid() or not eform.is_valid():
        raise SubmissionError(
            SubmissionErrorCode.FORM_INVALID, "Thông tin trong tờ khai chưa hợp lệ; hãy sửa các mục được đánh dấu."
        )
    if missing:
        raise SubmissionError(
            SubmissionErrorCode.DOCUMENTS_MISSING,
            "Còn thiếu giấy tờ bắt buộc: " + "; ".join(r.name for r in missing) + ".",
        )
    data = applicant_form.cleaned_data
    files = list(draft.files.select_related("requirement").order_by("created_at", "pk"))
    documents = [
        DocumentInput(
            name=stored.requirement.name if stored.requirement else stored.name,
            requirement_id=stored.requirement_id,
            file=_as_upload(stored),
        )
        for stored in files
    ]
    try:
        with transaction.atomic():
            dossier = dossier_register(
                actor=actor,
                procedure=draft.procedure,
                receiving_agency=draft.receiving_agency,
                applicant=ApplicantInput(
                    name=data["name"],
                    applicant_type=data["applicant_type"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    email=data.get("email") or "",
                    address=data["address"],
                ),
                channel=Channel.ONLINE,
                documents=documents,
                form_data={k: v for k, v in eform.cleaned_data.items() if v not in (None, "")},
                idempotency_key=draft.token,
            )
    except IntegrityError:
        # Another process registered this token between our check and our insert.
        dossier = Dossier.objects.get(idempotency_key=draft.token)
    draft.state = SubmissionDraft.State.SUBMITTED
    draft.dossier = dossier
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["state", "dossier", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="portal.draft_submit",
        target=draft,
        after={"state": draft.state, "dossier": str(dossier.uuid)},
        agency=draft.receiving_agency,
    )
    # The dossier holds its own copies now; the draft's blobs go once this commits.
    for stored in files:
        stored.delete()
    _delete_blobs_on_commit(files)
    return dossier


@transaction.atomic
def dossier_supplement_send(
    *, actor, dossier: Dossier, files: list[tuple[DocumentRequirement | None, CheckedFile]]
) -> list[DossierDocument]:
    """Send what the desk or the handler asked for (Form 02) online.

    Before receipt the files join the dossier and the desk receives it once complete; during
    processing the supplement is received at once and the legal clock restarts or resumes.
    """
    if not files:
        raise SubmissionError(SubmissionErrorCode.NOTHING_UPLOADED, "Hãy chọn ít nhất một tệp giấy tờ bổ sung.")
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.applicant_id != actor.pk:
        raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    if locked.status != Status.SUPPLEMENT_REQUESTED:
        raise SubmissionError(
            SubmissionErrorCode.NOT_WAITING, "Hồ sơ hiện không chờ bổ sung giấy tờ; không cần gửi thêm."
        )
    for requirement, _checked in files:
        if requirement is not None and requirement.version_id != locked.version_id:
            raise SubmissionError(SubmissionErrorCode.TAMPERED, TAMPERED)
    documents = [
        DocumentInput(
            name=requirement.name if requirement else checked.name,
            requirement_id=requirement.pk if requirement else None,
            file=checked.as_upload(),
        )
        for requirement, checked in files
    ]
    if locked.received_at is None:
        return dossier_add_documents(actor=actor, dossier=locked, documents=documents)
    before = set(locked.documents.values_list("pk", flat=True))
    dossier_supplement_received(actor=actor, dossier=locked, documents=documents, expected_status=locked.status)
    return list(locked.documents.exclude(pk__in=before).order_by("created_at", "pk"))


DRAFT_KEEP_DAYS = 60


def drafts_expire(*, now=None, keep_days: int | None = None) -> int:
    """Abandon drafts untouched for ``keep_days`` (60 by default) and remove their files.

    Each draft is locked and abandoned in its own transaction, with its audit event, so a citizen
    saving at that moment either keeps the draft (it is no longer old) or finds it abandoned.
    """
    now = now or timezone.now()
    keep_days = keep_days if keep_days is not None else getattr(settings, "PORTAL_DRAFT_KEEP_DAYS", DRAFT_KEEP_DAYS)
    cutoff = now - timedelta(days=keep_days)
    old = SubmissionDraft.objects.filter(state=SubmissionDraft.State.DRAFT, updated_at__lt=cutoff)
    expired = 0
    for pk in old.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            draft = SubmissionDraft.objects.select_for_update().filter(pk=pk).first()
            if draft is None or draft.state != SubmissionDraft.State.DRAFT or draft.updated_at >= cutoff:
                continue
            files = list(draft.files.all())
            for stored in files:
                stored.delete()
            _delete_blobs_on_commit(files)
            draft.state = SubmissionDraft.State.ABANDONED
            draft.save(update_fields=["state", "updated_at"])
            audit_record(
                actor=None,
                action="portal.draft_expire",
                target=draft,
                before={"state": SubmissionDraft.State.DRAFT, "files": len(files)},
                after={"state": draft.state, "files": 0},
                agency=draft.receiving_agency,
            )
            expired += 1
    return expired
