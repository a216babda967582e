"""Every change to the procedure catalogue.

A procedure's content changes only by publishing a new version from a date
(``procedure_version_publish``), which ends the previous version the day before. A version that
no dossier uses yet may still be corrected in place (``procedure_version_update``); once the
dossiers app calls ``procedure_version_mark_in_use`` (in the transaction that receives the first
dossier under it), the version is frozen for good. Both actions lock the version row, so a
correction and a first receipt cannot interleave.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.audit.actions import audit_record
from apps.core.folding import fold_text
from apps.core.formatting import format_date

from .catalogue_io import (
    AgencyResolver,
    ParsedCatalogue,
    Problems,
    existing_procedures,
    parse_document,
    procedure_key,
    procedure_spec_of,
    version_key,
    version_spec_of,
)
from .eforms import eform_fields_normalize
from .errors import ProceduresError, ProceduresErrorCode
from .models import (
    ClockRule,
    DocumentRequirement,
    FeeItem,
    LifeEvent,
    Procedure,
    ProcedureVersion,
    RoutingStep,
    Sector,
)
from .search import search_entries_save, search_entry_save
from .specs import TEXT_FIELDS, ProcedureSpec, VersionSpec, procedure_spec_problems, version_spec_problems

Code = ProceduresErrorCode
ONE_DAY = timedelta(days=1)


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise ProceduresError(Code.INVALID, " ".join(problems), problems)


# --- snapshots for the audit trail ------------------------------------------------------------


def _procedure_snapshot(procedure: Procedure) -> dict:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector.code,
        "level": procedure.level,
        "competent_category": procedure.competent_category,
        "competent_agency": str(procedure.competent_agency.uuid) if procedure.competent_agency_id else None,
        "online_mode": procedure.online_mode,
        "online_level": procedure.online_level,
        "life_events": sorted(procedure.life_events.values_list("code", flat=True)),
        "is_active": procedure.is_active,
    }


def _version_snapshot(version: ProcedureVersion) -> dict:
    return {
        "number": version.number,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "deadline": f"{version.deadline_value.normalize():f} {version.deadline_unit}",
        "documents": version.documents.count(),
        "fees": sum(version.fees.values_list("amount", flat=True)),
        "steps": version.steps.count(),
        "eform_fields": len(version.eform_fields),
    }


# --- sectors and life events ------------------------------------------------------------------


@transaction.atomic
def sector_save(*, actor, code: str, name: str) -> Sector:
    """Create a sector, or rename the one with this code."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ProceduresError(Code.INVALID, "Lĩnh vực cần có mã và tên.")
    sector = Sector.objects.select_for_update().filter(code=code).first()
    if sector is None:
        sector = Sector.objects.create(code=code, name=name)
        audit_record(actor=actor, action="procedures.sector_create", target=sector, after={"code": code, "name": name})
    elif sector.name != name:
        before = sector.name
        sector.name = name
        sector.save(update_fields=["name", "updated_at"])
        search_entries_save(sector.procedures.select_related("sector", "competent_agency"))
        audit_record(
            actor=actor, action="procedures.sector_rename", target=sector, before={"name": before}, after={"name": name}
        )
    return sector


