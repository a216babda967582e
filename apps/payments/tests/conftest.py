"""A small province for payment tests: a department receiving a procedure with a fee and a charge,
its desk officer, a handler, an applicant with an online dossier, and a second applicant."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.actions import official_create
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.dossiers.actions import ApplicantInput, DocumentInput, dossier_register
from apps.dossiers.statuses import Channel
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, FeeItem, Procedure, RoutingStep
from apps.procedures.specs import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec, VersionSpec

PASSWORD = "Mat-khau-thanh-toan-2026"
FEE, CHARGE = 75_000, 25_000


@dataclass
class World:
    department: Agency
    procedure: Procedure
    free_procedure: Procedure
    desk: User
    handler: User
    outsider: User
    applicant: User
    other_applicant: User


def steps() -> list[StepSpec]:
    return [
        StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
        StepSpec(2, RoutingStep.Kind.APPRAISAL, "Thẩm định", Role.HANDLER, Decimal(8)),
        StepSpec(3, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
    ]


def _procedure(code: str, name: str, department: Agency, fees: list[FeeSpec]) -> Procedure:
    return procedure_create(
        actor=None,
        spec=ProcedureSpec(
            code=code,
            name=name,
            sector_code="XD",
            level=department.level,
            competent_category=Agency.Category.DEPARTMENT,
            competent_agency=department,
            online_mode=Procedure.OnlineMode.FULL,
        ),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[DocumentSpec(name="Đơn đề nghị", originals=1)],
            fees=fees,
            steps=steps(),
        ),
        valid_from=date(2020, 1, 1),
    )


@pytest.fixture
def world(db) -> World:
    department = AgencyFactory("Sở Xây dựng", identifier="000.00.14.H27")
    unit = UnitFactory(department, "Phòng Quản lý xây dựng", identifier="000.01.14.H27")
    other = AgencyFactory("Sở Tư pháp", identifier="000.00.16.H27")
    sector_save(actor=None, code="XD", name="Xây dựng")
    procedure = _procedure(
        "1.009994",
        "Cấp giấy phép xây dựng",
        department,
        [
            FeeSpec(name="Lệ phí cấp giấy phép xây dựng", amount=FEE),
            FeeSpec(name="Phí thẩm định", amount=CHARGE, kind=FeeItem.Kind.CHARGE),
            FeeSpec(name="Cấp bản sao (nếu có)", amount=0),
        ],
    )
    free = _procedure("1.000001", "Cung cấp thông tin quy hoạch", department, [])

    def official(username, agency, role):
        return official_create(
            username=username,
            full_name=f"Cán Bộ {username}",
            email=f"{username}@x.vn",
            password=PASSWORD,
            agency=agency,
            roles=[role],
            valid_from=date(2020, 1, 1),
        )

    def applicant(username, name):
        return User.objects.create_user(
            username=username, password=PASSWORD, full_name=name, kind=User.Kind.APPLICANT, email=f"{username}@x.vn"
        )

    return World(
        department=department,
        procedure=procedure,
        free_procedure=free,
        desk=official("motcua", department, Role.DESK_OFFICER),
        handler=official("chuyenvien", unit, Role.HANDLER),
        outsider=official("ngoai", other, Role.DESK_OFFICER),
        applicant=applicant("congdan", "Đặng Quốc Khánh"),
        other_applicant=applicant("congdan2", "Lê Thị Hoa"),
    )


@pytest.fixture
def lodge(world):
    """An online dossier lodged by ``world.applicant`` (or ``by``) for the fee-bearing procedure."""

    def make(*, by=None, procedure=None, key=None):
        by = by or world.applicant
        procedure = procedure or world.procedure
        version = procedure.versions.order_by("-valid_from").first()
        return dossier_register(
            actor=by,
            procedure=procedure,
            receiving_agency=world.department,
            applicant=ApplicantInput(name=by.full_name, phone="0912345678", id_number="042090001234"),
            channel=Channel.ONLINE,
            documents=[
                DocumentInput(name=r.name, requirement_id=r.id, paper_only=True) for r in version.documents.all()
            ],
            idempotency_key=key,
        )

    return make
