"""Dossier statistics (QĐ 766 progress): figures on a dataset made through the actions at frozen
times, scoping, the page with its SVG chart and table, the XLSX export, and a constant query count."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from openpyxl import load_workbook

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.core.working_days import get_calendar
from apps.dossiers import actions
from apps.dossiers.actions import ApplicantInput, DocumentInput
from apps.dossiers.reports.selectors import (
    Figures,
    Period,
    dossier_statistics,
    dossier_statistics_for_user,
    statistics_agencies_for_user,
)
from apps.dossiers.statuses import Channel
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, RoutingStep
from apps.procedures.specs import ProcedureSpec, StepSpec, VersionSpec

from .conftest import PASSWORD, at, full_documents

pytestmark = pytest.mark.django_db

PAGE = "/lam-viec/ho-so/thong-ke/"
EXPORT = "/lam-viec/ho-so/thong-ke/xuat-xlsx/"
NOVEMBER = {"ky": "thang", "nam": "2026", "thang": "11"}
AFTER_NOVEMBER = "2026-12-05 10:00:00+07:00"

# The dataset below, for the department in November 2026 (see each dossier's comment).
EXPECTED = Figures(
    handled=10,
    new=7,
    carried_over=3,
    desk=6,
    online=1,
    postal=0,
    early=1,
    on_time=1,
    late=1,
    open_within=3,
    open_past=2,
    waiting=2,
    withdrawn=1,
    stopped=1,
    refused=1,
)


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


def procedure(code, name, sector, agency, days, steps=None):
    sector_save(actor=None, code=sector, name=f"Lĩnh vực {sector}")
    steps = steps or [
        StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
        StepSpec(2, RoutingStep.Kind.APPRAISAL, "Thẩm định", Role.HANDLER, Decimal(days - 2)),
        StepSpec(3, RoutingStep.Kind.APPROVAL, "Phê duyệt", Role.AGENCY_LEADER, Decimal(1)),
        StepSpec(4, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
    ]
    return procedure_create(
        actor=None,
        spec=ProcedureSpec(
            code=code,
            name=name,
            sector_code=sector,
            level=agency.level,
            competent_category=Agency.Category.DEPARTMENT,
            competent_agency=agency,
        ),
        version=VersionSpec(deadline_value=Decimal(days), deadline_unit=DeadlineUnit.WORKING_DAYS, steps=steps),
        valid_from=date(2020, 1, 1),
    )


def receive(desk, proc, agency, moment, *, channel=Channel.DESK, name="Đặng Quốc Khánh"):
    with freeze_time(moment):
        dossier = actions.dossier_register(
            actor=None if channel == Channel.ONLINE else desk,
            procedure=proc,
            receiving_agency=agency,
            applicant=ApplicantInput(name=name),
            channel=channel,
            documents=full_documents(proc),
            at=moment,
        )
        return actions.dossier_receive(actor=desk, dossier=dossier, at=moment)


def step(dossier, order, agency=None):
    steps = dossier.steps.filter(order=order)
    return (steps.filter(agency=agency) if agency is not None else steps).get()


def process(world, dossier, moment):
    """Take a dossier of the world's procedure through its steps to "processed" at ``moment``."""
    with freeze_time(moment):
        actions.step_complete(actor=world.handler, step=step(dossier, 2), at=moment)
        actions.step_complete(actor=world.consulted_handler, step=step(dossier, 3, world.consulted), at=moment)
        actions.step_complete(actor=world.handler, step=step(dossier, 3, world.department), at=moment)
        actions.dossier_result_attach(
            actor=world.handler, dossier=dossier, document=DocumentInput(name="Giấy phép xây dựng", paper_only=True)
        )
        actions.step_complete(actor=world.leader, step=step(dossier, 4), at=moment)
    dossier.refresh_from_db()
    return dossier


@dataclass
class November:
    world: object
    land: object  # a second procedure of the department, another sector
    other_agency_dossier: object
    other_leader: object


