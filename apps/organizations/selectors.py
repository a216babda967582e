"""Reads of the dated structure: who served where on a day, what an agency became, its subtree.

Every function that takes a day answers for that day as it was (``None`` means today in
Asia/Ho_Chi_Minh), so the 2017 districts and the 2025 communes are both readable.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.folding import fold_text

from .models import AdministrativeUnit, Agency, AgencyVersion, ReorganisationEvent, ReorganisationLink


def _day(on: date | None) -> date:
    return on or timezone.localdate()


def agencies_valid_on(on: date | None = None) -> QuerySet[Agency]:
    """Agencies and units in force on ``on``."""
    return Agency.objects.valid_on(_day(on))


def administrative_units_valid_on(on: date | None = None) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.valid_on(_day(on))


@dataclass(frozen=True)
class AgencyState:
    """What an agency was on one day: its name then and its parent then."""

    agency: Agency
    on: date
    name: str
    parent: Agency | None
    version: AgencyVersion


def agency_state_on(agency: Agency, on: date | None = None) -> AgencyState | None:
    """The agency's name and parent on ``on``, or None if it was not in force that day."""
    day = _day(on)
    version = AgencyVersion.objects.valid_on(day).filter(agency=agency).select_related("parent").first()
    if version is None:
        return None
    return AgencyState(agency=agency, on=day, name=version.name, parent=version.parent, version=version)


def agency_name_on(agency: Agency, on: date | None = None) -> str | None:
    state = agency_state_on(agency, on)
    return state.name if state else None


def agency_serving(
    *, category: str, administrative_unit: AdministrativeUnit | str, on: date | None = None
) -> Agency | None:
    """The agency of ``category`` that served an administrative unit on ``on``.

    ``administrative_unit`` is a unit or its GSO code (the code is resolved to the unit in force on
    that day, since codes outlive reorganisations).
    """
    day = _day(on)
    if isinstance(administrative_unit, str):
        unit = AdministrativeUnit.objects.valid_on(day).filter(code=administrative_unit).first()
        if unit is None:
            return None
    else:
        unit = administrative_unit
    return (
        Agency.objects.valid_on(day)
        .filter(category=category, administrative_unit=unit, kind=Agency.Kind.AGENCY)
        .order_by("valid_from", "pk")
        .first()
    )


def agency_successors(agency: Agency, on: date | None = None) -> list[Agency]:
    """The agencies in force on ``on`` (today) that carry on ``agency``'s work.

    The agency itself if it is still in force; otherwise follow the reorganisation links forward
    (through mergers, renames, splits, abolitions with transfers), possibly to several agencies.
    """
    day = _day(on)
    successors: list[Agency] = []
    seen: set[int] = set()
    frontier = [Agency.objects.get(pk=agency.pk)]  # the caller's copy may predate the event
    while frontier:
        ids = [a.pk for a in frontier if a.pk not in seen]
        seen.update(ids)
        if not ids:
            break
        current = {a.pk: a for a in frontier}
        next_frontier: list[Agency] = []
        ended_ids = []
        for pk in ids:
            candidate = current[pk]
            if candidate.valid_from <= day and (candidate.valid_to is None or candidate.valid_to >= day):
                if candidate not in successors:
                    successors.append(candidate)
            elif candidate.valid_from <= day:
                ended_ids.append(pk)
        if ended_ids:
            links = (
                ReorganisationLink.objects.filter(
                    predecessor_id__in=ended_ids, successor__isnull=False, event__effective_date__lte=day
                )
                .exclude(successor_id__in=seen)
                .select_related("successor")
                .order_by("event__effective_date", "pk")
            )
            next_frontier = [link.successor for link in links]
        frontier = next_frontier
    return successors


def agency_predecessors(agency: Agency) -> list[ReorganisationLink]:
    """The links that name ``agency`` as successor (what it took over, from whom, by which decision)."""
    return list(
        ReorganisationLink.objects.filter(successor=agency)
        .exclude(predecessor=agency)
        .exclude(predecessor__isnull=True)
        .select_related("event", "predecessor")
        .order_by("event__effective_date", "pk")
    )


