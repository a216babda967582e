"""Every scoped read of dossiers: who sees which dossier, the role inboxes, the dossier page, and
the public tracking lookup.

An official reaches a dossier when it was received by an agency in their scope, when one of its
active steps is at their unit (or at the agency above it), when they worked on one of its steps,
or through an ``AccessGrant`` to their agency (a dossier routed to another agency for consultation
stays readable there once the consultation is done). Anything else is "not found".
"""

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import AccessGrant, User
from apps.accounts.roles import Role
from apps.accounts.selectors import home_agency, scope_agency_ids, scope_for_permission
from apps.core.folding import fold_text
from apps.core.working_days import WorkingCalendar, get_calendar
from apps.organizations.models import Agency
from apps.procedures.models import DocumentRequirement, Procedure, RoutingStep
from apps.procedures.selectors import procedures_for_agency

from .actions import GRANT_TYPE
from .clock import countdown
from .codes import dossier_code_parse
from .models import Dossier, DossierDocument, DossierEvent, DossierStep, DossierWait
from .statuses import CLOSED, Status

VIEW_PERMISSION = "dossiers.view_dossier"
ADD_PERMISSION = "dossiers.add_dossier"
PAGE_SIZE = 50


# --- reach of an official -------------------------------------------------------------------------
@dataclass(frozen=True)
class Reach:
    """The agencies an official's post reaches for dossiers (computed once per request)."""

    everywhere: bool = False
    scope: frozenset[int] = frozenset()  # receiving agencies whose dossiers they see
    steps: frozenset[int] = frozenset()  # agencies whose active steps they see
    grantees: frozenset[int] = frozenset()  # agencies whose access grants they use
    home_id: int | None = None


def _unit_path_ids(agency: Agency) -> set[int]:
    """The unit and the units above it up to its agency: steps routed there are the unit's work."""
    ids = {agency.pk}
    current = agency
    for _ in range(10):
        if current.kind == Agency.Kind.AGENCY or current.parent_id is None:
            break
        current = current.parent
        ids.add(current.pk)
    return ids