@pytest.fixture
def november(world) -> November:
    w, dept = world, world.department
    proc = w.procedure  # 10 working days
    # A: received in October, processed 02/11 before its due day 03/11 → carried over, early.
    a = receive(w.desk, proc, dept, at(2026, 10, 20, 9))
    process(w, a, at(2026, 11, 2, 10))
    # B: received in October, due 04/11, processed only on 03/12 → carried over, open past deadline.
    b = receive(w.desk, proc, dept, at(2026, 10, 21, 9))
    # C: received and processed in October → not counted at all.
    c = receive(w.desk, proc, dept, at(2026, 10, 1, 9))
    process(w, c, at(2026, 10, 5, 9))
    # L: received 01/10, due 15/10, financial obligation asked 30/10 (clock paused, already late)
    #    → carried over, open past deadline, waiting on the applicant.
    lw = receive(w.desk, proc, dept, at(2026, 10, 1, 9))
    with freeze_time(at(2026, 10, 30, 9)):
        actions.dossier_request_payment(actor=w.handler, dossier=lw, items=[{"name": "Lệ phí", "amount": 75_000}])
    # D: received 02/11, due 16/11 09:00, processed 16/11 08:30, then returned → new, on time.
    d = receive(w.desk, proc, dept, at(2026, 11, 2, 9))
    process(w, d, at(2026, 11, 16, 8, 30))
    with freeze_time(at(2026, 11, 17, 9)):
        actions.dossier_return_result(actor=w.desk, dossier=d)
    # E: lodged online, received 03/11 (due 17/11), processed 18/11 → new, online, late.
    e = receive(w.desk, proc, dept, at(2026, 11, 3, 9), channel=Channel.ONLINE)
    process(w, e, at(2026, 11, 18, 10))
    # F: received 25/11 → new, open within deadline.
    receive(w.desk, proc, dept, at(2026, 11, 25, 9))
    # G: received 04/11, withdrawn 05/11; H: received 05/11, stopped 06/11.
    g = receive(w.desk, proc, dept, at(2026, 11, 4, 9))
    with freeze_time(at(2026, 11, 5, 9)):
        actions.dossier_withdraw(actor=w.desk, dossier=g, reason="Công dân xin rút")
    h = receive(w.desk, proc, dept, at(2026, 11, 5, 9))
    with freeze_time(at(2026, 11, 6, 9)):
        actions.dossier_stop(actor=w.head, dossier=h, reason="Không đủ điều kiện")
    # I: received 23/11, supplement asked 25/11 (restart: time left), brought 02/12
    #    → new, open within deadline, waiting on the applicant at the end of November.
    i = receive(w.desk, proc, dept, at(2026, 11, 23, 9))
    with freeze_time(at(2026, 11, 25, 9)):
        actions.dossier_request_supplement(actor=w.handler, dossier=i, items=["Bản vẽ mặt bằng"])
    with freeze_time(at(2026, 12, 2, 9)):
        actions.dossier_supplement_received(actor=w.desk, dossier=i)
    # J: refused at the desk on 10/11 (Form 03) → refused, not handled.
    with freeze_time(at(2026, 11, 10, 9)):
        j = actions.dossier_register(
            actor=w.desk,
            procedure=proc,
            receiving_agency=dept,
            applicant=ApplicantInput(name="Lê Thị Hoa"),
            channel=Channel.DESK,
        )
        actions.dossier_refuse(actor=w.desk, dossier=j, reasons="Không thuộc thẩm quyền")
    # B is processed late after the period: November still sees it open.
    process(w, b, at(2026, 12, 3, 9))
    # M: another procedure of the department (sector DD, 30 days), received 10/11 → new, within.
    land = procedure("2.000001", "Giao đất", "DD", dept, 30)
    receive(w.desk, land, dept, at(2026, 11, 10, 9))
    # Another agency's dossier, received in November: never counted for the department.
    other_desk = official("mc-nn", w.consulted, Role.DESK_OFFICER)
    other_proc = procedure("3.000001", "Cấp phép khai thác nước", "TN", w.consulted, 5)
    other = receive(other_desk, other_proc, w.consulted, at(2026, 11, 12, 9))
    return November(
        world=w,
        land=land,
        other_agency_dossier=other,
        other_leader=official("ld-nn", w.consulted, Role.AGENCY_LEADER),
    )


