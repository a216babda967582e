"""A small province for dossier tests: a department with units, a consulted department, officials
in each role, and an inter-agency procedure made through the procedures actions."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.core.working_days import VN_TZ
from apps.dossiers.actions import ApplicantInput, DocumentInput, dossier_register
from apps.dossiers.statuses import Channel
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, Procedure, RoutingStep
from apps.procedures.specs import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec, VersionSpec

PASSWORD = "Mat-khau-ho-so-2026"


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def building_permit_steps(consulted: Agency) -> list[StepSpec]:
    """Intake, appraisal, a consultation of ``consulted`` beside the lead, approval, return."""
    return [
        StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
        StepSpec(2, RoutingStep.Kind.APPRAISAL, "Thẩm định", Role.HANDLER, Decimal(4)),
        StepSpec(3, RoutingStep.Kind.CONSULTATION, "Tổng hợp ý kiến", Role.HANDLER, Decimal(2)),
        StepSpec(
            3,
            RoutingStep.Kind.CONSULTATION,
            "Cho ý kiến về đất đai",
            Role.HANDLER,
            Decimal(2),
            target=RoutingStep.Target.AGENCY,
            agency=consulted,
            is_lead=False,
        ),
        StepSpec(4, RoutingStep.Kind.APPROVAL, "Phê duyệt", Role.AGENCY_LEADER, Decimal(1)),
        StepSpec(5, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
    ]


@dataclass
class World:
    department: Agency
    unit: Agency
    consulted: Agency
    procedure: Procedure
    desk: object
    handler: object
    head: object
    leader: object
    consulted_handler: object
    outsider: object


@pytest.fixture
def world(db) -> World:
    n = iter(range(10_000))

    def official(agency, role):
        i = next(n)
        return official_create(
            username=f"hs{i}",
            full_name=f"Cán Bộ Hồ Sơ {i}",
            email=f"hs{i}@x.vn",
            password=PASSWORD,
            agency=agency,
            roles=[role],
            valid_from=date(2020, 1, 1),
        )

    department = AgencyFactory("Sở Xây dựng", identifier="000.00.14.H27")
    unit = UnitFactory(department, "Phòng Quản lý xây dựng", identifier="000.01.14.H27")
    consulted = AgencyFactory("Sở Nông nghiệp và Môi trường", identifier="000.00.15.H27")
    other = AgencyFactory("Sở Tư pháp", identifier="000.00.16.H27")
    sector_save(actor=None, code="XD", name="Xây dựng")
    procedure = procedure_create(
        actor=None,
        spec=ProcedureSpec(
            code="1.009994",
            name="Cấp giấy phép xây dựng",
            sector_code="XD",
            level=department.level,
            competent_category=Agency.Category.DEPARTMENT,
            competent_agency=department,
        ),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[
                DocumentSpec(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1),
                DocumentSpec(name="Bản vẽ thiết kế", copies=2),
                DocumentSpec(name="Giấy tờ khác", mandatory=False),
            ],
            fees=[FeeSpec(name="Lệ phí cấp giấy phép", amount=75_000)],
            steps=building_permit_steps(consulted),
        ),
        valid_from=date(2020, 1, 1),
    )
    return World(
        department=department,
        unit=unit,
        consulted=consulted,
        procedure=procedure,
        desk=official(department, Role.DESK_OFFICER),
        handler=official(unit, Role.HANDLER),
        head=official(unit, Role.HEAD_OF_UNIT),
        leader=official(department, Role.AGENCY_LEADER),
        consulted_handler=official(consulted, Role.HANDLER),
        outsider=official(other, Role.DESK_OFFICER),
    )


def full_documents(procedure) -> list[DocumentInput]:
    version = procedure.versions.get()
    return [DocumentInput(name=r.name, requirement_id=r.id, paper_only=True) for r in version.documents.all()]


@pytest.fixture
def register(world):
    def make(*, documents=None, at_moment=None, **applicant):
        applicant = {"name": "Đặng Quốc Khánh", "phone": "0912345678", "id_number": "042090001234", **applicant}
        return dossier_register(
            actor=world.desk,
            procedure=world.procedure,
            receiving_agency=world.department,
            applicant=ApplicantInput(**applicant),
            channel=Channel.DESK,
            documents=full_documents(world.procedure) if documents is None else documents,
            at=at_moment,
        )

    return make
