"""Every state change of a dossier: registration, receipt (Form 01), requests to complete (Form 02),
refusal (Form 03), processing along the routing plan, waits on the applicant, apology (Form 04),
result, return, withdrawal and stop.

Each action locks the dossier row, checks the transition table and (when the caller passes it)
that the dossier is still in the status the official saw, so of two officials acting at once one
wins and the other is told the dossier changed. Each writes the processing trail and an audit event
in its transaction, and schedules notifications to the applicant on commit.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.selectors import home_agency
from apps.audit.actions import audit_append, audit_event_build, audit_record
from apps.core.folding import fold_text
from apps.core.rows import rows_insert
from apps.core.working_days import VN_TZ, get_calendar
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_version_mark_in_use
from apps.procedures.models import ClockRule, Procedure, ProcedureVersion, RoutingStep
from apps.procedures.selectors import (
    clock_rule_for,
    procedure_offered_by,
    procedure_version_in_force,
    version_content,
)

from . import clock, notifications
from .codes import dossier_code_draw, register_number_draw
from .errors import DossierError, DossierErrorCode
from .files import document_file_check
from .models import Dossier, DossierDocument, DossierEvent, DossierStep, DossierWait
from .statuses import Channel, Status, Transition, TransitionRefused, transition_target

GRANT_TYPE = "dossiers.dossier"
# Notes are stored text: written in Vietnamese whatever language the acting session uses.
CHANNEL_NOTES = {
    Channel.DESK: "Nộp trực tiếp tại bộ phận một cửa",
    Channel.ONLINE: "Nộp trực tuyến",
    Channel.POSTAL: "Qua dịch vụ bưu chính công ích",
}

# Set only by historical imports (and the demo data): the moment the actions take as "now".
_acting_at: ContextVar[datetime | None] = ContextVar("dossier_acting_at", default=None)


def _now() -> datetime:
    return _acting_at.get() or timezone.now()


@contextmanager
def acting_at(moment: datetime):
    """Run actions as if it were ``moment`` (for importing history from a previous system).

    The dossier's own times (receipt, steps, trail) follow ``moment``; the audit trail keeps the
    real time of the import.
    """
    token = _acting_at.set(moment)
    try:
        yield
    finally:
        _acting_at.reset(token)


@dataclass(frozen=True)
class ApplicantInput:
    name: str
    applicant_type: str = Dossier.ApplicantType.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class DocumentInput:
    name: str
    requirement_id: int | None = None
    file: UploadedFile | None = None
    paper_only: bool = False


@dataclass
class _Change:
    """What an action did, for the trail and the audit event."""

    transition: str
    note: str = ""
    from_step: DossierStep | None = None
    to_step: DossierStep | None = None
    public: bool = True
    extra: dict = field(default_factory=dict)


RECEIVING_ROLES = {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}


# --- helpers --------------------------------------------------------------------------------------
def _lock(dossier: Dossier, *, expected_status: int | None = None) -> Dossier:
    locked = (
        Dossier.objects.select_for_update(of=("self",)).select_related("version", "receiving_agency").get(pk=dossier.pk)
    )
    if expected_status is not None and locked.status != expected_status:
        raise DossierError(
            DossierErrorCode.CONCURRENT_CHANGE,
            f"Hồ sơ vừa được người khác cập nhật (nay ở trạng thái “{Status(locked.status).label}”); "
            "vui lòng tải lại trang trước khi thao tác.",
        )
    return locked


def _move(dossier: Dossier, transition: str) -> tuple[int, int]:
    try:
        target = transition_target(transition, dossier.status)
    except TransitionRefused as refused:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, refused.message) from None
    return dossier.status, target


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.get_username()) if actor is not None else "Hệ thống"


def _record(
    dossier: Dossier, *, actor, change: _Change, from_status, due_before, agency=None, defer: list | None = None
) -> DossierEvent:
    """The trail event and the audit event of a change, written now or, with ``defer``, kept in
    that list (with the values of now) for ``_flush`` to write with the others of the action."""
    now = _now()
    event = DossierEvent(
        dossier=dossier,
        at=now,
        transition=change.transition,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=_actor_name(actor),
        agency=agency,
        from_status=from_status or None,
        to_status=dossier.status,
        from_step=change.from_step,
        to_step=change.to_step,
        note=change.note,
        due_before=due_before,
        due_after=dossier.due_at,
        public=change.public,
    )
    audit = audit_event_build(
        actor=actor,
        action=f"dossiers.{change.transition}",
        target=dossier,
        target_label=dossier.code or str(dossier),
        before={"status": from_status or None, "due_at": due_before},
        after={"status": dossier.status, "due_at": dossier.due_at, **change.extra},
        agency=agency,
    )
    if defer is not None:
        defer.append((event, audit))
        return event
    rows_insert([event])
    audit_append([audit])
    return event


def _flush(trail: list) -> None:
    rows_insert([event for event, _ in trail])
    audit_append([audit for _, audit in trail])


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


def _acting_agency(actor, fallback: Agency | None = None) -> Agency | None:
    membership = actor.current_membership() if actor is not None and actor.is_authenticated else None
    return membership.agency if membership is not None else fallback


def _require_role(actor, agency: Agency, roles: set[str]) -> None:
    """The actor must hold one of ``roles`` in ``agency``'s agency (superusers may act anywhere)."""
    if actor is None or actor.is_superuser:
        return
    membership = actor.current_membership()
    if membership is None or not (actor.role_codes() & roles):
        raise DossierError(DossierErrorCode.NOT_YOUR_STEP, "Bạn không có vai trò để thực hiện thao tác này.")
    if home_agency(membership.agency).pk != home_agency(agency).pk:
        raise DossierError(DossierErrorCode.NOT_YOUR_STEP, "Hồ sơ này không thuộc cơ quan của bạn ở bước hiện tại.")