@transaction.atomic
def life_event_save(*, actor, code: str, name: str) -> LifeEvent:
    """Create a life event, or rename the one with this code."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ProceduresError(Code.INVALID, "Sự kiện cần có mã và tên.")
    event = LifeEvent.objects.select_for_update().filter(code=code).first()
    if event is None:
        event = LifeEvent.objects.create(code=code, name=name)
        audit_record(
            actor=actor, action="procedures.life_event_create", target=event, after={"code": code, "name": name}
        )
    elif event.name != name:
        before = event.name
        event.name = name
        event.save(update_fields=["name", "updated_at"])
        search_entries_save(event.procedures.select_related("sector", "competent_agency"))
        audit_record(
            actor=actor,
            action="procedures.life_event_rename",
            target=event,
            before={"name": before},
            after={"name": name},
        )
    return event


# --- procedures -------------------------------------------------------------------------------


def _resolve_references(spec: ProcedureSpec) -> tuple[Sector | None, list[LifeEvent], list[str]]:
    here = spec.where or f"Thủ tục {spec.code}"
    problems = []
    sector = Sector.objects.filter(code=spec.sector_code).first()
    if sector is None and spec.sector_code:
        problems.append(f"{here}: không có lĩnh vực mã “{spec.sector_code}”.")
    events = list(LifeEvent.objects.filter(code__in=spec.life_event_codes))
    missing = sorted(set(spec.life_event_codes) - {e.code for e in events})
    if missing:
        problems.append(f"{here}: không có sự kiện mã {', '.join(missing)}.")
    return sector, events, problems


def _insert_version(procedure: Procedure, *, number: int, valid_from: date, spec: VersionSpec) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        valid_from=valid_from,
        deadline_value=spec.deadline_value,
        deadline_unit=spec.deadline_unit,
        eform_fields=eform_fields_normalize(spec.eform_fields),
        change_note=spec.change_note.strip()[:500],
        **{name: getattr(spec, name).strip() for name in TEXT_FIELDS},
    )
    _insert_children(version, spec)
    return version


def _insert_children(version: ProcedureVersion, spec: VersionSpec) -> None:
    DocumentRequirement.objects.bulk_create(
        DocumentRequirement(
            version=version,
            order=order,
            name=d.name.strip(),
            originals=d.originals,
            certified_copies=d.certified_copies,
            copies=d.copies,
            mandatory=d.mandatory,
            form_template=d.form_template.strip(),
            note=d.note.strip(),
        )
        for order, d in enumerate(spec.documents, start=1)
    )
    FeeItem.objects.bulk_create(
        FeeItem(version=version, order=order, kind=f.kind, name=f.name.strip(), amount=f.amount, note=f.note.strip())
        for order, f in enumerate(spec.fees, start=1)
    )
    ClockRule.objects.bulk_create(
        ClockRule(
            version=version,
            event=r.event,
            effect=r.effect,
            window_working_days=r.window_working_days,
            effect_after_window=r.effect_after_window if r.window_working_days is not None else "",
            legal_basis=r.legal_basis.strip(),
        )
        for r in spec.clock_rules
    )
    positions: dict[int, int] = {}
    steps = []
    for s in sorted(spec.steps, key=lambda s: s.order):  # stable: keeps the given order inside a group
        positions[s.order] = positions.get(s.order, 0) + 1
        steps.append(
            RoutingStep(
                version=version,
                order=s.order,
                position=positions[s.order],
                is_lead=s.is_lead,
                kind=s.kind,
                name=s.name.strip(),
                target=s.target,
                agency=s.agency if s.target == RoutingStep.Target.AGENCY else None,
                unit_category=s.unit_category,
                role=s.role,
                share_value=s.share_value,
                share_unit=s.share_unit,
            )
        )
    RoutingStep.objects.bulk_create(steps)


@transaction.atomic
def procedure_create(*, actor, spec: ProcedureSpec, version: VersionSpec, valid_from: date) -> Procedure:
    """Record a procedure with its first version, in force from ``valid_from``."""
    sector, events, problems = _resolve_references(spec)
    problems = procedure_spec_problems(spec) + problems + version_spec_problems(version)
    _refuse_if(problems)
    if Procedure.objects.filter(code=spec.code).exists():
        raise ProceduresError(Code.CODE_TAKEN, f"Đã có thủ tục mã {spec.code} trong danh mục.")
    procedure = Procedure.objects.create(
        code=spec.code,
        name=spec.name.strip(),
        name_folded=fold_text(spec.name),
        sector=sector,
        level=spec.level,
        competent_category=spec.competent_category,
        competent_agency=spec.competent_agency,
        online_mode=spec.online_mode,
        online_level=spec.online_level,
        is_active=spec.is_active,
    )
    procedure.life_events.set(events)
    search_entry_save(procedure)
    first = _insert_version(procedure, number=1, valid_from=valid_from, spec=version)
    audit_record(
        actor=actor,
        action="procedures.procedure_create",
        target=procedure,
        after={**_procedure_snapshot(procedure), "version": _version_snapshot(first)},
    )
    return procedure


@transaction.atomic
def procedure_update(*, actor, procedure: Procedure, spec: ProcedureSpec) -> Procedure:
    """Change what identifies a procedure (name, sector, level, competent agency, online service).

    The national code never changes: a new code is a new procedure.
    """
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("sector").get(pk=procedure.pk)
    if spec.code != procedure.code:
        raise ProceduresError(Code.INVALID, f"Không đổi được mã thủ tục {procedure.code}: mã mới là thủ tục mới.")
    sector, events, problems = _resolve_references(spec)
    _refuse_if(procedure_spec_problems(spec) + problems)
    before = _procedure_snapshot(procedure)
    procedure.name = spec.name.strip()
    procedure.name_folded = fold_text(spec.name)
    procedure.sector = sector
    procedure.level = spec.level
    procedure.competent_category = spec.competent_category
    procedure.competent_agency = spec.competent_agency
    procedure.online_mode = spec.online_mode
    procedure.online_level = spec.online_level
    procedure.is_active = spec.is_active
    procedure.life_events.set(events)
    after = _procedure_snapshot(procedure)
    if after != before:
        procedure.save(
            update_fields=[
                "name",
                "name_folded",
                "sector",
                "level",
                "competent_category",
                "competent_agency",
                "online_mode",
                "online_level",
                "is_active",
                "updated_at",
            ]
        )
        search_entry_save(procedure)
        audit_record(actor=actor, action="procedures.procedure_update", target=procedure, before=before, after=after)
    return procedure


def _set_active(*, actor, procedure: Procedure, active: bool) -> Procedure:
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.is_active == active:
        code, state = (Code.ALREADY_ACTIVE, "đang áp dụng") if active else (Code.ALREADY_INACTIVE, "đã ngừng áp dụng")
        raise ProceduresError(code, f"Thủ tục {procedure.code} {state}.")
    procedure.is_active = active
    procedure.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="procedures.procedure_activate" if active else "procedures.procedure_deactivate",
        target=procedure,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return procedure


@transaction.atomic
def procedure_activate(*, actor, procedure: Procedure) -> Procedure:
    """Offer the procedure again for new dossiers."""
    return _set_active(actor=actor, procedure=procedure, active=True)


@transaction.atomic
def procedure_deactivate(*, actor, procedure: Procedure) -> Procedure:
    """Stop taking in new dossiers under the procedure (dossiers already received carry on)."""
    return _set_active(actor=actor, procedure=procedure, active=False)


# --- versions ---------------------------------------------------------------------------------


@transaction.atomic
def procedure_version_publish(
    *, actor, procedure: Procedure, valid_from: date, version: VersionSpec
) -> ProcedureVersion:
    """Publish a new version from ``valid_from``; the previous one ends the day before.

    The previous version is only ended (its ``valid_to`` set), never edited, so dossiers received
    under it keep exactly what they were received under.
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    latest = ProcedureVersion.objects.select_for_update().filter(procedure=procedure).order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise ProceduresError(
            Code.VERSION_NOT_AFTER_LATEST,
            f"Phiên bản mới phải có hiệu lực sau ngày {format_date(latest.valid_from)} "
            f"(ngày bắt đầu của phiên bản {latest.number}).",
        )
    _refuse_if(version_spec_problems(version))
    before = None
    if latest is not None and (latest.valid_to is None or latest.valid_to >= valid_from):
        before = _version_snapshot(latest)
        latest.valid_to = valid_from - ONE_DAY
        latest.save(update_fields=["valid_to", "updated_at"])
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    new = _insert_version(procedure, number=number, valid_from=valid_from, spec=version)
    audit_record(
        actor=actor,
        action="procedures.version_publish",
        target=new,
        after={
            **_version_snapshot(new),
            "ended": None if before is None else {"number": latest.number, "valid_to": latest.valid_to.isoformat()},
        },
    )
    return new