@freeze_time(AFTER_NOVEMBER)
def test_figures_of_each_category(november):
    world = november.world

    stats = dossier_statistics_for_user(world.leader, agency=world.department, period=Period.month(2026, 11))

    assert stats.totals == EXPECTED
    assert stats.totals.on_time_rate == Decimal("50.0")  # (1 early + 1 on time + 3 within) / 10
    # Working days receipt → processed: A 20/10→02/11 = 9, D 02/11→16/11 = 10, E 03/11→18/11 = 11.
    assert stats.average_days == Decimal("10.0")
    assert stats.as_of == at(2026, 12, 1)


@freeze_time(AFTER_NOVEMBER)
def test_categories_add_up_to_the_dossiers_handled(november):
    totals = dossier_statistics_for_user(
        november.world.leader, agency=november.world.department, period=Period.month(2026, 11)
    ).totals

    assert totals.processed + totals.withdrawn + totals.stopped + totals.open == totals.handled
    assert totals.desk + totals.online + totals.postal == totals.new


@freeze_time(AFTER_NOVEMBER)
def test_breakdowns_by_procedure_and_sector_with_the_others_together(november):
    world = november.world
    ids = {world.department.pk}

    stats = dossier_statistics(agency=world.department, agency_ids=ids, period=Period.month(2026, 11), top=1)
    full = dossier_statistics(agency=world.department, agency_ids=ids, period=Period.month(2026, 11))

    assert [(b.code, b.figures.handled) for b in full.by_procedure] == [("1.009994", 9), ("2.000001", 1)]
    assert [(b.code, b.figures.handled) for b in full.by_sector] == [("XD", 9), ("DD", 1)]
    assert [(b.code, b.is_others, b.figures.handled) for b in stats.by_procedure] == [
        ("1.009994", False, 9),
        ("", True, 1),
    ]
    assert stats.by_procedure[1].figures.open_within == 1


@freeze_time(AFTER_NOVEMBER)
def test_another_agencys_dossiers_are_never_counted(november):
    world = november.world

    ours = dossier_statistics_for_user(world.leader, agency=world.department, period=Period.month(2026, 11))
    theirs = dossier_statistics_for_user(november.other_leader, agency=world.consulted, period=Period.month(2026, 11))

    assert "3.000001" not in {b.code for b in ours.by_procedure}
    assert theirs.totals.handled == theirs.totals.new == 1
    assert set(statistics_agencies_for_user(world.leader)) == {world.department, world.unit}
    assert world.department not in list(statistics_agencies_for_user(november.other_leader))


@freeze_time(AFTER_NOVEMBER)
def test_earlier_and_later_periods(november):
    world = november.world

    october = dossier_statistics_for_user(world.leader, agency=world.department, period=Period.month(2026, 10))
    december = dossier_statistics_for_user(world.leader, agency=world.department, period=Period.month(2026, 12))

    # October: A, B, C, L received; C processed on 05/10, the other three still open at the end.
    assert (october.totals.new, october.totals.carried_over, october.totals.processed) == (4, 0, 1)
    assert october.totals.open == 3
    # December so far (to 05/12 10:00): B processed late on 03/12; F, I, L, M still open.
    assert december.as_of == at(2026, 12, 5, 10)
    assert december.totals.carried_over == 5
    assert (december.totals.late, december.totals.open) == (1, 4)


@freeze_time(AFTER_NOVEMBER)
@pytest.mark.parametrize("month", [10, 11, 12])
def test_state_read_from_the_dossier_when_nothing_happened_since_equals_the_trail(november, monkeypatch, month):
    """A period not over yet reads each dossier's state from its own columns; the figures are the
    ones the trail gives (forced here for every period)."""
    from apps.dossiers.reports import selectors

    world = november.world
    period = Period.month(2026, month)
    original = selectors._with_state_at
    default = dossier_statistics(agency=world.department, agency_ids={world.department.pk}, period=period)
    monkeypatch.setattr(selectors, "_with_state_at", lambda q, cut: original(q, cut, settled=False))
    by_trail = dossier_statistics(agency=world.department, agency_ids={world.department.pk}, period=period)
    monkeypatch.setattr(selectors, "_with_state_at", lambda q, cut: original(q, cut, settled=True))
    by_columns = dossier_statistics(agency=world.department, agency_ids={world.department.pk}, period=period)

    assert default.totals == by_trail.totals
    assert [(b.code, b.figures) for b in default.by_procedure] == [(b.code, b.figures) for b in by_trail.by_procedure]
    if month == 12:  # December is not over: nothing in the trail after its cut, the columns agree
        assert by_columns.totals == by_trail.totals
        assert selectors.DossierEvent.objects.filter(at__gte=default.as_of).count() == 0
    else:  # later events changed these dossiers: only the trail knows their state at the cut
        assert selectors.DossierEvent.objects.filter(at__gte=default.as_of).exists()


