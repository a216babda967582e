"""Reads of the online submission, each scoped to the signed-in applicant.

A draft or a dossier of someone else is never found (the views answer 404, the same as for a
UUID that does not exist). The list of "my dossiers" is read in a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.working_days import get_calendar
from apps.dossiers.clock import countdown
from apps.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierWait
from apps.dossiers.selectors import dossier_missing_requirements
from apps.dossiers.statuses import CLOSED, Status
from apps.organizations.models import Agency
from apps.procedures.models import DocumentRequirement, Procedure, ProcedureVersion, RoutingStep
from apps.procedures.selectors import (
    RECEIVING_DESK_CATEGORIES,
    procedure_offered_by,
    procedure_version_in_force,
)

from ..models import DraftFile, SubmissionDraft


# --- procedures and agencies ----------------------------------------------------------------------
def procedure_for_submission(code: str) -> tuple[Procedure, ProcedureVersion] | None:
    """An active procedure with a version in force, by its national code (None otherwise)."""
    procedure = Procedure.objects.filter(code=code, is_active=True).select_related("sector").first()
    if procedure is None:
        return None
    version = procedure_version_in_force(procedure)
    return (procedure, version) if version is not None else None


def receiving_agencies(procedure: Procedure, version: ProcedureVersion) -> list[Agency]:
    """Agencies in force today that take in ``procedure``.

    The candidates are narrowed in SQL, then each is confirmed by ``procedure_offered_by`` (the
    catalogue's rule, which decides from the rows at hand here, so no query per agency).
    """
    intake_ids = set(
        version.steps.filter(kind=RoutingStep.Kind.INTAKE, target=RoutingStep.Target.AGENCY).values_list(
            "agency_id", flat=True
        )
    )
    narrowed = Q(level=procedure.level, category__in=RECEIVING_DESK_CATEGORIES) | Q(pk__in=intake_ids)
    if procedure.competent_agency_id is not None:
        narrowed |= Q(pk=procedure.competent_agency_id)
    else:  # a commune procedure: every agency of its category and level
        narrowed |= Q(level=procedure.level, category=procedure.competent_category)
    candidates = Agency.objects.valid_on(timezone.localdate()).filter(narrowed).order_by("sort_order", "name")
    return [
        agency for agency in candidates if agency.pk in intake_ids or procedure_offered_by(procedure, version, agency)
    ]


def requirements_of(version: ProcedureVersion) -> list[DocumentRequirement]:
    return list(version.documents.order_by("order"))


def fee_total(version: ProcedureVersion) -> int:
    return version.fees.aggregate(total=Sum("amount"))["total"] or 0


# --- drafts ---------------------------------------------------------------------------------------
def drafts_for_applicant(user) -> QuerySet[SubmissionDraft]:
    return SubmissionDraft.objects.filter(applicant=user, state=SubmissionDraft.State.DRAFT).select_related(
        "procedure", "receiving_agency"
    )


def draft_get_for_applicant(user, uuid) -> SubmissionDraft | None:
    """The applicant's own draft (any state), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SubmissionDraft.objects.filter(uuid=uuid, applicant=user)
        .select_related("procedure", "version", "receiving_agency", "dossier")
        .first()
    )


def draft_files(draft: SubmissionDraft) -> list[DraftFile]:
    return list(draft.files.select_related("requirement").order_by("created_at", "pk"))


# --- my dossiers ----------------------------------------------------------------------------------
def dossiers_for_applicant(user) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant=user).select_related("procedure", "receiving_agency")


def dossier_get_for_applicant(user, uuid) -> Dossier | None:
    """The applicant's own dossier, or None (someone else's dossier is not found)."""
    return dossiers_for_applicant(user).select_related("version").filter(uuid=uuid).first()


@dataclass(frozen=True)
class DossierRow:
    dossier: Dossier
    countdown: str
    overdue: bool
    paused: bool
    last_event: DossierEvent | None


def _clock(dossier: Dossier, *, now: datetime, calendar) -> tuple[str, bool]:
    if dossier.due_at is None or dossier.status in CLOSED or dossier.is_paused:
        return "", False
    return countdown(calendar, due_at=dossier.due_at, now=now), dossier.due_at < now


MY_DOSSIERS_PER_PAGE = 20
NEWEST_FIRST = ("-submitted_at", "-created_at", "-pk")


def my_dossiers_page(user, *, page=1, now: datetime | None = None) -> tuple[Page, list[DossierRow]]:
    """One page of the applicant's dossiers (a fixed number of queries whatever the page holds)."""
    paginator = Paginator(dossiers_for_applicant(user).order_by(*NEWEST_FIRST), MY_DOSSIERS_PER_PAGE)
    current = paginator.get_page(page)
    return current, my_dossier_rows(user, now=now, pks=[d.pk for d in current.object_list])