@transaction.atomic
def procedure_version_update(*, actor, version: ProcedureVersion, spec: VersionSpec) -> ProcedureVersion:
    """Correct a version that no dossier uses yet (its content is replaced; dates stay)."""
    version = ProcedureVersion.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=version.pk)
    if version.in_use:
        raise ProceduresError(
            Code.VERSION_IN_USE,
            f"Phiên bản {version.number} của thủ tục {version.procedure.code} đã được dùng để tiếp nhận hồ sơ, "
            "không sửa được: hãy ban hành phiên bản mới từ một ngày hiệu lực.",
        )
    _refuse_if(version_spec_problems(spec))
    before = _version_snapshot(version)
    for name in TEXT_FIELDS:
        setattr(version, name, getattr(spec, name).strip())
    version.deadline_value = spec.deadline_value
    version.deadline_unit = spec.deadline_unit
    version.eform_fields = eform_fields_normalize(spec.eform_fields)
    version.change_note = spec.change_note.strip()[:500]
    version.save(
        update_fields=[*TEXT_FIELDS, "deadline_value", "deadline_unit", "eform_fields", "change_note", "updated_at"]
    )
    version.documents.all().delete()
    version.fees.all().delete()
    version.clock_rules.all().delete()
    version.steps.all().delete()
    _insert_children(version, spec)
    audit_record(
        actor=actor,
        action="procedures.version_update",
        target=version,
        before=before,
        after=_version_snapshot(version),
    )
    return version


@transaction.atomic
def procedure_version_mark_in_use(*, actor, version: ProcedureVersion) -> ProcedureVersion:
    """Freeze a version because a dossier is received under it (the dossiers app calls this).

    Call it inside the transaction that saves the dossier: the row lock makes a concurrent
    ``procedure_version_update`` wait and then refuse. Idempotent; audited only the first time.
    """
    version = ProcedureVersion.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=version.pk)
    if not version.in_use:
        version.in_use = True
        version.save(update_fields=["in_use", "updated_at"])
        audit_record(
            actor=actor,
            action="procedures.version_in_use",
            target=version,
            before={"in_use": False},
            after={"in_use": True},
        )
    return version