# --- the page -------------------------------------------------------------------------------------
@freeze_time(AFTER_NOVEMBER)
def test_page_shows_the_figures_a_chart_and_the_same_figures_in_a_table(client, november):
    client.force_login(november.world.leader)

    response = client.get(PAGE, NOVEMBER)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["stats"].totals == EXPECTED
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert '<title id="statistics-chart-title">' in html
    assert html.count("<rect ") == 11
    assert "<table>" in html and "<caption>" in html
    for row in response.context["rows"]:
        assert f"<td>{row.display}</td>" in html
    assert "50,0 %" in html
    assert " style=" not in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        pytest.param({"ky": "nam", "nam": "2026"}, date(2026, 1, 1), date(2026, 12, 31), id="year"),
        pytest.param({"ky": "quy", "nam": "2026", "quy": "4"}, date(2026, 10, 1), date(2026, 12, 31), id="quarter"),
        pytest.param({"ky": "thang", "nam": "2024", "thang": "2"}, date(2024, 2, 1), date(2024, 2, 29), id="month"),
        pytest.param(
            {"ky": "tuy_chon", "tu_ngay": "15/11/2026", "den_ngay": "20/11/2026"},
            date(2026, 11, 15),
            date(2026, 11, 20),
            id="custom",
        ),
    ],
)
def test_period_picker(client, world, query, first, last):
    client.force_login(world.leader)

    response = client.get(PAGE, query)

    assert response.status_code == 200
    assert response.context["stats"].period == Period(first, last)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"ky": "tuy_chon", "tu_ngay": "20/11/2026", "den_ngay": "15/11/2026"}, id="end-before-start"),
        pytest.param({"ky": "tuy_chon", "tu_ngay": "2026-11-15", "den_ngay": "20/11/2026"}, id="iso-date"),
        pytest.param({"ky": "tuy_chon", "tu_ngay": "15/11/2026"}, id="one-date"),
        pytest.param({"ky": "quy", "quy": "5"}, id="quarter-5"),
    ],
)
def test_bad_periods_are_refused_with_a_message(client, world, query):
    client.force_login(world.leader)

    response = client.get(PAGE, query)

    assert response.status_code == 200
    assert response.context["stats"] is None
    assert 'class="form-errors" role="alert"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.DESK_OFFICER, Role.HANDLER, Role.CLERK])
def test_roles_without_the_permission_are_refused(client, world, role):
    client.force_login(official(f"khong-{role}", world.department, role))

    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403


@pytest.mark.parametrize("role", [Role.COMMITTEE_SECRETARY, Role.AUDITOR, Role.SYSADMIN, Role.HEAD_OF_UNIT])
def test_roles_with_the_permission_see_the_page(client, world, role):
    client.force_login(official(f"co-{role}", world.department, role))

    assert client.get(PAGE).status_code == 200


def test_an_agency_out_of_scope_is_not_found(client, world):
    client.force_login(world.leader)

    assert client.get(PAGE, {"co_quan": str(world.consulted.uuid)}).status_code == 404
    assert client.get(EXPORT, {"co_quan": str(world.consulted.uuid)}).status_code == 404


@freeze_time(AFTER_NOVEMBER)
def test_superuser_chooses_any_agency(client, november, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "qt@x.vn", PASSWORD)
    client.force_login(admin)

    response = client.get(PAGE, {**NOVEMBER, "co_quan": str(november.world.consulted.uuid)})

    assert response.context["stats"].agency == november.world.consulted
    assert response.context["stats"].totals.new == 1