def agency_subtree_ids(agency: Agency, on: date | None = None) -> set[int]:
    """Primary keys of ``agency`` and every agency or unit below it, all in force on ``on``.

    Empty if ``agency`` itself was not in force that day. One query, whatever the size of the tree:
    the parent of each agency on that day comes from its version in force then.
    """
    day = _day(on)
    children: dict[int | None, list[int]] = defaultdict(list)
    present: set[int] = set()
    for agency_id, parent_id in AgencyVersion.objects.valid_on(day).values_list("agency_id", "parent_id"):
        children[parent_id].append(agency_id)
        present.add(agency_id)
    if agency.pk not in present:
        return set()
    found = {agency.pk}
    stack = [agency.pk]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


@dataclass
class AgencyNode:
    """One agency in the tree of a day, with the name it had then."""

    agency: Agency
    name: str
    children: list["AgencyNode"] = field(default_factory=list)
    matches: bool = True


def agency_tree_on(on: date | None = None, *, query: str = "") -> list[AgencyNode]:
    """The agencies in force on ``on`` as a forest, filtered by name without diacritics.

    A filter keeps the matching agencies and the chain of parents above them, so results keep
    their place in the tree. Two queries whatever the number of agencies.
    """
    day = _day(on)
    versions = list(
        AgencyVersion.objects.valid_on(day)
        .select_related("agency", "agency__administrative_unit")
        .order_by("agency__level", "agency__sort_order", "name")
    )
    nodes = {v.agency_id: AgencyNode(agency=v.agency, name=v.name) for v in versions}
    parent_of = {v.agency_id: v.parent_id for v in versions}
    roots: list[AgencyNode] = []
    for version in versions:
        node = nodes[version.agency_id]
        parent = nodes.get(version.parent_id)
        (parent.children if parent else roots).append(node)

    needle = fold_text(query)
    if not needle:
        return roots
    keep: set[int] = set()
    for version in versions:
        nodes[version.agency_id].matches = needle in version.name_folded
        if nodes[version.agency_id].matches:
            pk: int | None = version.agency_id
            while pk is not None and pk in nodes and pk not in keep:
                keep.add(pk)
                pk = parent_of.get(pk)
    for node in nodes.values():
        node.children = [child for child in node.children if child.agency.pk in keep]
    return [root for root in roots if root.agency.pk in keep]


@dataclass
class AgencyHistory:
    agency: Agency
    versions: list[AgencyVersion]
    events: list[ReorganisationEvent]
    predecessor_links: list[ReorganisationLink]
    successor_links: list[ReorganisationLink]
    successors_today: list[Agency]


def agency_get(uuid) -> Agency:
    """The agency with this public UUID (raises ``Agency.DoesNotExist``)."""
    return Agency.objects.select_related("parent", "administrative_unit").get(uuid=uuid)


def agency_history(agency: Agency, on: date | None = None) -> AgencyHistory:
    """Names, reorganisations (with their decisions) and links of one agency, oldest first."""
    versions = list(agency.versions.select_related("parent", "event").order_by("valid_from"))
    links_in = list(
        ReorganisationLink.objects.filter(successor=agency)
        .select_related("event", "predecessor")
        .order_by("event__effective_date", "pk")
    )
    links_out = list(
        ReorganisationLink.objects.filter(predecessor=agency)
        .select_related("event", "successor")
        .order_by("event__effective_date", "pk")
    )
    events = {link.event.pk: link.event for link in links_in + links_out}
    return AgencyHistory(
        agency=agency,
        versions=versions,
        events=sorted(events.values(), key=lambda e: (e.effective_date, e.pk)),
        predecessor_links=[link for link in links_in if link.predecessor_id and link.predecessor_id != agency.pk],
        successor_links=[link for link in links_out if link.successor_id and link.successor_id != agency.pk],
        successors_today=agency_successors(agency, on) if agency.valid_to else [],
    )