def official_reach(user: User) -> Reach | None:
    """What ``user`` reaches (None: nothing — not an official with the dossiers permission)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "_dossier_reach"):
        return user._dossier_reach
    reach: Reach | None
    if user.is_superuser:
        reach = Reach(everywhere=True)
    elif not user.is_official or not user.has_perm(VIEW_PERMISSION):
        reach = None
    else:
        membership = user.current_membership()
        scope = scope_for_permission(user, VIEW_PERMISSION) or set()
        if membership is None:
            reach = None
        else:
            home = home_agency(membership.agency)
            reach = Reach(
                scope=frozenset(scope),
                steps=frozenset(scope | _unit_path_ids(membership.agency)),
                grantees=frozenset({membership.agency_id, home.pk}),
                home_id=home.pk,
            )
    user._dossier_reach = reach
    return reach


def _grants(reach: Reach, *, change: bool) -> QuerySet[AccessGrant]:
    now = timezone.now()
    grants = AccessGrant.objects.filter(
        target_type=GRANT_TYPE, grantee_id__in=reach.grantees, valid_from__lte=now
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
    return grants.filter(can_change=True) if change else grants


def dossiers_for_official(user: User, *, change: bool = False) -> QuerySet[Dossier]:
    """Dossiers ``user`` may read (``change``: may act on) — the one place that decides it."""
    reach = official_reach(user)
    if reach is None:
        return Dossier.objects.none()
    if reach.everywhere:
        return Dossier.objects.all()
    active = DossierStep.objects.filter(state=DossierStep.State.ACTIVE, agency_id__in=reach.steps)
    reaches = (
        Q(receiving_agency_id__in=reach.scope)
        | Q(pk__in=active.values("dossier_id"))
        | Q(uuid__in=_grants(reach, change=change).values("target_uuid"))
    )
    if not change:
        reaches |= Q(pk__in=DossierStep.objects.filter(assignee=user).values("dossier_id"))
    return Dossier.objects.filter(reaches)


def dossier_get_for_user(user: User, uuid, *, change: bool = False) -> Dossier | None:
    """The dossier with this UUID if ``user`` may read it (or act on it), else None."""
    return (
        dossiers_for_official(user, change=change)
        .select_related("procedure", "version", "receiving_agency", "received_by")
        .filter(uuid=uuid)
        .first()
    )


def intake_agency(user: User) -> Agency | None:
    """The agency a desk officer receives dossiers for (their post's agency), else None."""
    if not user.is_official or Role.DESK_OFFICER not in user.role_codes():
        return None
    membership = user.current_membership()
    return home_agency(membership.agency) if membership is not None else None


# --- inboxes --------------------------------------------------------------------------------------
class Inbox(StrEnum):
    DESK = "mot-cua"
    HANDLER = "xu-ly"
    HEAD = "phan-cong"
    LEADER = "lanh-dao"


INBOX_ROLES: dict[Inbox, str] = {
    Inbox.DESK: Role.DESK_OFFICER,
    Inbox.HANDLER: Role.HANDLER,
    Inbox.HEAD: Role.HEAD_OF_UNIT,
    Inbox.LEADER: Role.AGENCY_LEADER,
}

# The desk's work: online dossiers to check, dossiers waiting to be completed before receipt,
# results to hand back.
DESK_STATUSES = (Status.NEW, Status.SUPPLEMENT_REQUESTED, Status.DONE)


class Due(StrEnum):
    OVERDUE = "qua-han"
    SOON = "sap-han"  # within one working day


@dataclass(frozen=True)
class InboxFilter:
    status: int | None = None
    procedure: Procedure | None = None
    due: str = ""
    query: str = ""


def inboxes_for(user: User) -> list[Inbox]:
    """The inboxes of the roles ``user`` holds, in the order of the work (all for a superuser)."""
    if user.is_superuser:
        return list(Inbox)
    if official_reach(user) is None:
        return []
    held = user.role_codes()
    return [inbox for inbox, role in INBOX_ROLES.items() if role in held]


def _agencies(ids: set[int] | None, lookup: str) -> Q:
    return Q() if ids is None else Q(**{f"{lookup}__in": ids})


def _role_reach(user: User, role: str) -> tuple[set[int] | None, set[int] | None]:
    """(scope of ``role``, scope plus the user's unit path) — None for everywhere."""
    if user.is_superuser:
        return None, None
    scope = scope_agency_ids(user, roles={role}) or set()
    membership = user.current_membership()
    path = _unit_path_ids(membership.agency) if membership is not None and scope else set()
    return scope, scope | path


def _filter(qs: QuerySet, filters: InboxFilter, *, prefix: str, now: datetime, calendar: WorkingCalendar):
    if filters.status:
        qs = qs.filter(**{f"{prefix}status": filters.status})
    if filters.procedure is not None:
        qs = qs.filter(**{f"{prefix}procedure": filters.procedure})
    due = "due_at"
    if filters.due == Due.OVERDUE:
        qs = qs.filter(**{f"{due}__lt": now})
    elif filters.due == Due.SOON:
        qs = qs.filter(**{f"{due}__gte": now, f"{due}__lte": calendar.add_working_days(now, 1)})
    needle = fold_text(filters.query or "")[:100]
    if needle:
        field = f"{prefix}search_text"
        qs = qs.filter(**{f"{field}__contains": needle})
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")


def _active_steps_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}steps",
        queryset=DossierStep.objects.filter(state=DossierStep.State.ACTIVE)
        .select_related("agency", "assignee")
        .order_by("order", "position"),
        to_attr="active_steps",
    )


def desk_inbox(user: User, filters: InboxFilter = InboxFilter(), *, now=None) -> QuerySet[Dossier]:
    """Dossiers of the desk's agency to check (1), to complete before receipt (5), to return (9)."""
    now = now or timezone.now()
    scope, _ = _role_reach(user, Role.DESK_OFFICER)
    qs = Dossier.objects.filter(
        Q(status__in=[Status.NEW, Status.DONE]) | Q(status=Status.SUPPLEMENT_REQUESTED, received_at__isnull=True),
        _agencies(scope, "receiving_agency_id"),
    )
    qs = qs.select_related("procedure", "receiving_agency").prefetch_related(_active_steps_prefetch())
    return _filter(qs, filters, prefix="", now=now, calendar=get_calendar())


def _steps() -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(state=DossierStep.State.ACTIVE).select_related(
        "agency", "assignee", "dossier", "dossier__procedure", "dossier__receiving_agency"
    )


def handler_inbox(user: User, filters: InboxFilter = InboxFilter(), *, now=None) -> QuerySet[DossierStep]:
    """Active steps assigned to the handler, or not yet assigned at their unit."""
    now = now or timezone.now()
    _, reach = _role_reach(user, Role.HANDLER)
    mine = Q(assignee=user) if user.pk else Q(pk__in=[])
    open_here = Q(assignee__isnull=True, role=Role.HANDLER) & _agencies(reach, "agency_id")
    if reach is not None and not reach:
        open_here = Q(pk__in=[])
    qs = _steps().filter(mine | open_here)
    return _filter(qs, filters, prefix="dossier__", now=now, calendar=get_calendar())