def _require_applicant_or_role(actor, dossier: Dossier) -> None:
    """The applicant of an online dossier, or an official of the receiving or processing agency."""
    if actor is not None and dossier.applicant_id is not None and actor.pk == dossier.applicant_id:
        return
    roles = {Role.DESK_OFFICER, Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}
    try:
        _require_role(actor, dossier.receiving_agency, roles)
    except DossierError:
        _require_role(actor, _processing_agency(dossier), roles)


def _store_documents(dossier: Dossier, documents: list[DocumentInput], *, kind: str, actor) -> list[DossierDocument]:
    """The documents' rows, and their files in storage. Every name and file is checked before any
    byte is written, and files written are removed again if the rows cannot be; a transaction that
    rolls back later leaves its files to ``files.orphan_files_sweep``."""
    checked = []
    for item in documents:
        name = " ".join((item.name or "").split())[:500]
        if not name:
            raise DossierError(DossierErrorCode.CHECKLIST_INCOMPLETE, "Mỗi giấy tờ cần có tên.")
        # the bytes to keep: a PDF as given, an image re-encoded
        checked.append((item, name, document_file_check(item.file) if item.file is not None else None))
    stored, written = [], []
    try:
        for item, name, content in checked:
            document = DossierDocument(
                dossier=dossier,
                kind=kind,
                requirement_id=item.requirement_id,
                name=name,
                paper_only=item.paper_only or content is None,
                uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            )
            if content is not None:
                document.content_type = content.content_type
                document.size = content.size
                document.sha256 = content.sha256
                document.file.save(content.name, ContentFile(content.content), save=False)
                written.append(document.file.name)
            stored.append(document)
        return rows_insert(stored)
    except BaseException:
        storage = DossierDocument._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise


def _check_applicant(applicant: ApplicantInput) -> None:
    if len(" ".join(applicant.name.split())) < 2:
        raise DossierError(DossierErrorCode.APPLICANT_INVALID, "Cần ghi họ và tên người nộp (hoặc tên tổ chức).")
    if applicant.applicant_type not in Dossier.ApplicantType.values:
        raise DossierError(DossierErrorCode.APPLICANT_INVALID, "Loại người nộp không hợp lệ.")
    if applicant.id_number:
        from apps.accounts.identifiers import citizen_id_problem, tax_code_problem

        problem = (
            citizen_id_problem(applicant.id_number)
            if applicant.applicant_type == Dossier.ApplicantType.CITIZEN
            else tax_code_problem(applicant.id_number)
        )
        if problem:
            raise DossierError(DossierErrorCode.APPLICANT_INVALID, problem)
    if applicant.phone:
        from apps.accounts.identifiers import normalize_phone

        if normalize_phone(applicant.phone) is None:
            raise DossierError(DossierErrorCode.APPLICANT_INVALID, "Số điện thoại di động của người nộp không hợp lệ.")


def _missing_mandatory(version, documents: list[DocumentInput]) -> list[str]:
    given = {d.requirement_id for d in documents if d.requirement_id}
    return [r.name for r in version.documents.all() if r.mandatory and r.id not in given]


