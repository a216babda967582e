from datetime import UTC, date, datetime

import pytest

from apps.core.working_days import VN_TZ
from apps.organizations.models import Agency, Level
from apps.procedures.actions import procedure_deactivate, procedure_version_publish
from apps.procedures.selectors import procedure_version_in_force, procedures_for_agency, routing_plan

from .factories import (
    START,
    CommuneCommitteeFactory,
    DepartmentFactory,
    ProcedureFactory,
    step,
    version_spec,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("moment", "number"),
    [
        pytest.param(datetime(2025, 6, 30, 23, 0, tzinfo=VN_TZ), None, id="before-the-first"),
        pytest.param(datetime(2025, 12, 31, 23, 59, tzinfo=VN_TZ), 1, id="last-evening-of-v1"),
        # 31/12 17:30 UTC is 01/01 00:30 in Hà Tĩnh: the local day decides.
        pytest.param(datetime(2025, 12, 31, 17, 30, tzinfo=UTC), 2, id="utc-evening-is-vn-new-day"),
        pytest.param(date(2026, 5, 1), 2, id="a-date"),
    ],
)
def test_version_in_force_reads_the_day_in_ho_chi_minh_time(moment, number):
    procedure = ProcedureFactory()
    procedure_version_publish(actor=None, procedure=procedure, valid_from=date(2026, 1, 1), version=version_spec())

    version = procedure_version_in_force(procedure, moment)

    assert (version.number if version else None) == number


def test_procedures_for_agency():
    # Given a commune procedure, a department's procedure, one whose intake is at the service centre
    commune = CommuneCommitteeFactory()
    department = DepartmentFactory("Sở Xây dựng Thử")
    centre = DepartmentFactory(
        "Trung tâm Hành chính công Thử", category=Agency.Category.PUBLIC_SERVICE_CENTRE, kind=Agency.Kind.UNIT
    )
    other = DepartmentFactory("Sở Khác")
    civil = ProcedureFactory("Đăng ký khai sinh")
    permit = ProcedureFactory("Cấp giấy phép xây dựng", agency=department)
    steps = version_spec(agency=department).steps
    steps[0] = step(1, "intake", "desk_officer", "0.5", agency=other)
    desk_at_other = ProcedureFactory(
        "Thủ tục tiếp nhận ở sở khác", agency=department, version=version_spec(steps=steps)
    )
    stopped = ProcedureFactory("Thủ tục đã ngừng")
    procedure_deactivate(actor=None, procedure=stopped)
    future = ProcedureFactory("Thủ tục chưa có hiệu lực", valid_from=date(2099, 1, 1))

    # Then each agency takes in what it is competent for, its intake steps, or its level for a centre
    on = date(2026, 3, 2)
    assert list(procedures_for_agency(commune, on)) == [civil]
    assert set(procedures_for_agency(department, on)) == {permit, desk_at_other}
    assert list(procedures_for_agency(other, on)) == [desk_at_other]
    assert set(procedures_for_agency(centre, on)) == {permit, desk_at_other}
    assert future in procedures_for_agency(commune, date(2099, 1, 2))


def test_routing_plan_resolves_the_receiving_agency_and_keeps_parallel_groups():
    # Given a commune procedure consulting a department in parallel
    department = DepartmentFactory("Sở Nông nghiệp và Môi trường Thử")
    steps = [
        step(1, "intake", "desk_officer", "0.5", name="Tiếp nhận"),
        step(2, "appraisal", "handler", "5", name="Thẩm định"),
        step(2, "consultation", "handler", "4", name="Lấy ý kiến", agency=department, is_lead=False),
        step(3, "approval", "agency_leader", "1", name="Phê duyệt"),
        step(4, "return", "desk_officer", "0.5", name="Trả kết quả"),
    ]
    version = ProcedureFactory(version=version_spec(10, steps=steps)).versions.get()
    commune = CommuneCommitteeFactory("UBND xã Thử Nghiệm")

    # When the plan is made for a dossier received by that commune
    plan = routing_plan(version, commune)

    # Then
    assert [(g.order, [(s.step.name, s.agency.name, s.is_lead) for s in g.steps]) for g in plan] == [
        (1, [("Tiếp nhận", "UBND xã Thử Nghiệm", True)]),
        (2, [("Thẩm định", "UBND xã Thử Nghiệm", True), ("Lấy ý kiến", department.name, False)]),
        (3, [("Phê duyệt", "UBND xã Thử Nghiệm", True)]),
        (4, [("Trả kết quả", "UBND xã Thử Nghiệm", True)]),
    ]
    assert plan[1].is_parallel and plan[1].lead.step.name == "Thẩm định"
    assert plan[1].share_hours == 40


def test_level_is_province_for_a_department_procedure():
    procedure = ProcedureFactory(agency=DepartmentFactory())

    assert procedure.level == Level.PROVINCE
    assert procedure_version_in_force(procedure, START).number == 1
