"""Every change to administrative units, agencies and their history.

Agencies are never edited in place: an action records that something started or ended on a day,
and why (the decision). Each action runs in one transaction, locks the rows it changes and writes
its audit event inside that transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from apps.audit.actions import audit_record
from apps.core.folding import fold_text
from apps.core.formatting import format_date

from .errors import OrganizationsError, OrganizationsErrorCode
from .identifiers import agency_identifier_check_parent, agency_identifier_validate
from .models import AdministrativeUnit, Agency, AgencyVersion, Level, ReorganisationEvent, ReorganisationLink

Code = OrganizationsErrorCode
ONE_DAY = timedelta(days=1)

# The package describes the units in force since the two-level local government (Law 72/2025/QH15).
POST_REFORM_VALID_FROM = date(2025, 7, 1)


@dataclass(frozen=True)
class Decision:
    """The act that ordered a reorganisation: number and symbol, date, issuer."""

    number: str
    signed_on: date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class AgencySpec:
    """An agency or unit that a reorganisation creates."""

    name: str
    category: str
    level: int
    kind: str = Agency.Kind.AGENCY
    parent: Agency | None = None
    administrative_unit: AdministrativeUnit | None = None
    identifier: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class Transfer:
    """A responsibility that moves from one agency to another at a reorganisation."""

    predecessor: Agency
    successor: Agency
    responsibility: str = ""


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    units: list[AdministrativeUnit] = field(default_factory=list)


# --- checks ---------------------------------------------------------------------------------


def _d(day: date | None) -> str:
    return format_date(day) if day else "nay"


def _in_force(obj, day: date) -> bool:
    return obj.valid_from <= day and (obj.valid_to is None or obj.valid_to >= day)


def _check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise OrganizationsError(
            Code.VALIDITY_REVERSED,
            f"Ngày hết hiệu lực ({_d(valid_to)}) không được trước ngày bắt đầu ({_d(valid_from)}).",
        )


def _check_decision(decision: Decision) -> None:
    if not decision or not decision.number.strip():
        raise OrganizationsError(
            Code.DECISION_MISSING, "Cần ghi số, ký hiệu văn bản quyết định việc sắp xếp (ví dụ 1234/QĐ-UBND)."
        )


def _check_can_end(agency: Agency, effective_date: date) -> None:
    """An agency can end the day before ``effective_date`` only if it existed and was still in force."""
    if effective_date <= agency.valid_from:
        raise OrganizationsError(
            Code.EVENT_BEFORE_AGENCY,
            f"Ngày hiệu lực {_d(effective_date)} không sau ngày “{agency}” bắt đầu hoạt động "
            f"({_d(agency.valid_from)}).",
        )
    if agency.valid_to is not None and agency.valid_to < effective_date:
        raise OrganizationsError(
            Code.EVENT_AFTER_AGENCY_ENDED,
            f"“{agency}” đã thôi hoạt động từ sau ngày {_d(agency.valid_to)}, trước ngày hiệu lực "
            f"{_d(effective_date)}.",
        )


def _check_continuing(agency: Agency, effective_date: date) -> None:
    """An agency that keeps (or takes) a responsibility must be in force on ``effective_date``."""
    if effective_date < agency.valid_from:
        raise OrganizationsError(
            Code.SUCCESSOR_START_MISMATCH,
            f"“{agency}” chỉ bắt đầu hoạt động từ {_d(agency.valid_from)}, sau ngày hiệu lực "
            f"{_d(effective_date)}: cơ quan kế thừa phải có hiệu lực từ đúng ngày đó.",
        )
    if agency.valid_to is not None and agency.valid_to < effective_date:
        raise OrganizationsError(
            Code.SUCCESSOR_ENDED,
            f"“{agency}” đã thôi hoạt động từ sau ngày {_d(agency.valid_to)}, không thể nhận nhiệm vụ "
            f"từ {_d(effective_date)}.",
        )


def _check_new_successor(agency: Agency, effective_date: date) -> None:
    """A successor the event creates must start exactly on the effective date."""
    if agency.valid_from != effective_date:
        raise OrganizationsError(
            Code.SUCCESSOR_START_MISMATCH,
            f"Cơ quan kế thừa “{agency}” có hiệu lực từ {_d(agency.valid_from)}, không trùng ngày hiệu lực "
            f"của việc sắp xếp ({_d(effective_date)}).",
        )
    _check_continuing(agency, effective_date)


def _check_identifier(identifier: str, *, parent: Agency | None, valid_from: date, valid_to: date | None) -> str:
    if not identifier:
        return ""
    identifier = str(agency_identifier_validate(identifier))
    if parent is not None and parent.identifier:
        agency_identifier_check_parent(identifier, parent.identifier)
    overlapping = Agency.objects.filter(identifier=identifier, valid_from__lte=valid_to or date.max).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    clash = overlapping.first()
    if clash is not None:
        raise OrganizationsError(
            Code.IDENTIFIER_TAKEN,
            f"Mã định danh “{identifier}” đang được dùng cho “{clash}” ({_d(clash.valid_from)} – "
            f"{_d(clash.valid_to)}); hai cơ quan cùng thời gian không được trùng mã.",
        )
    return identifier


# --- snapshots for the audit trail ----------------------------------------------------------


def _agency_ref(agency: Agency) -> dict[str, Any]:
    return {"uuid": str(agency.uuid), "name": agency.name}


def _agency_snapshot(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "identifier": agency.identifier,
        "kind": agency.kind,
        "category": agency.category,
        "level": agency.level,
        "parent": str(agency.parent.uuid) if agency.parent else None,
        "administrative_unit": agency.administrative_unit.code if agency.administrative_unit else None,
        "valid_from": agency.valid_from.isoformat(),
        "valid_to": agency.valid_to.isoformat() if agency.valid_to else None,
    }


def _event_snapshot(event: ReorganisationEvent, *, ended: list[Agency], created: list[Agency]) -> dict[str, Any]:
    links = list(event.links.select_related("predecessor", "successor"))
    return {
        "kind": event.kind,
        "effective_date": event.effective_date.isoformat(),
        "decision_number": event.decision_number,
        "decision_date": event.decision_date.isoformat() if event.decision_date else None,
        "decision_issuer": event.decision_issuer,
        "links": [
            {
                "predecessor": _agency_ref(link.predecessor) if link.predecessor else None,
                "successor": _agency_ref(link.successor) if link.successor else None,
                "responsibility": link.responsibility,
            }
            for link in links
        ],
        "ended": [_agency_ref(a) for a in ended],
        "created": [_agency_ref(a) for a in created],
    }


# --- building blocks ------------------------------------------------------------------------


def _lock(agency: Agency) -> Agency:
    return Agency.objects.select_for_update().get(pk=agency.pk)


def _insert_agency(spec: AgencySpec, *, valid_from: date, valid_to: date | None, event=None) -> Agency:
    name = " ".join((spec.name or "").split())
    if not name:
        raise OrganizationsError(Code.NAME_MISSING, "Cần nhập tên cơ quan, đơn vị.")
    _check_period(valid_from, valid_to)
    parent = _lock(spec.parent) if spec.parent is not None else None
    if parent is not None and not _in_force(parent, valid_from):
        raise OrganizationsError(
            Code.PARENT_NOT_IN_FORCE,
            f"Cơ quan cấp trên “{parent}” không có hiệu lực vào ngày {_d(valid_from)} "
            f"({_d(parent.valid_from)} – {_d(parent.valid_to)}).",
        )
    unit = spec.administrative_unit
    if unit is not None and not _in_force(unit, valid_from):
        raise OrganizationsError(
            Code.ADMINISTRATIVE_UNIT_NOT_IN_FORCE,
            f"Đơn vị hành chính “{unit}” không có hiệu lực vào ngày {_d(valid_from)}.",
        )
    identifier = _check_identifier(spec.identifier, parent=parent, valid_from=valid_from, valid_to=valid_to)
    agency = Agency.objects.create(
        identifier=identifier,
        name=name,
        kind=spec.kind,
        category=spec.category,
        level=spec.level,
        parent=parent,
        administrative_unit=unit,
        sort_order=spec.sort_order,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    AgencyVersion.objects.create(
        agency=agency,
        name=name,
        name_folded=fold_text(name),
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        event=event,
    )
    return agency


def _end_agency(agency: Agency, *, last_day: date, ended: list[Agency]) -> None:
    """End ``agency`` (already locked and checked) and every unit still below it after ``last_day``."""
    agency.valid_to = last_day
    agency.save(update_fields=["valid_to", "updated_at"])
    AgencyVersion.objects.filter(agency=agency, valid_from__lte=last_day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
    ).update(valid_to=last_day)
    ended.append(agency)
    child_ids = list(
        AgencyVersion.objects.filter(parent=agency, valid_from__lte=last_day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
        .values_list("agency_id", flat=True)
    )
    children = (
        Agency.objects.select_for_update()
        .filter(pk__in=child_ids)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
    )
    for child in children:
        _end_agency(child, last_day=last_day, ended=ended)


def _event_create(*, kind: str, effective_date: date, decision: Decision, note: str) -> ReorganisationEvent:
    _check_decision(decision)
    return ReorganisationEvent.objects.create(
        kind=kind,
        effective_date=effective_date,
        decision_number=decision.number.strip(),
        decision_date=decision.signed_on,
        decision_issuer=decision.issuer.strip(),
        note=note.strip(),
    )


def _successor(target: Agency | AgencySpec, *, effective_date: date, event, created: list[Agency]) -> Agency:
    """Create a successor from its spec, or check that a given one starts on the effective date."""
    if isinstance(target, AgencySpec):
        agency = _insert_agency(target, valid_from=effective_date, valid_to=None, event=event)
        created.append(agency)
        return agency
    agency = _lock(target)
    _check_new_successor(agency, effective_date)
    return agency


def _audit_event(*, actor, action: str, event: ReorganisationEvent, ended: list[Agency], created: list[Agency]):
    audit_record(actor=actor, action=action, target=event, after=_event_snapshot(event, ended=ended, created=created))


# --- administrative units -------------------------------------------------------------------

_PACKAGE_DIVISION_TYPES = {
    "tỉnh": AdministrativeUnit.DivisionType.PROVINCE,
    "thành phố trung ương": AdministrativeUnit.DivisionType.CENTRAL_CITY,
    "thành phố trực thuộc trung ương": AdministrativeUnit.DivisionType.CENTRAL_CITY,
    "xã": AdministrativeUnit.DivisionType.COMMUNE,
    "phường": AdministrativeUnit.DivisionType.WARD,
    "đặc khu": AdministrativeUnit.DivisionType.SPECIAL_ZONE,
}


def _division_type(package_value) -> str:
    text = str(getattr(package_value, "value", package_value)).strip().lower()
    try:
        return _PACKAGE_DIVISION_TYPES[text]
    except KeyError:
        raise OrganizationsError(
            Code.PROVINCE_UNKNOWN, f"Loại đơn vị hành chính “{text}” trong gói dữ liệu chưa được hỗ trợ."
        ) from None


def _unit_upsert(
    *, code: str, name: str, division_type: str, level: int, parent, valid_from: date, source: str, result: ImportResult
) -> AdministrativeUnit:
    """Keep the open row for ``code`` if it says the same; otherwise end it and start a new one."""
    current = AdministrativeUnit.objects.select_for_update().filter(code=code, valid_to__isnull=True).first()
    if current is not None:
        same = (current.name, current.division_type, current.level, current.parent_id) == (
            name,
            division_type,
            level,
            parent.pk if parent else None,
        )
        if same:
            result.unchanged += 1
            return current
        if current.valid_from >= valid_from:
            current.name, current.division_type, current.level, current.parent = name, division_type, level, parent
            current.source = source
            current.save(update_fields=["name", "division_type", "level", "parent", "source", "updated_at"])
            result.changed += 1
            return current
        current.valid_to = valid_from - ONE_DAY
        current.save(update_fields=["valid_to", "updated_at"])
        result.changed += 1
    else:
        result.created += 1
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        division_type=division_type,
        level=level,
        parent=parent,
        valid_from=valid_from,
        source=source,
    )


@transaction.atomic
def administrative_units_import(
    *, actor, province_code: int, valid_from: date = POST_REFORM_VALID_FROM
) -> ImportResult:
    """Bring a province and its communes/wards in from the ``vietnam-provinces`` package (idempotent)."""
    from importlib.metadata import version

    from vietnam_provinces import Province, ProvinceCode, Ward

    try:
        code = ProvinceCode(int(province_code))
    except ValueError:
        raise OrganizationsError(
            Code.PROVINCE_UNKNOWN, f"Không có tỉnh, thành phố mã {province_code} trong danh mục hiện hành."
        ) from None
    source = f"vietnam-provinces {version('vietnam-provinces')}"
    result = ImportResult()
    province = Province.from_code(code)
    province_unit = _unit_upsert(
        code=f"{int(province.code):02d}",
        name=province.name,
        division_type=_division_type(province.division_type),
        level=Level.PROVINCE,
        parent=None,
        valid_from=valid_from,
        source=source,
        result=result,
    )
    result.units.append(province_unit)
    for ward in Ward.iter_by_province(code):
        result.units.append(
            _unit_upsert(
                code=f"{int(ward.code):05d}",
                name=ward.name,
                division_type=_division_type(ward.division_type),
                level=Level.COMMUNE,
                parent=province_unit,
                valid_from=valid_from,
                source=source,
                result=result,
            )
        )
    if result.created or result.changed:
        audit_record(
            actor=actor,
            action="organizations.administrative_units_import",
            target=province_unit,
            changes={
                "province": province_unit.code,
                "source": source,
                "valid_from": valid_from.isoformat(),
                "created": result.created,
                "changed": result.changed,
                "unchanged": result.unchanged,
            },
        )
    return result


@transaction.atomic
def administrative_unit_record(
    *,
    actor,
    name: str,
    division_type: str,
    level: int,
    valid_from: date,
    valid_to: date | None = None,
    code: str = "",
    parent: AdministrativeUnit | None = None,
    source: str = "",
) -> AdministrativeUnit:
    """Record a unit the package does not carry (a past district, for history)."""
    _check_period(valid_from, valid_to)
    if not name.strip():
        raise OrganizationsError(Code.NAME_MISSING, "Cần nhập tên đơn vị hành chính.")
    unit = AdministrativeUnit.objects.create(
        code=code,
        name=name.strip(),
        division_type=division_type,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
    )
    audit_record(
        actor=actor,
        action="organizations.administrative_unit_record",
        target=unit,
        after={"code": code, "name": unit.name, "valid_from": valid_from, "valid_to": valid_to, "source": source},
    )
    return unit


# --- agencies -------------------------------------------------------------------------------


@transaction.atomic
def agency_create(
    *,
    actor,
    name: str,
    category: str,
    level: int,
    valid_from: date,
    valid_to: date | None = None,
    kind: str = Agency.Kind.AGENCY,
    parent: Agency | None = None,
    administrative_unit: AdministrativeUnit | None = None,
    identifier: str = "",
    sort_order: int = 0,
) -> Agency:
    """Record an agency or unit in force from ``valid_from`` (one whose founding is not recorded as an event)."""
    spec = AgencySpec(
        name=name,
        category=category,
        level=level,
        kind=kind,
        parent=parent,
        administrative_unit=administrative_unit,
        identifier=identifier,
        sort_order=sort_order,
    )
    agency = _insert_agency(spec, valid_from=valid_from, valid_to=valid_to)
    audit_record(actor=actor, action="organizations.agency_create", target=agency, after=_agency_snapshot(agency))
    return agency


@transaction.atomic
def agencies_establish(
    *,
    actor,
    specs: Sequence[AgencySpec],
    effective_date: date,
    decision: Decision,
    note: str = "",
) -> tuple[ReorganisationEvent, list[Agency]]:
    """Establish new agencies (one event, one decision), each in force from ``effective_date``."""
    if not specs:
        raise OrganizationsError(Code.NOTHING_TO_REORGANISE, "Cần ít nhất một cơ quan được thành lập.")
    event = _event_create(
        kind=ReorganisationEvent.Kind.ESTABLISH, effective_date=effective_date, decision=decision, note=note
    )
    created: list[Agency] = []
    for spec in specs:
        agency = _successor(spec, effective_date=effective_date, event=event, created=created)
        ReorganisationLink.objects.create(event=event, successor=agency)
    _audit_event(actor=actor, action="organizations.agencies_establish", event=event, ended=[], created=created)
    return event, created


@transaction.atomic
def agency_rename(
    *, actor, agency: Agency, name: str, effective_date: date, decision: Decision, note: str = ""
) -> ReorganisationEvent:
    """Give an agency a new name from ``effective_date``; the old name stays in its history."""
    agency = _lock(agency)
    name = " ".join((name or "").split())
    if not name:
        raise OrganizationsError(Code.NAME_MISSING, "Cần nhập tên mới của cơ quan.")
    _check_can_end(agency, effective_date)
    current = AgencyVersion.objects.select_for_update().valid_on(effective_date - ONE_DAY).filter(agency=agency).get()
    if current.name == name:
        raise OrganizationsError(Code.NAME_UNCHANGED, f"Tên mới trùng với tên đang dùng “{name}”.")
    event = _event_create(
        kind=ReorganisationEvent.Kind.RENAME, effective_date=effective_date, decision=decision, note=note
    )
    old_end = current.valid_to
    current.valid_to = effective_date - ONE_DAY
    current.save(update_fields=["valid_to", "updated_at"])
    AgencyVersion.objects.create(
        agency=agency,
        name=name,
        name_folded=fold_text(name),
        parent=current.parent,
        valid_from=effective_date,
        valid_to=old_end,
        event=event,
    )
    before = _agency_snapshot(agency)
    if old_end is None:
        agency.name = name
        agency.save(update_fields=["name", "updated_at"])
    ReorganisationLink.objects.create(event=event, predecessor=agency, successor=agency)
    audit_record(
        actor=actor,
        action="organizations.agency_rename",
        target=agency,
        before=before | {"name": current.name},
        after=_agency_snapshot(agency) | {"name": name, "event": str(event.uuid)},
    )
    return event


@transaction.atomic
def agencies_merge(
    *,
    actor,
    predecessors: Sequence[Agency],
    into: Agency | AgencySpec,
    effective_date: date,
    decision: Decision,
    continuing: bool = True,
    note: str = "",
) -> tuple[ReorganisationEvent, Agency]:
    """Merge agencies: they end the day before ``effective_date`` and ``into`` takes over.

    ``into`` is an existing agency that absorbs them (sáp nhập, ``continuing=True``), or a new one
    (hợp nhất): an ``AgencySpec`` to create, or an agency already recorded to start that day.
    """
    if not predecessors:
        raise OrganizationsError(Code.NOTHING_TO_REORGANISE, "Cần ít nhất một cơ quan bị sáp nhập.")
    event = _event_create(
        kind=ReorganisationEvent.Kind.MERGE, effective_date=effective_date, decision=decision, note=note
    )
    created: list[Agency] = []
    if isinstance(into, Agency) and continuing:
        successor = _lock(into)
        _check_continuing(successor, effective_date)
    else:
        successor = _successor(into, effective_date=effective_date, event=event, created=created)
    ended: list[Agency] = []
    for predecessor in predecessors:
        if predecessor.pk == successor.pk:
            raise OrganizationsError(
                Code.SUCCESSOR_IS_PREDECESSOR, f"“{successor}” không thể vừa bị sáp nhập vừa là cơ quan kế thừa."
            )
        locked = _lock(predecessor)
        _check_can_end(locked, effective_date)
        ReorganisationLink.objects.create(event=event, predecessor=locked, successor=successor)
        _end_agency(locked, last_day=effective_date - ONE_DAY, ended=ended)
    _audit_event(actor=actor, action="organizations.agencies_merge", event=event, ended=ended, created=created)
    return event, successor


@transaction.atomic
def agency_split(
    *,
    actor,
    agency: Agency,
    into: Sequence[Agency | AgencySpec],
    effective_date: date,
    decision: Decision,
    responsibilities: Sequence[str] = (),
    note: str = "",
) -> tuple[ReorganisationEvent, list[Agency]]:
    """Split an agency into new ones that start on ``effective_date``; it ends the day before."""
    if not into:
        raise OrganizationsError(Code.NOTHING_TO_REORGANISE, "Cần ít nhất một cơ quan được chia tách ra.")
    locked = _lock(agency)
    _check_can_end(locked, effective_date)
    event = _event_create(
        kind=ReorganisationEvent.Kind.SPLIT, effective_date=effective_date, decision=decision, note=note
    )
    created: list[Agency] = []
    successors = []
    for index, target in enumerate(into):
        successor = _successor(target, effective_date=effective_date, event=event, created=created)
        responsibility = responsibilities[index] if index < len(responsibilities) else ""
        ReorganisationLink.objects.create(
            event=event, predecessor=locked, successor=successor, responsibility=responsibility
        )
        successors.append(successor)
    ended: list[Agency] = []
    _end_agency(locked, last_day=effective_date - ONE_DAY, ended=ended)
    _audit_event(actor=actor, action="organizations.agency_split", event=event, ended=ended, created=created)
    return event, successors


def _check_transfer(transfer: Transfer, effective_date: date) -> tuple[Agency, Agency]:
    source, target = _lock(transfer.predecessor), _lock(transfer.successor)
    if source.pk == target.pk:
        raise OrganizationsError(Code.SUCCESSOR_IS_PREDECESSOR, f"“{source}” không thể chuyển nhiệm vụ cho chính mình.")
    # The source held the responsibility until the day before (it may end that day, as in a
    # merger recorded separately); the target holds it from the effective date.
    last_day = effective_date - ONE_DAY
    if last_day < source.valid_from:
        _check_can_end(source, effective_date)
    if source.valid_to is not None and source.valid_to < last_day:
        raise OrganizationsError(
            Code.EVENT_AFTER_AGENCY_ENDED,
            f"“{source}” đã thôi hoạt động từ sau ngày {_d(source.valid_to)}, trước ngày hiệu lực "
            f"{_d(effective_date)}.",
        )
    _check_continuing(target, effective_date)
    return source, target


@transaction.atomic
def responsibilities_transfer(
    *, actor, transfers: Sequence[Transfer], effective_date: date, decision: Decision, note: str = ""
) -> ReorganisationEvent:
    """Move responsibilities between agencies from ``effective_date``; every agency stays in force."""
    if not transfers:
        raise OrganizationsError(Code.NOTHING_TO_REORGANISE, "Cần ít nhất một nhiệm vụ được chuyển giao.")
    event = _event_create(
        kind=ReorganisationEvent.Kind.TRANSFER, effective_date=effective_date, decision=decision, note=note
    )
    for transfer in transfers:
        source, target = _check_transfer(transfer, effective_date)
        ReorganisationLink.objects.create(
            event=event, predecessor=source, successor=target, responsibility=transfer.responsibility.strip()
        )
    _audit_event(actor=actor, action="organizations.responsibilities_transfer", event=event, ended=[], created=[])
    return event


@transaction.atomic
def agencies_abolish(
    *,
    actor,
    agencies: Sequence[Agency],
    effective_date: date,
    decision: Decision,
    transfers: Sequence[Transfer] = (),
    note: str = "",
) -> ReorganisationEvent:
    """Abolish agencies (and their units) from ``effective_date``, handing responsibilities on."""
    if not agencies:
        raise OrganizationsError(Code.NOTHING_TO_REORGANISE, "Cần ít nhất một cơ quan bị giải thể.")
    event = _event_create(
        kind=ReorganisationEvent.Kind.ABOLISH, effective_date=effective_date, decision=decision, note=note
    )
    abolished = {agency.pk for agency in agencies}
    for transfer in transfers:
        if transfer.predecessor.pk not in abolished:
            raise OrganizationsError(
                Code.LINK_OUTSIDE_EVENT,
                f"“{transfer.predecessor}” không nằm trong danh sách cơ quan bị giải thể của quyết định này.",
            )
        if transfer.successor.pk in abolished:
            raise OrganizationsError(
                Code.SUCCESSOR_IS_PREDECESSOR, f"“{transfer.successor}” bị giải thể nên không thể nhận nhiệm vụ."
            )
        source, target = _check_transfer(transfer, effective_date)
        ReorganisationLink.objects.create(
            event=event, predecessor=source, successor=target, responsibility=transfer.responsibility.strip()
        )
    ended: list[Agency] = []
    for agency in agencies:
        locked = _lock(agency)
        _check_can_end(locked, effective_date)
        if not any(t.predecessor.pk == locked.pk for t in transfers):
            ReorganisationLink.objects.create(event=event, predecessor=locked)
        _end_agency(locked, last_day=effective_date - ONE_DAY, ended=ended)
    _audit_event(actor=actor, action="organizations.agencies_abolish", event=event, ended=ended, created=[])
    return event


@transaction.atomic
def agency_identifier_set(*, actor, agency: Agency, identifier: str) -> Agency:
    """Give an agency in force its QCVN 102:2016 identifier (e.g. once the province assigns one)."""
    agency = _lock(agency)
    if agency.identifier:
        raise OrganizationsError(
            Code.IDENTIFIER_TAKEN,
            f"“{agency}” đã có mã định danh {agency.identifier}; mã đã cấp không đổi (các mã hồ sơ đã dùng nó).",
        )
    identifier = _check_identifier(
        identifier, parent=agency.parent, valid_from=agency.valid_from, valid_to=agency.valid_to
    )
    if not identifier:
        raise OrganizationsError(Code.IDENTIFIER_INVALID, "Cần nhập mã định danh.")
    agency.identifier = identifier
    agency.save(update_fields=["identifier", "updated_at"])
    audit_record(
        actor=actor,
        action="organizations.agency_identifier_set",
        target=agency,
        before={"identifier": ""},
        after={"identifier": identifier},
    )
    return agency
