"""Every rule a procedure version obeys, each refused with a Vietnamese message and nothing saved."""

from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.organizations.models import Level
from apps.procedures.actions import procedure_create
from apps.procedures.errors import ProceduresError, ProceduresErrorCode
from apps.procedures.models import DeadlineUnit, Procedure, ProcedureVersion, RoutingStep
from apps.procedures.specs import ClockRuleSpec, FeeSpec, ProcedureSpec

from .factories import (
    START,
    CommuneCommitteeFactory,
    DepartmentFactory,
    ProcedureFactory,
    SectorFactory,
    simple_steps,
    step,
    version_spec,
)

pytestmark = pytest.mark.django_db


def _steps_without_first_intake():
    steps = simple_steps(5)
    steps[0] = step(1, "appraisal", "desk_officer", "0.5")
    return steps


def _steps_with_handler_at_intake():
    steps = simple_steps(5)
    steps[0] = step(1, "intake", "handler", "0.5")
    return steps


def _steps_without_return():
    return simple_steps(5)[:3]


def _parallel(leads: int):
    other = DepartmentFactory()
    return [
        step(1, "intake", "desk_officer", "0.5"),
        step(2, "appraisal", "handler", "2", is_lead=leads >= 1),
        step(2, "consultation", "handler", "2", agency=other, is_lead=leads >= 2),
        step(3, "approval", "agency_leader", "1"),
        step(4, "return", "desk_officer", "0.5"),
    ]


def _too_long():
    steps = simple_steps(5)
    steps[1] = step(2, "appraisal", "handler", "4")
    return steps


def _fixed_without_agency():
    steps = simple_steps(5)
    steps[1] = step(2, "appraisal", "handler", "3", target=RoutingStep.Target.AGENCY)
    return steps


def _receiving_with_agency():
    steps = simple_steps(5)
    steps[1] = step(2, "appraisal", "handler", "3", agency=DepartmentFactory(), target=RoutingStep.Target.RECEIVING)
    return steps


def _auditor_role():
    steps = simple_steps(5)
    steps[1] = step(2, "appraisal", "auditor", "3")
    return steps


ROUTING_CASES = [
    pytest.param(_steps_without_first_intake, "bước đầu tiên phải là một bước tiếp nhận", id="first-not-intake"),
    pytest.param(_steps_with_handler_at_intake, "do cán bộ một cửa thực hiện", id="intake-not-desk-officer"),
    pytest.param(_steps_without_return, "bước cuối cùng phải là một bước trả kết quả", id="last-not-return"),
    pytest.param(lambda: _parallel(0), "phải có đúng một cơ quan chủ trì (đang có 0)", id="parallel-no-lead"),
    pytest.param(lambda: _parallel(2), "phải có đúng một cơ quan chủ trì (đang có 2)", id="parallel-two-leads"),
    pytest.param(_too_long, "tổng thời gian các bước (6 ngày làm việc) vượt thời hạn giải quyết", id="over-deadline"),
    pytest.param(_fixed_without_agency, "phải ghi cơ quan đó", id="fixed-target-without-agency"),
    pytest.param(_receiving_with_agency, "không ghi cơ quan cố định", id="receiving-with-agency"),
    pytest.param(_auditor_role, "vai trò “auditor” không hợp lệ", id="role-not-in-routing"),
    pytest.param(lambda: [], "phải có ít nhất bước tiếp nhận và bước trả kết quả", id="no-steps"),
]


@pytest.mark.parametrize(("make_steps", "message"), ROUTING_CASES)
def test_bad_routing_is_refused_and_nothing_is_saved(make_steps, message):
    steps = make_steps()
    sector = SectorFactory()
    events_before = AuditEvent.objects.count()

    with pytest.raises(ProceduresError) as refused:
        ProcedureFactory("Thủ tục có quy trình sai", sector=sector, version=version_spec(5, steps=steps))

    assert refused.value.code == ProceduresErrorCode.INVALID
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    assert not Procedure.objects.filter(name="Thủ tục có quy trình sai").exists()
    assert ProcedureVersion.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_parallel_steps_count_once_the_longest():
    # 0.5 + max(3, 2.5) + 1 + 0.5 = 5 working days: fits although the shares add up to 7.5.
    other = DepartmentFactory()
    steps = [
        step(1, "intake", "desk_officer", "0.5"),
        step(2, "appraisal", "handler", "3"),
        step(2, "consultation", "handler", "2.5", agency=other, is_lead=False),
        step(3, "approval", "agency_leader", "1"),
        step(4, "return", "desk_officer", "0.5"),
    ]

    procedure = ProcedureFactory(version=version_spec(5, steps=steps))

    saved = procedure.versions.get().steps.filter(order=2)
    assert [(s.position, s.is_lead, s.agency) for s in saved] == [(1, True, None), (2, False, other)]