def head_inbox(user: User, filters: InboxFilter = InboxFilter(), *, now=None) -> QuerySet[DossierStep]:
    """Active steps of the head's unit that handlers do (to assign and follow), overdue first."""
    now = now or timezone.now()
    _, reach = _role_reach(user, Role.HEAD_OF_UNIT)
    if reach is not None and not reach:
        return DossierStep.objects.none()
    qs = _steps().filter(_agencies(reach, "agency_id"), role__in=[Role.HANDLER, Role.HEAD_OF_UNIT])
    return _filter(qs, filters, prefix="dossier__", now=now, calendar=get_calendar())


def leader_inbox(user: User, filters: InboxFilter = InboxFilter(), *, now=None) -> QuerySet[DossierStep]:
    """Steps waiting for the leader's approval, and every overdue active step of the agency."""
    now = now or timezone.now()
    scope, _ = _role_reach(user, Role.AGENCY_LEADER)
    if scope is not None and not scope:
        return DossierStep.objects.none()
    approval = Q(role=Role.AGENCY_LEADER) | Q(kind=RoutingStep.Kind.APPROVAL)
    qs = _steps().filter(_agencies(scope, "agency_id")).filter(approval | Q(due_at__lt=now))
    return _filter(qs, filters, prefix="dossier__", now=now, calendar=get_calendar())


INBOX_SELECTORS = {
    Inbox.DESK: desk_inbox,
    Inbox.HANDLER: handler_inbox,
    Inbox.HEAD: head_inbox,
    Inbox.LEADER: leader_inbox,
}


@dataclass(frozen=True)
class InboxRow:
    dossier: Dossier
    steps: list[DossierStep]  # the current step(s) shown
    due_at: datetime | None
    countdown: str
    overdue: bool
    paused: bool


def _row(dossier: Dossier, steps: list[DossierStep], due_at, *, now, calendar) -> InboxRow:
    paused = dossier.is_paused
    if due_at is None or dossier.status in CLOSED or paused:
        text, overdue = "", False
    else:
        text, overdue = countdown(calendar, due_at=due_at, now=now), due_at < now
    return InboxRow(dossier=dossier, steps=steps, due_at=due_at, countdown=text, overdue=overdue, paused=paused)


def inbox_page(
    user: User, inbox: Inbox, filters: InboxFilter = InboxFilter(), *, page: str | int | None = 1, now=None
) -> tuple[Page, list[InboxRow]]:
    """One page of an inbox (a fixed number of queries whatever its length) and its display rows."""
    now = now or timezone.now()
    qs = INBOX_SELECTORS[inbox](user, filters, now=now)
    current = Paginator(qs, PAGE_SIZE).get_page(page)
    calendar = get_calendar()
    rows = []
    for item in current.object_list:
        if isinstance(item, Dossier):
            rows.append(_row(item, item.active_steps, item.due_at, now=now, calendar=calendar))
        else:
            rows.append(_row(item.dossier, [item], item.due_at, now=now, calendar=calendar))
    return current, rows


def procedures_for_inbox(user: User) -> QuerySet[Procedure]:
    """Procedures an official may filter the inbox by: those their agency takes in or is routed."""
    reach = official_reach(user)
    if reach is None:
        return Procedure.objects.none()
    if reach.everywhere:
        return Procedure.objects.order_by("name", "code")
    received = procedures_for_agency(Agency.objects.get(pk=reach.home_id)).values("pk")
    routed = RoutingStep.objects.filter(agency_id__in=reach.steps | {reach.home_id}).values("version__procedure")
    return Procedure.objects.filter(Q(pk__in=received) | Q(pk__in=routed)).order_by("name", "code")


# --- the dossier page -----------------------------------------------------------------------------
class Act(StrEnum):
    """What an official may do on the dossier page (URL slugs)."""

    RECEIVE = "tiep-nhan"
    ASK_TO_COMPLETE = "yeu-cau-hoan-thien"
    REFUSE = "tu-choi-tiep-nhan"
    ASSIGN = "giao-xu-ly"
    COMPLETE = "hoan-thanh-buoc"
    REQUEST_SUPPLEMENT = "yeu-cau-bo-sung"
    REQUEST_PAYMENT = "yeu-cau-nghia-vu-tai-chinh"
    SUPPLEMENT_RECEIVED = "da-nhan-bo-sung"
    PAYMENT_DONE = "da-hoan-thanh-nghia-vu-tai-chinh"
    APOLOGISE = "xin-loi-hen-lai"
    ATTACH_RESULT = "dinh-kem-ket-qua"
    RETURN_RESULT = "tra-ket-qua"
    WITHDRAW = "rut-ho-so"
    STOP = "dung-xu-ly"