def my_dossier_rows(user, *, now: datetime | None = None, pks: list[int] | None = None) -> list[DossierRow]:
    """The applicant's dossiers (or those of ``pks``), newest first, with the countdown and the
    latest public trail entry."""
    now = now or timezone.now()
    calendar = get_calendar()
    public_events = DossierEvent.objects.filter(public=True).order_by("-at", "-id")
    dossiers = (
        dossiers_for_applicant(user)
        .order_by(*NEWEST_FIRST)
        .prefetch_related(Prefetch("events", queryset=public_events, to_attr="public_events"))
    )
    if pks is not None:
        dossiers = dossiers.filter(pk__in=pks)
    rows = []
    for dossier in dossiers:
        text, overdue = _clock(dossier, now=now, calendar=calendar)
        events = dossier.public_events
        rows.append(
            DossierRow(
                dossier=dossier,
                countdown=text,
                overdue=overdue,
                paused=dossier.is_paused,
                last_event=events[0] if events else None,
            )
        )
    return rows


@dataclass
class ApplicantDossierPage:
    dossier: Dossier
    events: list[DossierEvent]
    documents: list[DossierDocument]
    results: list[DossierDocument]
    open_wait: DossierWait | None
    missing: list[DocumentRequirement]
    countdown: str
    overdue: bool
    payment_url: str | None
    fee_total: int

    @property
    def can_supplement(self) -> bool:
        return self.dossier.status == Status.SUPPLEMENT_REQUESTED

    @property
    def forms(self) -> list[int]:
        """Forms the applicant may download: 01 once received, 02 when asked to complete."""
        numbers = []
        if self.dossier.received_at is not None:
            numbers.append(1)
        if self.open_wait is not None and self.open_wait.kind != DossierWait.Kind.FINANCIAL:
            numbers.append(2)
        return numbers


def payment_url(dossier: Dossier, version: ProcedureVersion, total: int) -> str | None:
    """The payments page of a level-4 dossier with fees, if the payments app offers one."""
    if dossier.procedure.online_level < Procedure.OnlineLevel.LEVEL_4 or total <= 0 or dossier.status in CLOSED:
        return None
    try:
        return reverse("payments:pay", args=[dossier.uuid])
    except NoReverseMatch:
        return None


def applicant_dossier_page(dossier: Dossier, *, now: datetime | None = None) -> ApplicantDossierPage:
    """Everything the applicant's dossier page shows (a dossier already reached through the scope)."""
    now = now or timezone.now()
    text, overdue = _clock(dossier, now=now, calendar=get_calendar())
    documents = list(dossier.documents.select_related("requirement").order_by("created_at", "pk"))
    waits = [w for w in dossier.waits.order_by("-requested_at", "-pk") if w.resolved_at is None]
    waiting = dossier.status in {Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION}
    open_wait = waits[0] if waits and waiting else None
    total = fee_total(dossier.version)
    return ApplicantDossierPage(
        dossier=dossier,
        events=list(dossier.events.filter(public=True).select_related("agency").order_by("at", "id")),
        documents=[d for d in documents if d.kind in {DossierDocument.Kind.SUBMITTED, DossierDocument.Kind.SUPPLEMENT}],
        results=[
            d
            for d in documents
            if d.kind == DossierDocument.Kind.RESULT and d.file and dossier.status == Status.RETURNED
        ],
        open_wait=open_wait,
        missing=dossier_missing_requirements(dossier) if dossier.status == Status.SUPPLEMENT_REQUESTED else [],
        countdown=text,
        overdue=overdue,
        payment_url=payment_url(dossier, dossier.version, total),
        fee_total=total,
    )


def result_document_get(dossier: Dossier, document_uuid) -> DossierDocument | None:
    """A result file of the applicant's dossier, once the result is returned."""
    if dossier.status != Status.RETURNED:
        return None
    return dossier.documents.filter(uuid=document_uuid, kind=DossierDocument.Kind.RESULT).exclude(file="").first()


def submitted_document_get(dossier: Dossier, document_uuid) -> DossierDocument | None:
    """A file the applicant lodged (their own upload, shown back to them)."""
    return (
        dossier.documents.filter(
            uuid=document_uuid, kind__in=[DossierDocument.Kind.SUBMITTED, DossierDocument.Kind.SUPPLEMENT]
        )
        .exclude(file="")
        .first()
    )