def test_hours_and_days_are_compared_in_office_hours():
    steps = [
        step(1, "intake", "desk_officer", "0.5", DeadlineUnit.WORKING_HOURS),
        step(2, "appraisal", "handler", "1", DeadlineUnit.WORKING_DAYS),
        step(3, "return", "desk_officer", "0.5", DeadlineUnit.WORKING_HOURS),
    ]
    spec = version_spec(0, steps=steps)
    spec.deadline_value, spec.deadline_unit = Decimal(4), DeadlineUnit.WORKING_HOURS

    with pytest.raises(ProceduresError) as refused:
        ProcedureFactory(version=spec)

    assert "(9 giờ làm việc) vượt thời hạn giải quyết (4 giờ làm việc)" in refused.value.message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param([{"name": "Họ tên", "label": "Họ tên", "type": "text"}], "phải viết thường, không dấu", id="name"),
        pytest.param([{"name": "a", "label": "A", "type": "email"}], "kiểu “email” không hợp lệ", id="type"),
        pytest.param([{"name": "a", "label": "A", "type": "select"}], "cần danh sách lựa chọn", id="no-options"),
        pytest.param(
            [{"name": "a", "label": "A", "type": "text", "options": ["x"]}], "chỉ trường kiểu chọn", id="options"
        ),
        pytest.param(
            [{"name": "a", "label": "A", "type": "text"}, {"name": "a", "label": "B", "type": "date"}],
            "tên trường “a” bị trùng",
            id="duplicate",
        ),
        pytest.param([{"name": "a", "label": " ", "type": "text"}], "thiếu nhãn", id="label"),
        pytest.param([{"name": "a", "label": "A", "type": "text", "max": 3}], "không có thuộc tính max", id="key"),
        pytest.param({"name": "a"}, "phải là một danh sách", id="not-a-list"),
    ],
)
def test_bad_eform_fields_are_refused(fields, message):
    with pytest.raises(ProceduresError) as refused:
        ProcedureFactory(version=version_spec(eform_fields=fields))

    assert message in refused.value.message
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"fees": [FeeSpec(name="Lệ phí", amount=-1)]}, "mức thu phải là số đồng nguyên, không âm", id="fee"
        ),
        pytest.param(
            {"clock_rules": [ClockRuleSpec(event="supplement_request", effect="restart", window_working_days=3)]},
            "cần ghi tác động khi sự kiện xảy ra sau 3 ngày",
            id="window-without-after",
        ),
        pytest.param(
            {"clock_rules": [ClockRuleSpec(event="later_supplement", effect="pause")] * 2},
            "đã có quy tắc",
            id="duplicate-rule",
        ),
    ],
)
def test_bad_fees_and_clock_rules_are_refused(change, message):
    with pytest.raises(ProceduresError) as refused:
        ProcedureFactory(version=version_spec(**change))

    assert message in refused.value.message
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"code": "TT-01"}, "không đúng dạng mã", id="code"),
        pytest.param({"level": Level.DISTRICT}, "cấp tỉnh hoặc cấp xã", id="district"),
    ],
)
def test_bad_procedure_identity_is_refused(kwargs, message):
    with pytest.raises(ProceduresError) as refused:
        ProcedureFactory(**kwargs)

    assert message in refused.value.message
    assert Procedure.objects.count() == 0


def test_province_procedure_needs_its_competent_agency():
    spec = ProcedureSpec(
        code="1.000001",
        name="Thủ tục tỉnh",
        sector_code=SectorFactory().code,
        level=Level.PROVINCE,
        competent_category="so",
    )

    with pytest.raises(ProceduresError) as refused:
        procedure_create(actor=None, spec=spec, version=version_spec(), valid_from=START)

    assert "thủ tục cấp tỉnh phải ghi cơ quan có thẩm quyền" in refused.value.message
    assert Procedure.objects.count() == 0


def test_commune_procedure_names_no_fixed_competent_agency():
    spec = ProcedureSpec(
        code="1.000002",
        name="Thủ tục xã",
        sector_code=SectorFactory().code,
        level=Level.COMMUNE,
        competent_category="ubnd",
        competent_agency=CommuneCommitteeFactory(),
    )

    with pytest.raises(ProceduresError) as refused:
        procedure_create(actor=None, spec=spec, version=version_spec(), valid_from=START)

    assert "không ghi một cơ quan có thẩm quyền cố định" in refused.value.message
