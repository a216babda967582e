"""Reads of the catalogue: the version in force, what an agency can take in, a version's routing plan.

The catalogue is public information (the 11 items are published on the portals), so every official
may read all of it; what differs between agencies is which procedures they receive
(``procedures_for_agency``).
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.core.folding import fold_text
from apps.organizations.models import Agency, Level

from .models import (
    DEFAULT_CLOCK_RULES,
    ClockRule,
    Procedure,
    ProcedureVersion,
    RoutingStep,
    Sector,
)

RECEIVING_DESK_CATEGORIES = (Agency.Category.PUBLIC_SERVICE_CENTRE, Agency.Category.ONE_STOP_DESK)


def _day(on: date | datetime | None) -> date:
    if on is None:
        return timezone.localdate()
    if isinstance(on, datetime):
        return timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    return on


def _in_force_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def procedure_version_in_force(procedure: Procedure, on: date | datetime | None = None) -> ProcedureVersion | None:
    """The version of ``procedure`` in force at ``on`` (an aware moment is read in Asia/Ho_Chi_Minh).

    A dossier received at ``on`` is received under this version and keeps it.
    """
    day = _day(on)
    version = ProcedureVersion.objects.filter(_in_force_on(day), procedure=procedure).order_by("-valid_from").first()
    if version is not None:
        version.procedure = procedure  # the caller's instance: no join, no second read
    return version


def procedures_for_agency(agency: Agency, on: date | None = None) -> QuerySet[Procedure]:
    """Active procedures with a version in force on ``on`` that ``agency`` can take in.

    An agency takes in the procedures it is competent for (a fixed competent agency, or a commune
    procedure of its category and level), those whose intake step it handles, and — for a public
    administration service centre or one-stop desk — every procedure of its level.
    """
    day = _day(on)
    receives = Q(competent_agency=agency) | Q(
        competent_agency__isnull=True, level=agency.level, competent_category=agency.category
    )
    intake = RoutingStep.objects.filter(
        _in_force_on(day, "version__"),
        version__procedure=OuterRef("pk"),
        kind=RoutingStep.Kind.INTAKE,
        target=RoutingStep.Target.AGENCY,
        agency=agency,
    )
    receives |= Q(pk__in=Subquery(intake.values("version__procedure")))
    if agency.category in RECEIVING_DESK_CATEGORIES:
        receives |= Q(level=agency.level)
    in_force = ProcedureVersion.objects.filter(_in_force_on(day)).values("procedure")
    return (
        Procedure.objects.filter(receives, is_active=True, pk__in=in_force)
        .select_related("sector", "competent_agency")
        .order_by("name", "code")
    )


def procedure_offered_by(procedure: Procedure, version: ProcedureVersion, agency: Agency) -> bool:
    """Whether ``agency`` takes in ``procedure`` under ``version`` (the version in force): the rule
    of ``procedures_for_agency`` for one procedure, read from the rows at hand where it can be."""
    if not procedure.is_active or version.procedure_id != procedure.pk:
        return False
    if procedure.competent_agency_id == agency.pk:
        return True
    if (
        procedure.competent_agency_id is None
        and procedure.level == agency.level
        and procedure.competent_category == agency.category
    ):
        return True
    if agency.category in RECEIVING_DESK_CATEGORIES and procedure.level == agency.level:
        return True
    return version.steps.filter(kind=RoutingStep.Kind.INTAKE, target=RoutingStep.Target.AGENCY, agency=agency).exists()


@dataclass(frozen=True)
class VersionContent:
    """A version's checklist and routing steps (the steps without their agencies loaded; each step
    has ``agency_kind``, the kind of its fixed agency — an agency or an internal unit, which an
    agency keeps for life — or None for a step of the receiving agency)."""

    requirements: tuple
    steps: tuple


_CONTENT_CACHE: "OrderedDict[object, VersionContent]" = OrderedDict()
_CONTENT_CACHE_SIZE = 512


def version_content(version: ProcedureVersion) -> VersionContent:
    """The checklist and the routing steps of ``version``, in order.

    A version in use never changes (the procedure actions refuse to edit it and make a new version
    instead), so its content is read once per process and kept by the version's UUID; a version not
    yet in use is read each time. Callers treat the rows as read-only and use ``agency_id``.
    """
    if version.in_use and (cached := _CONTENT_CACHE.get(version.uuid)) is not None:
        _CONTENT_CACHE.move_to_end(version.uuid)
        return cached
    content = VersionContent(
        requirements=tuple(version.documents.all()),
        steps=tuple(version.steps.annotate(agency_kind=F("agency__kind")).order_by("order", "position")),
    )
    if version.in_use:
        _CONTENT_CACHE[version.uuid] = content
        while len(_CONTENT_CACHE) > _CONTENT_CACHE_SIZE:
            _CONTENT_CACHE.popitem(last=False)
    return content


# --- routing plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStep:
    """A routing step with the agency that handles it for one dossier."""

    step: RoutingStep
    agency: Agency

    @property
    def is_lead(self) -> bool:
        return self.step.is_lead


@dataclass(frozen=True)
class StepGroup:
    """Steps that start together (one step, or a parallel consultation with one lead)."""

    order: int
    steps: list[PlannedStep] = field(default_factory=list)

    @property
    def lead(self) -> PlannedStep:
        return next(s for s in self.steps if s.is_lead)

    @property
    def is_parallel(self) -> bool:
        return len(self.steps) > 1

    @property
    def share_hours(self) -> Decimal:
        """Working hours the group may take: its longest step."""
        return max(s.step.share_hours for s in self.steps)


def routing_plan(version: ProcedureVersion, receiving_agency: Agency) -> list[StepGroup]:
    """The version's step groups in order, each step with its agency resolved for this dossier.

    A step handled by "the receiving agency" goes to ``receiving_agency`` (the commune committee
    that received a commune dossier); a step with a fixed agency goes to that agency.
    """
    groups: dict[int, StepGroup] = {}
    for step in version.steps.select_related("agency").order_by("order", "position"):
        agency = step.agency if step.target == RoutingStep.Target.AGENCY else receiving_agency
        groups.setdefault(step.order, StepGroup(order=step.order)).steps.append(PlannedStep(step=step, agency=agency))
    return [groups[order] for order in sorted(groups)]


def clock_rule_for(version: ProcedureVersion, event: str) -> ClockRule:
    """The version's rule for ``event``, or the default rule (unsaved) when the version has none."""
    rule = next((r for r in version.clock_rules.all() if r.event == event), None)
    if rule is not None:
        return rule
    return ClockRule(version=version, event=event, **DEFAULT_CLOCK_RULES[event])