PROCESSING = {Status.RECEIVED, Status.PROCESSING}
WAITING = {Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION}


@dataclass
class Abilities:
    """What ``user`` may do now on one dossier (the actions check again when called)."""

    acts: set[str] = field(default_factory=set)
    assignable: list[DossierStep] = field(default_factory=list)
    completable: list[DossierStep] = field(default_factory=list)

    def __contains__(self, act: str) -> bool:
        return act in self.acts


class _Roles:
    """The user's roles at an agency: held only when the agency is in their own agency."""

    def __init__(self, user: User):
        self.user = user
        self.superuser = user.is_superuser
        membership = user.current_membership() if user.is_official else None
        self.held = user.role_codes() if membership is not None else set()
        self.home_id = home_agency(membership.agency).pk if membership is not None else None
        self._homes: dict[int, int] = {}

    def at(self, agency: Agency) -> set[str]:
        if self.superuser:
            return set(Role.values)
        if agency.pk not in self._homes:
            self._homes[agency.pk] = home_agency(agency).pk
        return self.held if self._homes[agency.pk] == self.home_id else set()


def dossier_abilities(user: User, dossier: Dossier, active_steps: list[DossierStep]) -> Abilities:
    """The actions the page offers ``user``, mirroring the role and status rules of the actions."""
    abilities = Abilities()
    if official_reach(user) is None:
        return abilities
    roles = _Roles(user)
    status = dossier.status
    processing_agency = active_steps[0].agency if active_steps else dossier.receiving_agency
    at_processing = roles.at(processing_agency)
    at_receiving = roles.at(dossier.receiving_agency)
    leads = {Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}
    received = dossier.received_at is not None
    if status in PROCESSING and not dossier.is_paused:
        for step in active_steps:
            held = roles.at(step.agency)
            if held & leads:
                abilities.assignable.append(step)
            if held & leads or (step.role in held and step.assignee_id in {None, user.pk}):
                abilities.completable.append(step)
    if abilities.assignable:
        abilities.acts.add(Act.ASSIGN)
    if abilities.completable:
        abilities.acts.add(Act.COMPLETE)
    workers = {Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.DESK_OFFICER}
    front = {Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}
    if status in PROCESSING and at_processing & workers:
        abilities.acts |= {Act.REQUEST_SUPPLEMENT, Act.REQUEST_PAYMENT}
    if status in PROCESSING | {Status.DONE} and at_processing & workers:
        abilities.acts.add(Act.ATTACH_RESULT)
    if (at_processing | at_receiving) & workers and received:
        if status == Status.SUPPLEMENT_REQUESTED:
            abilities.acts.add(Act.SUPPLEMENT_RECEIVED)
        if status == Status.FINANCIAL_OBLIGATION:
            abilities.acts.add(Act.PAYMENT_DONE)
    if received and status in PROCESSING | WAITING and dossier.apologised_at is None and at_processing & front:
        abilities.acts.add(Act.APOLOGISE)
    if received and status in PROCESSING | WAITING and at_processing & leads:
        abilities.acts.add(Act.STOP)
    if not received and status in {Status.NEW, Status.SUPPLEMENT_REQUESTED} and at_receiving & front:
        abilities.acts |= {Act.RECEIVE, Act.REFUSE}
        if status == Status.NEW:
            abilities.acts.add(Act.ASK_TO_COMPLETE)
    if status == Status.DONE and at_receiving & front:
        abilities.acts.add(Act.RETURN_RESULT)
    if status in PROCESSING | WAITING | {Status.NEW} and at_receiving & front:
        abilities.acts.add(Act.WITHDRAW)
    return abilities


def assignable_officials(user: User, step: DossierStep) -> QuerySet[User]:
    """Officials a head (or leader) may give ``step`` to: handlers of the step's agency in their scope."""
    from apps.organizations.selectors import agency_subtree_ids

    today = timezone.localdate()
    agency_ids = agency_subtree_ids(home_agency(step.agency), on=today)
    if not user.is_superuser:
        scope = scope_agency_ids(user, roles={Role.HEAD_OF_UNIT, Role.AGENCY_LEADER}) or set()
        agency_ids &= scope
    return (
        User.objects.filter(
            kind=User.Kind.OFFICIAL,
            is_active=True,
            memberships__agency_id__in=agency_ids,
            memberships__valid_from__lte=today,
            memberships__roles__role__in=[Role.HANDLER, Role.HEAD_OF_UNIT],
        )
        .filter(Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today))
        .distinct()
        .order_by("full_name", "username")
    )