# --- registration (status 1) ---------------------------------------------------------------------
@transaction.atomic
def dossier_register(
    *,
    actor,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: ApplicantInput,
    channel: int,
    subject: str = "",
    documents: list[DocumentInput] | None = None,
    form_data: dict | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Register a dossier lodged at the desk or online (status 1); the desk then receives, asks to
    complete or refuses it. An online submission repeated with the same idempotency key returns
    the dossier of the first one."""
    dossier, _ = _register(
        actor=actor,
        procedure=procedure,
        receiving_agency=receiving_agency,
        applicant=applicant,
        channel=channel,
        subject=subject,
        documents=documents or [],
        form_data=form_data,
        idempotency_key=idempotency_key,
        at=at,
    )
    return dossier


def _register(
    *,
    actor,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: ApplicantInput,
    channel: int,
    subject: str,
    documents: list[DocumentInput],
    form_data: dict | None = None,
    idempotency_key: str | None,
    at: datetime | None,
) -> tuple[Dossier, bool]:
    """(dossier, made now): the registration, or the dossier an earlier request with the same key made."""
    if idempotency_key:
        existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    at = at or _now()
    version = _offered_version(procedure, receiving_agency, at)
    _check_applicant(applicant)
    dossier = _dossier_new(
        actor=actor,
        procedure=procedure,
        version=version,
        receiving_agency=receiving_agency,
        applicant=applicant,
        channel=channel,
        subject=subject,
        form_data=form_data,
        idempotency_key=idempotency_key,
        at=at,
    )
    rows_insert([dossier])
    _store_documents(dossier, documents, kind=DossierDocument.Kind.SUBMITTED, actor=actor)
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.SUBMIT_ONLINE, note=CHANNEL_NOTES[channel]),
        from_status=0,
        due_before=None,
        agency=receiving_agency,
    )
    if channel == Channel.ONLINE:
        notifications.dossier_notify(dossier, "registered")
    return dossier, True


def _offered_version(procedure: Procedure, receiving_agency: Agency, at: datetime, version=None):
    """The version the dossier is received under: the one in force at ``at``, read here, or the one
    the caller has just read for its form (checked against its own dates: versions of a procedure
    never overlap, publishing one ends the one before)."""
    if version is None:
        version = procedure_version_in_force(procedure, at)
    elif version.procedure_id != procedure.pk or not version.in_force_on(at.astimezone(VN_TZ).date()):
        raise DossierError(
            DossierErrorCode.PROCEDURE_NOT_OFFERED,
            f"Phiên bản {version.number} không phải phiên bản đang có hiệu lực của thủ tục “{procedure.name}”; "
            "hãy mở lại trang tiếp nhận.",
        )
    if version is None or not procedure_offered_by(procedure, version, receiving_agency):
        raise DossierError(
            DossierErrorCode.PROCEDURE_NOT_OFFERED, f"{receiving_agency} không tiếp nhận thủ tục “{procedure.name}”."
        )
    return version


def _dossier_new(
    *,
    actor,
    procedure: Procedure,
    version,
    receiving_agency: Agency,
    applicant: ApplicantInput,
    channel: int,
    subject: str,
    form_data: dict | None,
    idempotency_key: str | None,
    at: datetime,
) -> Dossier:
    """A registered dossier (status 1), not saved yet."""
    return Dossier(
        procedure=procedure,
        version=version,
        receiving_agency=receiving_agency,
        channel=channel,
        status=transition_target(Transition.SUBMIT_ONLINE, 0),
        applicant=actor if channel == Channel.ONLINE and actor is not None else None,
        applicant_type=applicant.applicant_type,
        applicant_name=" ".join(applicant.name.split()),
        applicant_id_number=applicant.id_number.strip(),
        applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        subject=subject.strip()[:1000] or procedure.name[:1000],
        form_data=form_data or {},
        idempotency_key=idempotency_key,
        submitted_at=at,
        deadline_value=version.deadline_value,
        deadline_unit=version.deadline_unit,
        search_text=fold_text(applicant.name)[:600],
    )


# --- receipt (status 2, Form 01) ------------------------------------------------------------------
def _instantiate_steps(dossier: Dossier, at: datetime, calendar) -> tuple[list[DossierStep], DossierStep | None]:
    """All the dossier's steps in one INSERT: the intake steps done by the receiving official, the
    first group after them started on the legal clock; returns (intake steps, first started step).

    A step "of the receiving agency" goes to the agency that received the dossier (the commune that
    received a commune dossier), a step of a fixed agency to that agency (as ``routing_plan``)."""
    routing = version_content(dossier.version).steps
    after = max((s.order for s in routing if s.kind == RoutingStep.Kind.INTAKE), default=0)
    first = min((s.order for s in routing if s.order > after), default=None)
    receiving = dossier.receiving_agency
    steps, intake, started, kinds = [], [], [], {}
    for step in routing:
        agency_id = step.agency_id if step.target == RoutingStep.Target.AGENCY else receiving.pk
        made = DossierStep(
            dossier=dossier,
            routing_step_id=step.pk,
            order=step.order,
            position=step.position,
            is_lead=step.is_lead,
            kind=step.kind,
            name=step.name,
            agency_id=agency_id,
            role=step.role,
            share_value=step.share_value,
            share_unit=step.share_unit,
        )
        if agency_id == receiving.pk:
            made.agency = receiving
        if step.kind == RoutingStep.Kind.INTAKE:
            made.state = DossierStep.State.DONE
            made.started_at = made.finished_at = at
            made.assignee = dossier.received_by
            made.timeliness = clock.Timeliness.ON_TIME
            intake.append(made)
        elif step.order == first:
            _step_start(dossier, made, dossier.clock_started_at, calendar)
            started.append(made)
            kinds[agency_id] = step.agency_kind
        steps.append(made)
    rows_insert(steps)
    _grant_fresh_access(dossier, started, kinds)
    return intake, (started[0] if started else None)


def _grant_fresh_access(dossier: Dossier, started: list[DossierStep], kinds: dict[int, str | None]) -> None:
    """Let the other agencies of the steps started at receipt open the dossier (none has yet), the
    grants written in one INSERT. An agency (``kinds``: from the routing) is its own home; the home
    of an internal unit is read, in one query of ids, from the agency tree as it stands."""
    from apps.accounts.models import AccessGrant

    receiving = dossier.receiving_agency
    others = {s.agency_id for s in started if s.agency_id != receiving.pk}
    if not others:
        return
    homes = {pk: pk for pk in others if kinds.get(pk) == Agency.Kind.AGENCY}
    units = others - homes.keys()
    for pk, kind, parent_id, parent_kind, grandparent_id in (
        Agency.objects.filter(pk__in=units).values_list("pk", "kind", "parent_id", "parent__kind", "parent__parent_id")
        if units
        else ()
    ):
        if kind == Agency.Kind.AGENCY or parent_id is None:
            homes[pk] = pk
        elif parent_kind == Agency.Kind.AGENCY or grandparent_id is None:
            homes[pk] = parent_id
        else:  # a unit of a unit: walk up the rest of the way
            homes[pk] = home_agency(Agency.objects.get(pk=pk)).pk
    seen = {home_agency(receiving).pk}
    grants = []
    for step in started:
        grantee_id = homes.get(step.agency_id)
        if grantee_id is None or grantee_id in seen:
            continue
        seen.add(grantee_id)
        grants.append(
            AccessGrant(
                grantee_id=grantee_id,
                target_type=GRANT_TYPE,
                target_uuid=dossier.uuid,
                can_change=True,
                reason=f"Bước “{step.name}” của hồ sơ {dossier.code}",
            )
        )
    rows_insert(grants)


def _step_start(dossier: Dossier, step: DossierStep, start: datetime, calendar) -> None:
    step.state = DossierStep.State.ACTIVE
    step.started_at = start
    step.due_at = clock.due_from(calendar, start, clock.Deadline(step.share_value, step.share_unit))
    if step.due_at > dossier.due_at:
        step.due_at = dossier.due_at  # a step never runs past the dossier's own appointment


def _grant_steps_access(dossier: Dossier, steps: list[DossierStep]) -> None:
    """Let the other agencies working on ``steps`` open the dossier (once per agency)."""
    from apps.accounts.models import AccessGrant

    seen = {home_agency(dossier.receiving_agency).pk}
    for step in steps:
        grantee = home_agency(step.agency)
        if grantee.pk in seen:
            continue
        seen.add(grantee.pk)
        AccessGrant.objects.get_or_create(
            grantee=grantee,
            target_type=GRANT_TYPE,
            target_uuid=dossier.uuid,
            defaults={"can_change": True, "reason": f"Bước “{step.name}” của hồ sơ {dossier.code}"},
        )


def _activate_group(dossier: Dossier, order: int, start: datetime, calendar) -> list[DossierStep]:
    """Start every step of one group; give other agencies access to the dossier while they work on it."""
    group = list(dossier.steps.filter(order=order).select_related("agency"))
    for step in group:
        _step_start(dossier, step, start, calendar)
        step.save(update_fields=["state", "started_at", "due_at", "updated_at"])
    _grant_steps_access(dossier, group)
    return group


def _next_order(dossier: Dossier, after: int) -> int | None:
    return dossier.steps.filter(order__gt=after).order_by("order").values_list("order", flat=True).first()


@transaction.atomic
def dossier_receive(
    *, actor, dossier: Dossier, at: datetime | None = None, expected_status: int | None = None
) -> Dossier:
    """Receive a complete dossier: code, register number, legal clock, Form 01; start its routing."""
    dossier = _lock(dossier, expected_status=expected_status)
    _require_role(actor, dossier.receiving_agency, RECEIVING_ROLES)
    if dossier.received_at is not None:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Hồ sơ này đã được tiếp nhận.")
    given = set(dossier.documents.filter(requirement__isnull=False).values_list("requirement_id", flat=True))
    _check_complete(dossier.version, given)
    return _receive(dossier, actor=actor, at=at)


@transaction.atomic
def dossier_intake(
    *,
    actor,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: ApplicantInput,
    channel: int = Channel.DESK,
    subject: str = "",
    documents: list[DocumentInput] | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
    version: ProcedureVersion | None = None,
) -> Dossier:
    """Register and receive a complete dossier in one go (the desk takes a paper dossier, or a
    partner system sends one): ``dossier_register`` then ``dossier_receive``, the same rows, trail
    and audit events, without reading back the dossier this transaction has just made.

    ``version``: the version in force the caller has just read to check the documents against (the
    desk form, the API), so it is not read twice; it must still be in force at ``at``."""
    documents = documents or []
    if idempotency_key:
        existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:  # a repeated request: the dossier of the first one, received once
            if existing.received_at is not None:
                return existing
            return dossier_receive(actor=actor, dossier=existing, at=at)
    at = at or _now()
    version = _offered_version(procedure, receiving_agency, at, version)
    _check_applicant(applicant)
    _require_role(actor, receiving_agency, RECEIVING_ROLES)
    _check_complete(version, {d.requirement_id for d in documents if d.requirement_id})
    dossier = _dossier_new(
        actor=actor,
        procedure=procedure,
        version=version,
        receiving_agency=receiving_agency,
        applicant=applicant,
        channel=channel,
        subject=subject,
        form_data=None,
        idempotency_key=idempotency_key,
        at=at,
    )
    trail: list = []
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.SUBMIT_ONLINE, note=CHANNEL_NOTES[channel]),
        from_status=0,
        due_before=None,
        agency=receiving_agency,
        defer=trail,
    )
    # The dossier is written once, already received: code, register number and clock first.
    calendar = get_calendar()
    from_status = _receipt_fill(dossier, actor=actor, at=at, calendar=calendar)
    rows_insert([dossier])
    _store_documents(dossier, documents, kind=DossierDocument.Kind.SUBMITTED, actor=actor)
    _receipt_route(dossier, actor=actor, at=at, calendar=calendar, from_status=from_status, defer=trail)
    _flush(trail)
    if channel == Channel.ONLINE:
        notifications.dossier_notify(dossier, "registered")
    notifications.dossier_notify(dossier, "received")
    return dossier


def _check_complete(version, given: set[int]) -> None:
    missing = [r.name for r in version_content(version).requirements if r.mandatory and r.pk not in given]
    if missing:
        raise DossierError(
            DossierErrorCode.CHECKLIST_INCOMPLETE,
            "Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(missing) + ". Hãy lập phiếu yêu cầu bổ sung (mẫu 02).",
        )


def _receive(dossier: Dossier, *, actor, at: datetime | None) -> Dossier:
    """The receipt itself, on a dossier the caller has locked."""
    at = at or _now()
    calendar = get_calendar()
    from_status = _receipt_fill(dossier, actor=actor, at=at, calendar=calendar)
    dossier.waits.filter(resolved_at__isnull=True).update(resolved_at=at)
    _save(
        dossier,
        "status",
        "code",
        "register_year",
        "register_number",
        "received_at",
        "received_by",
        "clock_started_at",
        "due_at",
        "original_due_at",
        "search_text",
    )
    _receipt_route(dossier, actor=actor, at=at, calendar=calendar, from_status=from_status)
    notifications.dossier_notify(dossier, "received")
    return dossier


def _receipt_fill(dossier: Dossier, *, actor, at: datetime, calendar) -> int:
    """Status 2, code, register number and legal clock on the instance; the status it left."""
    from_status, dossier.status = _move(dossier, Transition.RECEIVE)
    if not dossier.version.in_use:  # never cleared once set: no lock needed after the first receipt
        procedure_version_mark_in_use(actor=actor, version=dossier.version)
    dossier.code = dossier_code_draw(dossier.receiving_agency, at)
    local_year = at.astimezone(VN_TZ).year
    dossier.register_year = local_year
    dossier.register_number = register_number_draw(dossier.receiving_agency, local_year)
    dossier.received_at = at
    dossier.received_by = actor if actor is not None and actor.is_authenticated else None
    dossier.clock_started_at = clock.clock_start(calendar, at)
    dossier.due_at = clock.due_from(
        calendar, dossier.clock_started_at, clock.Deadline(dossier.deadline_value, dossier.deadline_unit)
    )
    dossier.original_due_at = dossier.due_at
    dossier.search_text = fold_text(f"{dossier.code} {dossier.applicant_name}")[:600]
    return from_status


def _receipt_route(dossier: Dossier, *, actor, at: datetime, calendar, from_status: int, defer=None) -> None:
    """The steps of a dossier just received, and the receipt in its trail."""
    intake, to_step = _instantiate_steps(dossier, at, calendar)
    _record(
        dossier,
        actor=actor,
        change=_Change(
            Transition.RECEIVE,
            note=f"Mã hồ sơ {dossier.code}; hẹn trả {dossier.due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}",
            from_step=intake[0] if intake else None,
            to_step=to_step,
            extra={"code": dossier.code},
        ),
        from_status=from_status,
        due_before=None,
        agency=dossier.receiving_agency,
        defer=defer,
    )


@transaction.atomic
def dossier_ask_to_complete(
    *, actor, dossier: Dossier, items: list[str], note: str = "", expected_status: int | None = None
) -> DossierWait:
    """Before receipt: tell the applicant at once everything missing (Form 02); no code, no clock."""
    items = [" ".join(i.split()) for i in items if i and i.strip()]
    if not items:
        raise DossierError(DossierErrorCode.NOTHING_MISSING, "Cần liệt kê đầy đủ các giấy tờ còn thiếu (mẫu 02).")
    dossier = _lock(dossier, expected_status=expected_status)
    _require_role(actor, dossier.receiving_agency, {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    if dossier.received_at is not None:
        raise DossierError(
            DossierErrorCode.TRANSITION_REFUSED,
            "Hồ sơ đã tiếp nhận: dùng “yêu cầu bổ sung” trong quá trình giải quyết.",
        )
    from_status, dossier.status = _move(dossier, Transition.ASK_TO_COMPLETE)
    _save(dossier, "status")
    wait = DossierWait.objects.create(
        dossier=dossier,
        kind=DossierWait.Kind.SUPPLEMENT_BEFORE_RECEIPT,
        effect=DossierWait.Effect.NONE,
        requested_at=_now(),
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        items=items,
        reason=note.strip(),
    )
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.ASK_TO_COMPLETE, note="; ".join(items), extra={"items": items}),
        from_status=from_status,
        due_before=None,
        agency=dossier.receiving_agency,
    )
    notifications.dossier_notify(dossier, "ask_to_complete")
    return wait


@transaction.atomic
def dossier_add_documents(*, actor, dossier: Dossier, documents: list[DocumentInput]) -> list[DossierDocument]:
    """Attach documents brought or uploaded later (before receipt, or as a supplement), by the
    applicant of an online dossier or an official of the receiving or processing agency."""
    dossier = _lock(dossier)
    _require_applicant_or_role(actor, dossier)
    if dossier.status in {Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED}:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Hồ sơ đã kết thúc, không nhận thêm giấy tờ.")
    kind = DossierDocument.Kind.SUPPLEMENT if dossier.received_at else DossierDocument.Kind.SUBMITTED
    stored = _store_documents(dossier, documents, kind=kind, actor=actor)
    audit_record(
        actor=actor,
        action="dossiers.documents_add",
        target=dossier,
        target_label=dossier.code or str(dossier),
        after={"documents": [d.name for d in stored]},
    )
    return stored


@transaction.atomic
def dossier_refuse(*, actor, dossier: Dossier, reasons: str, expected_status: int | None = None) -> Dossier:
    """Refuse to receive (Form 03), with the reasons."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise DossierError(DossierErrorCode.REASON_MISSING, "Cần ghi rõ lý do từ chối tiếp nhận (mẫu 03).")
    dossier = _lock(dossier, expected_status=expected_status)
    _require_role(actor, dossier.receiving_agency, {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    if dossier.received_at is not None:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Hồ sơ đã tiếp nhận: dùng “dừng xử lý” kèm lý do.")
    from_status, dossier.status = _move(dossier, Transition.REFUSE)
    dossier.closed_at = _now()
    _save(dossier, "status", "closed_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.REFUSE, note=reasons),
        from_status=from_status,
        due_before=None,
        agency=dossier.receiving_agency,
    )
    notifications.dossier_notify(dossier, "refused")
    return dossier


# --- processing ---------------------------------------------------------------------------------
def _active_steps(dossier: Dossier):
    return dossier.steps.filter(state=DossierStep.State.ACTIVE).select_related("agency")


@transaction.atomic
def step_assign(*, actor, step: DossierStep, assignee, expected_status: int | None = None) -> DossierStep:
    """A head of unit (or leader) gives an active step to a handler of the step's agency."""
    dossier = _lock(step.dossier, expected_status=expected_status)
    step = DossierStep.objects.select_for_update(of=("self",)).select_related("agency").get(pk=step.pk)
    if step.state != DossierStep.State.ACTIVE:
        raise DossierError(DossierErrorCode.STEP_NOT_ACTIVE, "Bước này không còn đang xử lý.")
    _require_role(actor, step.agency, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    membership = assignee.current_membership() if assignee is not None else None
    if membership is None or home_agency(membership.agency).pk != home_agency(step.agency).pk:
        raise DossierError(DossierErrorCode.NOT_YOUR_STEP, "Chỉ giao được cho cán bộ của cơ quan xử lý bước này.")
    before = step.assignee.get_full_name() if step.assignee else None
    step.assignee = assignee
    step.save(update_fields=["assignee", "updated_at"])
    from_status = dossier.status
    if dossier.status == Status.RECEIVED:
        _, dossier.status = _move(dossier, Transition.START)
        _save(dossier, "status")
    _record(
        dossier,
        actor=actor,
        change=_Change(
            Transition.START if from_status == Status.RECEIVED else Transition.ASSIGN,
            note=f"Giao {assignee.get_full_name()} xử lý bước “{step.name}”",
            to_step=step,
            public=False,
            extra={"assignee": [before, assignee.get_full_name()]},
        ),
        from_status=from_status,
        due_before=dossier.due_at,
        agency=step.agency,
    )
    return step


@transaction.atomic
def step_complete(
    *, actor, step: DossierStep, note: str = "", at: datetime | None = None, expected_status: int | None = None
) -> DossierStep:
    """Finish one active step; when its group is done the next group starts, and the dossier is
    processed (status 9) once only the return of the result is left."""
    dossier = _lock(step.dossier, expected_status=expected_status)
    step = DossierStep.objects.select_for_update(of=("self",)).select_related("agency").get(pk=step.pk)
    if step.state != DossierStep.State.ACTIVE:
        raise DossierError(
            DossierErrorCode.STEP_NOT_ACTIVE, "Bước này đã được người khác hoàn thành hoặc chưa bắt đầu."
        )
    if dossier.is_paused:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Hồ sơ đang chờ người nộp; chưa thể chuyển bước.")
    _require_role(actor, step.agency, {step.role, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    from_status = dossier.status
    _move(dossier, Transition.STEP_COMPLETE)
    at = at or _now()
    calendar = get_calendar()
    step.state = DossierStep.State.DONE
    step.finished_at = at
    step.timeliness = clock.timeliness(at, step.due_at) if step.due_at else clock.Timeliness.ON_TIME
    step.note = note.strip()
    if step.assignee_id is None and actor is not None and actor.is_authenticated:
        step.assignee = actor
    step.save(update_fields=["state", "finished_at", "timeliness", "note", "assignee", "updated_at"])
    if home_agency(step.agency).pk != home_agency(dossier.receiving_agency).pk:
        from apps.accounts.models import AccessGrant

        AccessGrant.objects.filter(
            grantee=home_agency(step.agency), target_type=GRANT_TYPE, target_uuid=dossier.uuid
        ).update(can_change=False)  # read access stays: they worked on it
    if dossier.status == Status.RECEIVED:
        _, dossier.status = _move(dossier, Transition.START)
    to_step = None
    transition = Transition.STEP_COMPLETE
    if not dossier.steps.filter(order=step.order, state=DossierStep.State.ACTIVE).exists():
        next_order = _next_order(dossier, step.order)
        next_kind = dossier.steps.filter(order=next_order).values_list("kind", flat=True).first()
        if next_order is None or next_kind == RoutingStep.Kind.RETURN:
            if not dossier.documents.filter(kind=DossierDocument.Kind.RESULT).exists():
                raise DossierError(
                    DossierErrorCode.RESULT_MISSING, "Cần đính kèm kết quả giải quyết trước khi hoàn thành hồ sơ."
                )
            _, dossier.status = _move(dossier, Transition.COMPLETE)
            dossier.finished_at = at
            dossier.timeliness = clock.timeliness(at, dossier.due_at)
            transition = Transition.COMPLETE
            _save(dossier, "status", "finished_at", "timeliness")
            notifications.dossier_notify(dossier, "done")
        if next_order is not None:
            to_step = _activate_group(dossier, next_order, calendar.counting_start(at), calendar)[0]
    _save(dossier, "status")
    _record(
        dossier,
        actor=actor,
        change=_Change(transition, note=note.strip(), from_step=step, to_step=to_step, public=True),
        from_status=from_status,
        due_before=dossier.due_at,
        agency=step.agency,
    )
    return step


@transaction.atomic
def dossier_result_attach(
    *, actor, dossier: Dossier, document: DocumentInput, expected_status: int | None = None
) -> DossierDocument:
    """Attach the result (a PDF, or a paper result noted as such)."""
    dossier = _lock(dossier, expected_status=expected_status)
    if dossier.status not in {Status.RECEIVED, Status.PROCESSING, Status.DONE}:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Chỉ đính kèm kết quả khi hồ sơ đang được giải quyết.")
    active = list(_active_steps(dossier))
    agency = active[0].agency if active else dossier.receiving_agency
    _require_role(actor, agency, {Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.DESK_OFFICER})
    stored = _store_documents(dossier, [document], kind=DossierDocument.Kind.RESULT, actor=actor)[0]
    audit_record(
        actor=actor,
        action="dossiers.result_attach",
        target=dossier,
        target_label=dossier.code,
        after={"name": stored.name},
    )
    return stored


# --- waits on the applicant -----------------------------------------------------------------------
def _pause(dossier: Dossier, at: datetime, calendar) -> None:
    dossier.paused_at = at
    dossier.remaining_seconds = clock.remaining_seconds(calendar, due_at=dossier.due_at, at=at)
    for step in _active_steps(dossier):
        step.remaining_seconds = clock.remaining_seconds(calendar, due_at=step.due_at, at=at)
        step.save(update_fields=["remaining_seconds", "updated_at"])


def _resume(dossier: Dossier, at: datetime, calendar, *, restart: bool) -> None:
    if restart:
        dossier.clock_started_at = clock.clock_start(calendar, at)
        dossier.due_at = clock.due_from(
            calendar, dossier.clock_started_at, clock.Deadline(dossier.deadline_value, dossier.deadline_unit)
        )
        for step in _active_steps(dossier):
            step.started_at = dossier.clock_started_at
            step.due_at = min(
                clock.due_from(calendar, step.started_at, clock.Deadline(step.share_value, step.share_unit)),
                dossier.due_at,
            )
            step.remaining_seconds = None
            step.save(update_fields=["started_at", "due_at", "remaining_seconds", "updated_at"])
    else:
        dossier.due_at = clock.resume_due(calendar, resumed_at=at, remaining=dossier.remaining_seconds or 0)
        for step in _active_steps(dossier):
            if step.remaining_seconds is not None:
                step.due_at = clock.resume_due(calendar, resumed_at=at, remaining=step.remaining_seconds)
                step.remaining_seconds = None
                step.save(update_fields=["due_at", "remaining_seconds", "updated_at"])
    dossier.paused_at = None
    dossier.remaining_seconds = None


def _wait_effect(dossier: Dossier, event: str, at: datetime, calendar) -> str:
    rule = clock_rule_for(dossier.version, event)
    effect = rule.effect
    if rule.window_working_days is not None:
        within = clock.supplement_restarts(
            calendar, started_at=dossier.clock_started_at, requested_at=at, within_days=rule.window_working_days
        )
        effect = rule.effect if within else rule.effect_after_window
    return effect


def _processing_agency(dossier: Dossier) -> Agency:
    active = list(_active_steps(dossier))
    return active[0].agency if active else dossier.receiving_agency


@transaction.atomic
def dossier_request_supplement(
    *, actor, dossier: Dossier, items: list[str], reason: str = "", expected_status: int | None = None
) -> DossierWait:
    """During processing: ask the applicant to supplement (Form 02, everything at once). Within the
    window of the procedure's rule (3 working days by default) the deadline will restart in full;
    later, the clock pauses."""
    items = [" ".join(i.split()) for i in items if i and i.strip()]
    if not items:
        raise DossierError(DossierErrorCode.NOTHING_MISSING, "Cần liệt kê đầy đủ nội dung cần bổ sung (mẫu 02).")
    dossier = _lock(dossier, expected_status=expected_status)
    agency = _processing_agency(dossier)
    _require_role(actor, agency, {Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.DESK_OFFICER})
    from_status, dossier.status = _move(dossier, Transition.REQUEST_SUPPLEMENT)
    at = _now()
    calendar = get_calendar()
    effect = _wait_effect(dossier, ClockRule.Event.SUPPLEMENT_REQUEST, at, calendar)
    kind = DossierWait.Kind.SUPPLEMENT
    due_before = dossier.due_at
    if effect != ClockRule.Effect.CONTINUE:
        _pause(dossier, at, calendar)
    _save(dossier, "status", "paused_at", "remaining_seconds")
    wait = DossierWait.objects.create(
        dossier=dossier,
        kind=kind,
        effect=effect,
        requested_at=at,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        items=items,
        reason=reason.strip(),
        remaining_seconds=dossier.remaining_seconds,
    )
    label = {"restart": "thời hạn tính lại từ đầu", "pause": "tạm dừng tính thời hạn", "continue": "thời hạn vẫn chạy"}
    _record(
        dossier,
        actor=actor,
        change=_Change(
            Transition.REQUEST_SUPPLEMENT,
            note="; ".join(items) + f" ({label[effect]} khi nhận đủ)",
            extra={"items": items, "effect": effect},
        ),
        from_status=from_status,
        due_before=due_before,
        agency=agency,
    )
    notifications.dossier_notify(dossier, "supplement_requested")
    return wait


@transaction.atomic
def dossier_supplement_received(
    *, actor, dossier: Dossier, documents: list[DocumentInput] | None = None, expected_status: int | None = None
) -> Dossier:
    """The applicant completed the dossier: restart or resume the clock as the wait said."""
    dossier = _lock(dossier, expected_status=expected_status)
    _require_applicant_or_role(actor, dossier)
    if dossier.received_at is None:
        raise DossierError(
            DossierErrorCode.TRANSITION_REFUSED, "Hồ sơ chưa tiếp nhận: khi đủ giấy tờ, hãy tiếp nhận hồ sơ (mẫu 01)."
        )
    from_status, dossier.status = _move(dossier, Transition.SUPPLEMENT_RECEIVED)
    wait = (
        dossier.waits.filter(resolved_at__isnull=True, kind=DossierWait.Kind.SUPPLEMENT)
        .order_by("-requested_at")
        .first()
    )
    at = _now()
    calendar = get_calendar()
    _store_documents(dossier, documents or [], kind=DossierDocument.Kind.SUPPLEMENT, actor=actor)
    due_before = dossier.due_at
    if wait is not None and wait.effect in {DossierWait.Effect.RESTART, DossierWait.Effect.PAUSE} and dossier.is_paused:
        _resume(dossier, at, calendar, restart=wait.effect == DossierWait.Effect.RESTART)
    if wait is not None:
        wait.resolved_at = at
        wait.save(update_fields=["resolved_at", "updated_at"])
    _save(dossier, "status", "paused_at", "remaining_seconds", "clock_started_at", "due_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(
            Transition.SUPPLEMENT_RECEIVED, note=f"Hẹn trả mới {dossier.due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}"
        ),
        from_status=from_status,
        due_before=due_before,
        agency=_processing_agency(dossier),
    )
    notifications.dossier_notify(dossier, "supplement_received")
    return dossier


@transaction.atomic
def dossier_request_payment(
    *, actor, dossier: Dossier, items: list[dict], reason: str = "", expected_status: int | None = None
) -> DossierWait:
    """Ask the applicant to fulfil a financial obligation (amounts in đồng); the clock pauses."""
    cleaned = []
    for item in items:
        name = " ".join(str(item.get("name", "")).split())
        try:
            amount = int(item.get("amount"))
        except (TypeError, ValueError):
            amount = -1
        if not name or amount <= 0:
            raise DossierError(DossierErrorCode.NOTHING_MISSING, "Mỗi khoản phải có tên và số tiền (đồng) lớn hơn 0.")
        cleaned.append({"name": name, "amount": amount})
    if not cleaned:
        raise DossierError(DossierErrorCode.NOTHING_MISSING, "Cần ghi ít nhất một khoản nghĩa vụ tài chính.")
    dossier = _lock(dossier, expected_status=expected_status)
    agency = _processing_agency(dossier)
    _require_role(actor, agency, {Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.DESK_OFFICER})
    from_status, dossier.status = _move(dossier, Transition.REQUEST_PAYMENT)
    at = _now()
    calendar = get_calendar()
    effect = _wait_effect(dossier, ClockRule.Event.FINANCIAL_OBLIGATION, at, calendar)
    due_before = dossier.due_at
    if effect != ClockRule.Effect.CONTINUE:
        _pause(dossier, at, calendar)
    _save(dossier, "status", "paused_at", "remaining_seconds")
    wait = DossierWait.objects.create(
        dossier=dossier,
        kind=DossierWait.Kind.FINANCIAL,
        effect=effect,
        requested_at=at,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        items=cleaned,
        reason=reason.strip(),
        remaining_seconds=dossier.remaining_seconds,
    )
    total = sum(i["amount"] for i in cleaned)
    _record(
        dossier,
        actor=actor,
        change=_Change(
            Transition.REQUEST_PAYMENT, note=f"Tổng {total:,} đồng".replace(",", "."), extra={"items": cleaned}
        ),
        from_status=from_status,
        due_before=due_before,
        agency=agency,
    )
    notifications.dossier_notify(dossier, "payment_requested")
    return wait


@transaction.atomic
def dossier_payment_done(*, actor, dossier: Dossier, expected_status: int | None = None) -> Dossier:
    """The financial obligation is fulfilled: the clock resumes with the time that was left."""
    dossier = _lock(dossier, expected_status=expected_status)
    _require_applicant_or_role(actor, dossier)
    from_status, dossier.status = _move(dossier, Transition.PAYMENT_DONE)
    wait = (
        dossier.waits.filter(resolved_at__isnull=True, kind=DossierWait.Kind.FINANCIAL)
        .order_by("-requested_at")
        .first()
    )
    at = _now()
    due_before = dossier.due_at
    if dossier.is_paused:
        _resume(dossier, at, get_calendar(), restart=wait is not None and wait.effect == DossierWait.Effect.RESTART)
    if wait is not None:
        wait.resolved_at = at
        wait.save(update_fields=["resolved_at", "updated_at"])
    _save(dossier, "status", "paused_at", "remaining_seconds", "clock_started_at", "due_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.PAYMENT_DONE),
        from_status=from_status,
        due_before=due_before,
        agency=_processing_agency(dossier),
    )
    return dossier


# --- apology, withdrawal, stop, return ------------------------------------------------------------
@transaction.atomic
def dossier_apologise(
    *, actor, dossier: Dossier, new_due_at: datetime, reason: str, expected_status: int | None = None
) -> Dossier:
    """Form 04: apologise and set a new date, at least one working day before the due moment, once."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(DossierErrorCode.REASON_MISSING, "Cần ghi lý do chậm trễ trong phiếu xin lỗi (mẫu 04).")
    dossier = _lock(dossier, expected_status=expected_status)
    agency = _processing_agency(dossier)
    _require_role(actor, agency, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.DESK_OFFICER})
    from_status, _ = _move(dossier, Transition.APOLOGISE)
    if dossier.apologised_at is not None:
        raise DossierError(
            DossierErrorCode.APOLOGY_TWICE, "Đã xin lỗi và hẹn lại ngày trả một lần; chỉ được hẹn lại một lần."
        )
    now = _now()
    calendar = get_calendar()
    if dossier.due_at is None or not clock.apology_allowed(calendar, due_at=dossier.due_at, at=now):
        raise DossierError(
            DossierErrorCode.APOLOGY_TOO_LATE,
            "Phiếu xin lỗi phải gửi chậm nhất 01 ngày làm việc trước hạn trả kết quả; nay đã quá thời điểm đó.",
        )
    if new_due_at <= dossier.due_at:
        raise DossierError(DossierErrorCode.APOLOGY_DATE, "Ngày hẹn mới phải sau ngày hẹn hiện tại.")
    due_before = dossier.due_at
    dossier.due_at = new_due_at
    dossier.apologised_at = now
    _save(dossier, "due_at", "apologised_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.APOLOGISE, note=reason, extra={"reason": reason}),
        from_status=from_status,
        due_before=due_before,
        agency=agency,
    )
    notifications.dossier_notify(dossier, "apology")
    return dossier


def _close(dossier: Dossier, at: datetime) -> None:
    dossier.closed_at = at
    for step in _active_steps(dossier):
        step.state = DossierStep.State.CANCELLED
        step.save(update_fields=["state", "updated_at"])


@transaction.atomic
def dossier_withdraw(*, actor, dossier: Dossier, reason: str = "", expected_status: int | None = None) -> Dossier:
    """The applicant withdraws the dossier (status 7), online or at the desk."""
    dossier = _lock(dossier, expected_status=expected_status)
    is_applicant = actor is not None and dossier.applicant_id is not None and actor.pk == dossier.applicant_id
    if not is_applicant:
        _require_role(actor, dossier.receiving_agency, {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    from_status, dossier.status = _move(dossier, Transition.WITHDRAW)
    _close(dossier, _now())
    _save(dossier, "status", "closed_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.WITHDRAW, note=reason.strip()),
        from_status=from_status,
        due_before=dossier.due_at,
        agency=dossier.receiving_agency,
    )
    notifications.dossier_notify(dossier, "withdrawn")
    return dossier


@transaction.atomic
def dossier_stop(*, actor, dossier: Dossier, reason: str, expected_status: int | None = None) -> Dossier:
    """Stop processing (status 8), e.g. refusal after appraisal, with the reasons."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierError(DossierErrorCode.REASON_MISSING, "Cần ghi rõ lý do dừng xử lý.")
    dossier = _lock(dossier, expected_status=expected_status)
    agency = _processing_agency(dossier)
    _require_role(actor, agency, {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    from_status, dossier.status = _move(dossier, Transition.STOP)
    _close(dossier, _now())
    _save(dossier, "status", "closed_at")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.STOP, note=reason),
        from_status=from_status,
        due_before=dossier.due_at,
        agency=agency,
    )
    notifications.dossier_notify(dossier, "stopped")
    return dossier


@transaction.atomic
def dossier_return_result(
    *, actor, dossier: Dossier, channel: int = Channel.DESK, expected_status: int | None = None
) -> Dossier:
    """Hand the result to the applicant at the desk, online or by post (status 10)."""
    dossier = _lock(dossier, expected_status=expected_status)
    _require_role(actor, dossier.receiving_agency, {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER})
    if channel not in Channel.values:
        raise DossierError(DossierErrorCode.TRANSITION_REFUSED, "Hình thức trả kết quả không hợp lệ.")
    from_status, dossier.status = _move(dossier, Transition.RETURN_RESULT)
    now = _now()
    dossier.returned_at = dossier.closed_at = now
    dossier.result_channel = channel
    for step in _active_steps(dossier):
        step.state = DossierStep.State.DONE
        step.finished_at = now
        step.assignee = step.assignee or (actor if actor is not None and actor.is_authenticated else None)
        step.timeliness = clock.Timeliness.ON_TIME
        step.save(update_fields=["state", "finished_at", "assignee", "timeliness", "updated_at"])
    _save(dossier, "status", "returned_at", "closed_at", "result_channel")
    _record(
        dossier,
        actor=actor,
        change=_Change(Transition.RETURN_RESULT, note=CHANNEL_NOTES[channel]),
        from_status=from_status,
        due_before=dossier.due_at,
        agency=dossier.receiving_agency,
    )
    notifications.dossier_notify(dossier, "returned")
    return dossier