# --- catalogue pages --------------------------------------------------------------------------


def catalogue_agencies(on: date | None = None) -> QuerySet[Agency]:
    """Agencies one can filter the catalogue by: departments, service centres, People's Committees."""
    return (
        Agency.objects.valid_on(_day(on))
        .filter(
            Q(category__in=[Agency.Category.DEPARTMENT, Agency.Category.PEOPLES_COMMITTEE])
            | Q(category__in=RECEIVING_DESK_CATEGORIES, level=Level.PROVINCE)
        )
        .exclude(level=Level.DISTRICT)
        .order_by("level", "sort_order", "name")
    )


def catalogue_search(
    *,
    query: str = "",
    sector: Sector | None = None,
    level: int | None = None,
    agency: Agency | None = None,
    on: date | None = None,
    include_inactive: bool = True,
) -> QuerySet[Procedure]:
    """Procedures matching the filters, with the deadline of the version in force, in one query.

    ``query`` matches the name without diacritics ("cap giay phep xay dung") or the code.
    """
    day = _day(on)
    qs = Procedure.objects.select_related("sector", "competent_agency")
    if agency is not None:
        qs = procedures_for_agency(agency, day)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    needle = fold_text(query)
    if needle:
        qs = qs.filter(Q(name_folded__contains=needle) | Q(code__startswith=query.strip()))
    if sector is not None:
        qs = qs.filter(sector=sector)
    if level is not None:
        qs = qs.filter(level=level)
    current = ProcedureVersion.objects.filter(_in_force_on(day), procedure=OuterRef("pk")).order_by("-valid_from")
    return qs.annotate(
        current_deadline_value=Subquery(current.values("deadline_value")[:1]),
        current_deadline_unit=Subquery(current.values("deadline_unit")[:1]),
        current_version_number=Subquery(current.values("number")[:1]),
    ).order_by("name", "code")


def procedure_get(uuid) -> Procedure:
    """The procedure with this public UUID (raises ``Procedure.DoesNotExist``)."""
    return Procedure.objects.select_related("sector", "competent_agency").get(uuid=uuid)


@dataclass
class ProcedurePage:
    procedure: Procedure
    versions: list[ProcedureVersion]
    in_force: ProcedureVersion | None
    shown: ProcedureVersion | None  # the version asked for, else the one in force, else the latest
    step_groups: list[tuple[int, list[RoutingStep]]]
    clock_rules: list[ClockRule]
    life_events: list


def procedure_page(procedure: Procedure, on: date | None = None, *, number: int | None = None) -> ProcedurePage:
    """A procedure with all its versions; the shown one with documents, fees, clock rules and steps."""
    day = _day(on)
    versions = list(
        procedure.versions.order_by("-valid_from").prefetch_related(
            "documents",
            "fees",
            "clock_rules",
            Prefetch("steps", queryset=RoutingStep.objects.select_related("agency").order_by("order", "position")),
        )
    )
    in_force = next(
        (v for v in versions if v.valid_from <= day and (v.valid_to is None or v.valid_to >= day)),
        None,
    )
    shown = next((v for v in versions if v.number == number), None) if number else None
    shown = shown or in_force or (versions[0] if versions else None)
    groups: dict[int, list[RoutingStep]] = {}
    for step in shown.steps.all() if shown else ():
        groups.setdefault(step.order, []).append(step)
    return ProcedurePage(
        procedure=procedure,
        versions=versions,
        in_force=in_force,
        shown=shown,
        step_groups=sorted(groups.items()),
        clock_rules=[clock_rule_for(shown, event) for event in ClockRule.Event.values] if shown else [],
        life_events=list(procedure.life_events.all()),
    )