# --- the export -----------------------------------------------------------------------------------
@freeze_time(AFTER_NOVEMBER)
def test_xlsx_export_reads_back_with_the_figures_and_breakdowns(client, november):
    client.force_login(november.world.leader)

    response = client.get(EXPORT, NOVEMBER)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "thong-ke-ho-so-000.00.14.H27-20261101-20261130.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    summary, by_procedure, by_sector = book.worksheets
    values = [row for row in summary.iter_rows(min_row=8, values_only=True) if row[0]]
    numbers = [row[1] for row in values]
    assert numbers[:15] == [10, 7, 6, 1, 0, 3, 1, 1, 1, 3, 2, 2, 1, 1, 1]
    assert numbers[15] == pytest.approx(0.5)  # on-time rate, formatted as a percentage
    assert numbers[16] == pytest.approx(10.0)
    assert summary["B2"].value == "Sở Xây dựng"
    assert summary["B4"].value == "01/11/2026 – 30/11/2026"
    rows = list(by_procedure.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in rows] == [("1.009994", 9), ("2.000001", 1)]
    assert [(r[0], r[2]) for r in by_sector.iter_rows(min_row=2, values_only=True)] == [("XD", 9), ("DD", 1)]


def test_xlsx_never_turns_a_name_into_a_formula(world):
    from apps.dossiers.reports.selectors import Breakdown, Statistics
    from apps.dossiers.reports.xlsx import statistics_workbook

    evil = Breakdown(code="=1+1", name='=HYPERLINK("http://x")', figures=Figures(handled=1, new=1))
    stats = Statistics(
        agency=world.department,
        period=Period.month(2026, 11),
        as_of=at(2026, 12, 1),
        totals=Figures(handled=1, new=1),
        average_days=None,
        by_procedure=[evil],
        by_sector=[],
    )

    sheet = load_workbook(BytesIO(statistics_workbook(stats))).worksheets[1]

    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"
    assert sheet["B2"].data_type == "s"


# --- the query count ------------------------------------------------------------------------------
def test_page_query_count_does_not_grow_with_the_dossiers(client, world, django_assert_num_queries):
    year = {"ky": "nam", "nam": str(date.today().year)}

    def add(count):
        for n in range(count):
            dossier = actions.dossier_register(
                actor=world.desk,
                procedure=world.procedure,
                receiving_agency=world.department,
                applicant=ApplicantInput(name=f"Người nộp {n}"),
                channel=Channel.ONLINE if n % 3 else Channel.DESK,
                documents=full_documents(world.procedure),
            )
            actions.dossier_receive(actor=world.desk, dossier=dossier)

    client.force_login(world.leader)
    get_calendar()
    add(5)
    client.get(PAGE, year)  # warm the session
    with CaptureQueriesContext(connection) as with_five:
        five = client.get(PAGE, year)
    add(55)
    with django_assert_num_queries(len(with_five)):
        sixty = client.get(PAGE, year)

    assert five.context["stats"].totals.new == 5
    assert sixty.context["stats"].totals.new == 60
    assert len(with_five) <= 20


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        ("2026-11-16T16:59:59+00:00", date(2026, 11, 16)),  # 23:59:59 in Hà Tĩnh
        ("2026-11-16T17:00:00+00:00", date(2026, 11, 17)),  # midnight in Hà Tĩnh
        ("2026-12-31T17:00:00+00:00", date(2027, 1, 1)),
        ("2026-03-08T02:30:00+07:00", date(2026, 3, 8)),
    ],
)
def test_the_database_gives_the_vietnamese_day_of_a_moment(moment, day):
    from datetime import datetime

    from apps.core.models import TaskProgress
    from apps.dossiers.reports.selectors import VietnamDate

    made = TaskProgress.objects.create(kind="t", label="t", created_at=datetime.fromisoformat(moment))

    value = (
        TaskProgress.objects.filter(pk=made.pk).annotate(day=VietnamDate("created_at")).values_list("day", flat=True)
    )
    assert str(value.get()) == day.isoformat()