@dataclass
class DossierPage:
    dossier: Dossier
    documents: list[DossierDocument]
    steps: list[DossierStep]
    active_steps: list[DossierStep]
    waits: list[DossierWait]
    events: list[DossierEvent]
    abilities: Abilities
    countdown: str
    overdue: bool

    @property
    def has_supplement_request(self) -> bool:
        """Whether a Form 02 was issued (before receipt or during processing)."""
        return any(w.kind != DossierWait.Kind.FINANCIAL for w in self.waits)


def dossier_page(user: User, dossier: Dossier, *, now=None) -> DossierPage:
    """Everything the dossier page shows, in a fixed number of queries."""
    now = now or timezone.now()
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order", "position"))
    active = [s for s in steps if s.state == DossierStep.State.ACTIVE]
    text, overdue = "", False
    if dossier.due_at is not None and dossier.status not in CLOSED and not dossier.is_paused:
        text, overdue = countdown(get_calendar(), due_at=dossier.due_at, now=now), dossier.due_at < now
    return DossierPage(
        dossier=dossier,
        documents=list(dossier.documents.select_related("requirement").order_by("created_at", "pk")),
        steps=steps,
        active_steps=active,
        waits=list(dossier.waits.order_by("requested_at", "pk")),
        events=list(dossier.events.select_related("agency", "from_step", "to_step").order_by("at", "id")),
        abilities=dossier_abilities(user, dossier, active),
        countdown=text,
        overdue=overdue,
    )


def dossier_missing_requirements(dossier: Dossier) -> list[DocumentRequirement]:
    """Mandatory documents of the dossier's checklist not lodged yet (what receipt still needs)."""
    given = dossier.documents.filter(requirement__isnull=False).values("requirement_id")
    return list(dossier.version.documents.filter(mandatory=True).exclude(pk__in=given).order_by("order"))


def dossier_document_get(dossier: Dossier, document_uuid) -> DossierDocument | None:
    """A file of a dossier the caller already reached through ``dossier_get_for_user``."""
    return dossier.documents.filter(uuid=document_uuid).exclude(file="").first()


# --- public tracking ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str
    agency_name: str


@dataclass(frozen=True)
class PublicDossier:
    """What anyone holding the code and the secret (or the phone) may see: no personal data."""

    code: str
    status_label: str
    procedure_name: str
    agency_name: str
    received_at: datetime | None
    due_at: datetime | None
    countdown: str
    overdue: bool
    paused: bool
    trail: list[PublicStep]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def dossier_track(*, code: str, secret: str = "", phone: str = "", now=None) -> PublicDossier | None:
    """The public view of the dossier with ``code`` when ``secret`` or ``phone`` matches, else None.

    The same None whether the code does not exist or the proof is wrong, so nothing is learnt by
    guessing.
    """
    parsed = dossier_code_parse(code)
    secret = "".join(secret.split()).upper()
    phone = _digits(phone)
    if parsed is None or not (secret or len(phone) >= 9):
        return None
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .filter(code=code.strip().upper(), received_at__isnull=False)
        .first()
    )
    if dossier is None:
        return None
    proven = bool(secret) and hmac.compare_digest(secret, dossier.tracking_secret.upper())
    if not proven and phone:
        stored = _digits(dossier.applicant_phone)
        proven = bool(stored) and stored[-9:] == phone[-9:]
    if not proven:
        return None
    now = now or timezone.now()
    text, overdue = "", False
    if dossier.due_at is not None and dossier.status not in CLOSED and not dossier.is_paused:
        text, overdue = countdown(get_calendar(), due_at=dossier.due_at, now=now), dossier.due_at < now
    events = dossier.events.filter(public=True).select_related("agency").order_by("at", "id")
    return PublicDossier(
        code=dossier.code,
        status_label=str(Status(dossier.status).label),
        procedure_name=dossier.procedure.name,
        agency_name=dossier.receiving_agency.name,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        countdown=text,
        overdue=overdue,
        paused=dossier.is_paused,
        trail=[
            PublicStep(at=e.at, label=str(e.get_transition_display()), agency_name=e.agency.name if e.agency else "")
            for e in events
        ],
    )
