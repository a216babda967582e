"""Factories for the procedures tests: catalogue records are made through the actions like real data."""

from datetime import date
from decimal import Decimal
from itertools import count

from apps.accounts.tests.factories import AgencyFactory
from apps.organizations.models import Agency, Level
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, Procedure, RoutingStep, Sector
from apps.procedures.specs import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec, VersionSpec

START = date(2025, 7, 1)
_codes = count(1)


def SectorFactory(code: str | None = None, name: str | None = None) -> Sector:
    number = next(_codes)
    return sector_save(actor=None, code=code or f"LV{number}", name=name or f"Lĩnh vực thử {number}")


def DepartmentFactory(name: str | None = None, **kwargs) -> Agency:
    kwargs.setdefault("category", Agency.Category.DEPARTMENT)
    kwargs.setdefault("level", Level.PROVINCE)
    return AgencyFactory(name, **kwargs)


def CommuneCommitteeFactory(name: str | None = None, **kwargs) -> Agency:
    kwargs.setdefault("category", Agency.Category.PEOPLES_COMMITTEE)
    kwargs.setdefault("level", Level.COMMUNE)
    return AgencyFactory(name or f"UBND xã Thử {next(_codes)}", **kwargs)


def step(order, kind, role, share="1", unit=DeadlineUnit.WORKING_DAYS, **kwargs) -> StepSpec:
    target = RoutingStep.Target.AGENCY if kwargs.get("agency") else RoutingStep.Target.RECEIVING
    kwargs.setdefault("target", target)
    return StepSpec(
        order=order,
        kind=kind,
        name=kwargs.pop("name", f"Bước {order}"),
        role=role,
        share_value=Decimal(share),
        share_unit=unit,
        **kwargs,
    )


def simple_steps(days: int = 5, *, agency: Agency | None = None) -> list[StepSpec]:
    """Intake, appraisal, approval, return, taking exactly ``days`` working days."""
    return [
        step(1, "intake", "desk_officer", "0.5", agency=agency),
        step(2, "appraisal", "handler", str(days - 2), agency=agency),
        step(3, "approval", "agency_leader", "1", agency=agency),
        step(4, "return", "desk_officer", "0.5", agency=agency),
    ]


def version_spec(days: int = 5, *, agency: Agency | None = None, **kwargs) -> VersionSpec:
    kwargs.setdefault("documents", [DocumentSpec(name="Tờ khai", originals=1)])
    kwargs.setdefault("fees", [FeeSpec(name="Lệ phí", amount=75000)])
    kwargs.setdefault("eform_fields", [{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True}])
    kwargs.setdefault("steps", simple_steps(days, agency=agency))
    return VersionSpec(deadline_value=Decimal(days), result_description="Giấy phép", **kwargs)


def ProcedureFactory(
    name: str | None = None,
    *,
    code: str | None = None,
    sector: Sector | None = None,
    level: int = Level.COMMUNE,
    agency: Agency | None = None,
    version: VersionSpec | None = None,
    valid_from: date = START,
    actor=None,
    **kwargs,
) -> Procedure:
    """A procedure with its first version: commune level by default, province level with ``agency``."""
    number = next(_codes)
    if agency is not None:
        level = Level.PROVINCE
    spec = ProcedureSpec(
        code=code or f"1.{number:06d}.000.00.00.H27",
        name=name or f"Thủ tục thử {number}",
        sector_code=(sector or SectorFactory()).code,
        level=level,
        competent_category=agency.category if agency else Agency.Category.PEOPLES_COMMITTEE,
        competent_agency=agency,
        **kwargs,
    )
    return procedure_create(
        actor=actor, spec=spec, version=version or version_spec(agency=agency), valid_from=valid_from
    )