# --- bulk import ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    procedures_created: int = 0
    procedures_changed: int = 0
    versions_created: int = 0
    versions_changed: int = 0
    versions_unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.procedures_created or self.procedures_changed or self.versions_created or self.versions_changed
        )

    def summary(self) -> str:
        return (
            f"Thêm {self.procedures_created} thủ tục, cập nhật {self.procedures_changed} thủ tục; "
            f"thêm {self.versions_created} phiên bản, sửa {self.versions_changed} phiên bản, "
            f"giữ nguyên {self.versions_unchanged} phiên bản."
        )


def _import_problems(catalogue: ParsedCatalogue, existing: dict[str, Procedure]) -> list[str]:
    problems: list[str] = []
    file_sectors = {code for code, _ in catalogue.sectors}
    known_sectors = file_sectors | set(Sector.objects.values_list("code", flat=True))
    file_events = {code for code, _ in catalogue.life_events}
    known_events = file_events | set(LifeEvent.objects.values_list("code", flat=True))
    for parsed in catalogue.procedures:
        spec = parsed.spec
        problems += procedure_spec_problems(spec)
        if spec.sector_code and spec.sector_code not in known_sectors:
            problems.append(f"{spec.where}: không có lĩnh vực mã “{spec.sector_code}” (trong tệp hoặc danh mục).")
        missing = sorted(set(spec.life_event_codes) - known_events)
        if missing:
            problems.append(f"{spec.where}: không có sự kiện mã {', '.join(missing)}.")
        saved = {v.valid_from: v for v in existing[spec.code].versions.all()} if spec.code in existing else {}
        latest = max(saved, default=None)
        for version in parsed.versions:
            problems += version_spec_problems(version.spec)
            current = saved.get(version.valid_from)
            if current is not None:
                if current.in_use and version_key(version_spec_of(current)) != version_key(version.spec):
                    problems.append(
                        f"{version.where}: phiên bản {current.number} đã được dùng để tiếp nhận hồ sơ nên không sửa "
                        "được; hãy thêm một phiên bản mới với ngày hiệu lực mới."
                    )
            elif latest is not None and version.valid_from <= latest:
                problems.append(
                    f"{version.where}: phiên bản mới phải có hiệu lực sau ngày {format_date(latest)} "
                    "(phiên bản gần nhất đã có)."
                )
            else:
                latest = version.valid_from
    return problems


@transaction.atomic
def catalogue_import(*, actor, document, read_problems: Sequence[str] = ()) -> ImportReport:
    """Bring the catalogue in line with a document (``apps.procedures.catalogue_io`` shape).

    Everything is checked first; on any problem nothing is saved and ``ProceduresError`` lists every
    problem with its place, after ``read_problems`` (those the file reader found in rows it could
    not use). Importing the same document again changes nothing. Procedures and versions absent
    from the document are left as they are.
    """
    problems = Problems(read_problems)
    catalogue = parse_document(document, resolve=AgencyResolver(timezone.localdate()), problems=problems)
    existing = existing_procedures(p.spec.code for p in catalogue.procedures)
    problems += _import_problems(catalogue, existing)
    if problems:
        raise ProceduresError(
            Code.IMPORT_INVALID, f"Tệp có {len(problems)} lỗi, chưa lưu gì: {problems[0]}", list(problems)
        )
    report = ImportReport()
    for code, name in catalogue.sectors:
        sector_save(actor=actor, code=code, name=name)
    for code, name in catalogue.life_events:
        life_event_save(actor=actor, code=code, name=name)
    for parsed in catalogue.procedures:
        procedure = existing.get(parsed.spec.code)
        versions = list(parsed.versions)
        if procedure is None:
            first = versions.pop(0)
            procedure = procedure_create(actor=actor, spec=parsed.spec, version=first.spec, valid_from=first.valid_from)
            report.procedures_created += 1
            report.versions_created += 1
            saved = {}
        else:
            if procedure_key(procedure_spec_of(procedure)) != procedure_key(parsed.spec):
                procedure_update(actor=actor, procedure=procedure, spec=parsed.spec)
                report.procedures_changed += 1
            saved = {v.valid_from: v for v in procedure.versions.all()}
        for version in versions:
            current = saved.get(version.valid_from)
            if current is None:
                procedure_version_publish(
                    actor=actor, procedure=procedure, valid_from=version.valid_from, version=version.spec
                )
                report.versions_created += 1
            elif version_key(version_spec_of(current)) != version_key(version.spec):
                procedure_version_update(actor=actor, version=current, spec=version.spec)
                report.versions_changed += 1
            else:
                report.versions_unchanged += 1
    if report.changed_anything:
        audit_record(
            actor=actor,
            action="procedures.catalogue_import",
            target_type="procedures.procedure",
            target_label="Nhập danh mục thủ tục hành chính",
            changes={"report": report.summary()},
        )
    return report
