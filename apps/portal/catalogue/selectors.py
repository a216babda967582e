"""Public reads of the procedure catalogue: what a citizen may see, browse counts, one procedure.

The public catalogue is the active procedures with a version in force today; everything here is
public information (the 11 items are published by law), so no user scoping is needed, only that.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.organizations.models import Agency, Level
from apps.procedures.models import DocumentRequirement, FeeItem, LifeEvent, Procedure, ProcedureVersion, Sector
from apps.procedures.search import CatalogueQuery, binary_order, search_filter


def _in_force(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def public_procedures(on: date | None = None) -> QuerySet[Procedure]:
    """Active procedures with a version in force on ``on`` (today)."""
    day = on or timezone.localdate()
    # Correlated EXISTS (an index lookup per procedure) rather than IN over every version: it lets
    # SQLite drive a search from the full-text matches.
    in_force = ProcedureVersion.objects.filter(_in_force(day), procedure=OuterRef("pk"))
    return Procedure.objects.filter(Exists(in_force), is_active=True)


@dataclass(frozen=True)
class Facet:
    """One way to browse: a value, what to show, what to put in the URL, how many procedures."""

    label: str
    param: str
    value: str
    count: int


@dataclass(frozen=True)
class CatalogueHome:
    total: int
    sectors: list[Facet]
    levels: list[Facet]
    agencies: list[Facet]
    life_events: list[Facet]


def catalogue_home(on: date | None = None) -> CatalogueHome:
    """Counts of public procedures by sector, level, competent agency and life event (five queries)."""
    procedures = public_procedures(on)
    ids = procedures.values("pk")
    sectors = (
        Sector.objects.filter(procedures__in=ids).annotate(n=Count("procedures")).order_by(binary_order("name"), "code")
    )
    agencies = (
        Agency.objects.filter(competent_procedures__in=ids)
        .annotate(n=Count("competent_procedures"))
        .order_by("level", "sort_order", "name")
    )
    events = LifeEvent.objects.filter(procedures__in=ids).annotate(n=Count("procedures")).order_by("name")
    levels = dict(procedures.order_by().values_list("level").annotate(n=Count("pk")))
    return CatalogueHome(
        total=sum(levels.values()),
        sectors=[Facet(s.name, "linh_vuc", s.code, s.n) for s in sectors],
        levels=[Facet(str(label), "cap", str(v), levels[v]) for v, label in Level.choices if levels.get(v)],
        agencies=[Facet(a.name, "co_quan", str(a.uuid), a.n) for a in agencies],
        life_events=[Facet(e.name, "su_kien", e.code, e.n) for e in events],
    )


def filter_choices() -> tuple[QuerySet[Sector], QuerySet[Agency], QuerySet[LifeEvent]]:
    """What the filters of the results page offer: sectors, competent agencies, life events in use."""
    public = public_procedures().values("pk")
    return (
        Sector.objects.filter(procedures__in=public).distinct().order_by("name"),
        Agency.objects.filter(competent_procedures__in=public).distinct().order_by("level", "sort_order", "name"),
        LifeEvent.objects.filter(procedures__in=public).distinct().order_by("name"),
    )


def catalogue_results(
    *,
    query: CatalogueQuery,
    sector: Sector | None = None,
    level: int | None = None,
    agency: Agency | None = None,
    life_event: LifeEvent | None = None,
    on: date | None = None,
) -> QuerySet[Procedure]:
    """Public procedures matching the query (best first) and the filters (``with_deadlines`` for a page)."""
    day = on or timezone.localdate()
    qs = public_procedures(day).select_related("sector", "competent_agency")
    if sector is not None:
        qs = qs.filter(sector=sector)
    if level is not None:
        qs = qs.filter(level=level)
    if agency is not None:
        qs = qs.filter(competent_agency=agency)
    if life_event is not None:
        qs = qs.filter(life_events=life_event)
    if query.problem:
        return qs.none()
    if query.is_empty:
        return qs.order_by(binary_order("name_folded"), binary_order("code"))
    return search_filter(qs, query)


def with_deadlines(procedures: list[Procedure], on: date | None = None) -> list[Procedure]:
    """Give each procedure of a page the deadline of its version in force (one query).

    Done for the page only, after sorting and slicing, so the cost does not grow with the matches.
    """
    day = on or timezone.localdate()
    versions = (
        ProcedureVersion.objects.filter(_in_force(day), procedure__in=[p.pk for p in procedures])
        .order_by("procedure", "-valid_from")
        .values_list("procedure", "deadline_value", "deadline_unit")
    )
    current: dict[int, tuple] = {}
    for procedure_id, value, unit in versions:
        current.setdefault(procedure_id, (value, unit))
    for procedure in procedures:
        procedure.current_deadline_value, procedure.current_deadline_unit = current.get(procedure.pk, (None, None))
    return procedures


@dataclass(frozen=True)
class PublicProcedurePage:
    procedure: Procedure
    version: ProcedureVersion | None  # the version in force today
    documents: list[DocumentRequirement]
    fees: list[FeeItem]
    life_events: list[LifeEvent]

    @property
    def fee_total(self) -> int:
        return sum(fee.amount for fee in self.fees)

    @property
    def forms(self) -> list[DocumentRequirement]:
        return [d for d in self.documents if d.form_template]


def public_procedure_page(uuid, on: date | None = None) -> PublicProcedurePage:
    """A public procedure with the version in force, its documents and fees (four queries).

    Raises ``Procedure.DoesNotExist`` for an unknown UUID. An inactive procedure is still shown
    (people follow old links) but without a version, so nothing invites them to apply.
    """
    day = on or timezone.localdate()
    procedure = (
        Procedure.objects.select_related("sector", "competent_agency")
        .prefetch_related(Prefetch("life_events", queryset=LifeEvent.objects.order_by("name")))
        .get(uuid=uuid)
    )
    version = None
    if procedure.is_active:
        version = (
            ProcedureVersion.objects.filter(_in_force(day), procedure=procedure)
            .prefetch_related("documents", "fees")
            .order_by("-valid_from")
            .first()
        )
    return PublicProcedurePage(
        procedure=procedure,
        version=version,
        documents=list(version.documents.all()) if version else [],
        fees=list(version.fees.all()) if version else [],
        life_events=list(procedure.life_events.all()),
    )
