"""A department with a unit and officials in each feedback role, another agency, two applicants, and
online dossiers taken to "result returned" through the dossier actions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.actions import official_create
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.core.messaging import LocmemSmsGateway
from apps.dossiers import actions as dossier_actions
from apps.dossiers.actions import ApplicantInput, DocumentInput, dossier_register
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import Channel
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, Procedure, RoutingStep
from apps.procedures.specs import DocumentSpec, ProcedureSpec, StepSpec, VersionSpec

PASSWORD = "Mat-khau-gop-y-2026"


@dataclass
class World:
    department: Agency
    unit: Agency
    other: Agency
    procedure: Procedure
    desk: User
    handler: User
    head: User
    leader: User
    outsider: User
    applicant: User
    other_applicant: User


@pytest.fixture
def world(db) -> World:
    department = AgencyFactory("Sở Xây dựng", identifier="000.00.14.H27")
    unit = UnitFactory(department, "Phòng Quản lý xây dựng", identifier="000.01.14.H27")
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
            online_mode=Procedure.OnlineMode.FULL,
        ),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[DocumentSpec(name="Đơn đề nghị", originals=1)],
            steps=[
                StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
                StepSpec(2, RoutingStep.Kind.APPRAISAL, "Thẩm định", Role.HANDLER, Decimal(8)),
                StepSpec(3, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
            ],
        ),
        valid_from=date(2020, 1, 1),
    )

    def official(username, agency, role):
        return official_create(
            username=username,
            full_name=f"Cán Bộ {username.title()}",
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
        unit=unit,
        other=other,
        procedure=procedure,
        desk=official("motcua", department, Role.DESK_OFFICER),
        handler=official("chuyenvien", unit, Role.HANDLER),
        head=official("truongphong", unit, Role.HEAD_OF_UNIT),
        leader=official("giamdoc", department, Role.AGENCY_LEADER),
        outsider=official("ngoai", other, Role.AGENCY_LEADER),
        applicant=applicant("congdan", "Đặng Quốc Khánh"),
        other_applicant=applicant("congdan2", "Lê Thị Hoa"),
    )


@pytest.fixture
def lodge(world):
    """An online dossier of ``world.applicant`` (or ``by``), newly registered."""

    def make(*, by=None) -> Dossier:
        by = by or world.applicant
        version = world.procedure.versions.get()
        return dossier_register(
            actor=by,
            procedure=world.procedure,
            receiving_agency=world.department,
            applicant=ApplicantInput(name=by.full_name, phone="0912345678", id_number="042090001234"),
            channel=Channel.ONLINE,
            documents=[
                DocumentInput(name=r.name, requirement_id=r.id, paper_only=True) for r in version.documents.all()
            ],
        )

    return make


@pytest.fixture
def returned(world, lodge):
    """An online dossier received, processed and its result returned (status 10), by the dossier actions."""

    def make(*, by=None) -> Dossier:
        dossier = dossier_actions.dossier_receive(actor=world.desk, dossier=lodge(by=by))
        step = dossier.steps.get(order=2)
        dossier_actions.step_assign(actor=world.head, step=step, assignee=world.handler)
        dossier_actions.dossier_result_attach(
            actor=world.handler, dossier=dossier, document=DocumentInput(name="Giấy phép xây dựng", paper_only=True)
        )
        dossier_actions.step_complete(actor=world.handler, step=step)
        dossier_actions.dossier_return_result(actor=world.desk, dossier=dossier, channel=Channel.ONLINE)
        dossier.refresh_from_db()
        return dossier

    return make


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "apps.core.messaging.LocmemSmsGateway"
    LocmemSmsGateway.outbox.clear()
    return LocmemSmsGateway.outbox
