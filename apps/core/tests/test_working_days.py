"""Table tests of the legal calendar against real years (Asia/Ho_Chi_Minh)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.core.actions import calendar_override_remove, calendar_override_set
from apps.core.errors import DomainError
from apps.core.models import CalendarOverride
from apps.core.working_days import VN_TZ, WorkingCalendar, get_calendar


def at(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Giao thừa
        (date(2026, 2, 20), False),  # Mùng bốn
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Giỗ Tổ moved from Sunday 26/4
        (date(2026, 8, 22), True),  # Saturday worked for 31/8
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam
        (date(2026, 11, 28), False),  # an ordinary Saturday
        (date(2027, 2, 4), False),  # Tết 2027 starts on Thursday 4/2
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
        (date(2027, 5, 3), False),  # 1/5/2027 is a Saturday: Monday off in lieu
        (date(2017, 1, 2), False),  # 1/1/2017 was a Sunday
    ],
    ids=lambda v: v.isoformat() if isinstance(v, date) else str(v),
)
def test_working_days_of_real_years(day, working):
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2026 (16–20/2) is skipped.
        (at(2026, 2, 13, 10), 1, at(2026, 2, 23, 10)),
        (at(2026, 2, 12, 9), 5, at(2026, 2, 26, 9)),
        # 2/9/2026: 31/8–2/9 off, Saturday 22/8 worked instead.
        (at(2026, 8, 28, 14), 1, at(2026, 9, 3, 14)),
        (at(2026, 8, 21, 10), 1, at(2026, 8, 22, 10)),
        # 24/11/2026 off; received after 15:00 on Monday → counting starts Wednesday morning,
        # so two working days end at the close of Thursday.
        (at(2026, 11, 23, 16), 2, at(2026, 11, 26, 17)),
        # Tết 2027 (4–10/2).
        (at(2027, 2, 3, 9), 1, at(2027, 2, 11, 9)),
        # 15:00 rule: 15:00 sharp is still today, a second later is tomorrow.
        (at(2026, 11, 16, 15, 0, 0), 1, at(2026, 11, 17, 15)),
        (at(2026, 11, 16, 15, 0, 1), 1, at(2026, 11, 17, 17)),
        # Received on a Saturday: counting starts Monday morning.
        (at(2026, 11, 28, 10), 1, at(2026, 11, 30, 17)),
        # Before opening and during lunch.
        (at(2026, 11, 16, 6, 0), 1, at(2026, 11, 16, 17)),
        (at(2026, 11, 16, 12, 0), 1, at(2026, 11, 17, 11, 30)),
        # Half days: Monday 10:00 + ½ day = 4 office hours later.
        (at(2026, 11, 16, 10), Decimal("0.5"), at(2026, 11, 16, 15, 30)),
        (at(2026, 11, 16, 15), Decimal("1.5"), at(2026, 11, 18, 9, 30)),
        # Zero days: the deadline is the counting start.
        (at(2026, 11, 16, 10), 0, at(2026, 11, 16, 10)),
    ],
)
def test_due_moment_is_counting_start_plus_working_days(received, days, due):
    start = CAL.counting_start(received)

    assert CAL.add_working_days(start, days) == due


@pytest.mark.parametrize(
    ("start", "hours", "end"),
    [
        (at(2026, 11, 16, 16), 2, at(2026, 11, 17, 8, 30)),
        (at(2026, 11, 16, 16), 1, at(2026, 11, 16, 17)),
        (at(2026, 11, 16, 11), 1, at(2026, 11, 16, 13, 30)),
        (at(2026, 11, 23, 16), 4, at(2026, 11, 25, 10, 30)),  # over the 24/11 holiday
        (at(2026, 2, 13, 16), 8, at(2026, 2, 23, 16)),  # over Tết 2026
    ],
)
def test_adding_working_hours_walks_office_hours(start, hours, end):
    assert CAL.add_working_hours(start, hours) == end


def test_working_time_between_two_moments():
    assert CAL.working_days_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == 1
    assert CAL.working_seconds_between(at(2026, 11, 16, 16), at(2026, 11, 17, 8, 30)) == 2 * 3600
    assert CAL.working_days_between(at(2026, 11, 17, 8, 30), at(2026, 11, 16, 16)) == Decimal(-1) / 4
    assert CAL.working_days_in(date(2026, 8, 17), date(2026, 9, 4)) == 13  # 22/8 worked, 31/8–2/9 off


@pytest.mark.parametrize("bad", [-1, Decimal("0.3"), "1.25"])
def test_only_whole_or_half_days_can_be_added(bad):
    with pytest.raises(ValueError, match="ngày"):
        CAL.add_working_days(at(2026, 11, 16, 10), bad)


def test_override_making_a_saturday_a_working_day_changes_deadlines():
    friday = at(2027, 2, 19, 10)
    plain = WorkingCalendar()
    with_makeup = WorkingCalendar(overrides={date(2027, 2, 20): True})

    assert plain.add_working_days(friday, 1) == at(2027, 2, 22, 10)
    assert with_makeup.add_working_days(friday, 1) == at(2027, 2, 20, 10)


def test_override_adding_a_bridge_day_off():
    bridged = WorkingCalendar(overrides={date(2026, 4, 29): False})

    assert bridged.add_working_days(at(2026, 4, 28, 9), 1) == at(2026, 5, 4, 9)


@pytest.mark.django_db
def test_overrides_saved_by_the_administrator_reach_the_calendar(django_capture_on_commit_callbacks):
    saturday = date(2027, 2, 20)
    assert not get_calendar().is_working_day(saturday)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(actor=None, day=saturday, is_working_day=True, reason="Làm bù theo thông báo")
    assert get_calendar().is_working_day(saturday)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_remove(actor=None, day=saturday)
    assert not get_calendar().is_working_day(saturday)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "is_working", "reason", "message"),
    [
        (date(2026, 11, 25), True, "x", "vốn đã là ngày làm việc"),  # a Wednesday
        (date(2026, 11, 24), False, "x", "vốn đã là ngày nghỉ"),  # a holiday
        (date(2026, 11, 28), False, "x", "vốn đã là ngày nghỉ"),  # a Saturday
        (date(1899, 1, 2), False, "x", "2000–2100"),
        (date(2026, 11, 28), True, "  ", "lý do"),
    ],
    ids=["already-working", "already-holiday", "already-weekend", "out-of-range", "no-reason"],
)
def test_impossible_overrides_are_refused_and_nothing_is_saved(day, is_working, reason, message):
    with pytest.raises(DomainError, match=message):
        calendar_override_set(actor=None, day=day, is_working_day=is_working, reason=reason)

    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_a_second_override_of_the_same_day_is_refused():
    calendar_override_set(actor=None, day=date(2027, 2, 20), is_working_day=True, reason="Làm bù")

    with pytest.raises(DomainError, match="đã có điều chỉnh"):
        calendar_override_set(actor=None, day=date(2027, 2, 20), is_working_day=True, reason="Lần hai")

    assert CalendarOverride.objects.count() == 1


@pytest.mark.django_db
def test_calendar_page_lists_holidays_and_adds_an_override(client):
    from apps.accounts.roles import Role
    from apps.accounts.tests.factories import UserFactory
    from apps.audit.models import AuditEvent

    client.force_login(UserFactory(roles=[Role.SYSADMIN]))

    page = client.get("/lam-viec/he-thong/lich-lam-viec/?nam=2026")
    response = client.post(
        "/lam-viec/he-thong/lich-lam-viec/?nam=2026",
        {"day": "22/08/2026", "is_working_day": "0", "reason": "Thử: hủy làm bù"},
    )

    assert "16/02/2026" in page.text
    assert "24/11/2026" in page.text
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.day == date(2026, 8, 22)
    assert not override.is_working_day
    assert AuditEvent.objects.filter(action="core.calendar_override.set", target_uuid=override.uuid).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad_day", ["31/02/2027", "2027-02-20", "hôm qua"], ids=["impossible", "iso", "words"])
def test_calendar_page_refuses_impossible_dates_in_vietnamese(client, bad_day):
    from apps.accounts.roles import Role
    from apps.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.SYSADMIN]))

    response = client.post("/lam-viec/he-thong/lich-lam-viec/", {"day": bad_day, "is_working_day": "1", "reason": "x"})

    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.text
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_calendar_page_is_for_administrators(client):
    from apps.accounts.roles import Role
    from apps.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.HANDLER]))

    assert client.get("/lam-viec/he-thong/lich-lam-viec/").status_code == 403


@pytest.mark.django_db
def test_office_hours_are_data_and_change_hour_deadlines(django_capture_on_commit_callbacks):
    from datetime import time

    from apps.core.actions import office_hours_set

    monday = at(2026, 11, 16, 16)
    assert get_calendar().add_working_hours(monday, 2) == at(2026, 11, 17, 8, 30)

    with django_capture_on_commit_callbacks(execute=True):
        for weekday in range(5):
            office_hours_set(
                actor=None,
                weekday=weekday,
                morning=(time(7, 0), time(11, 30)),
                afternoon=(time(13, 30), time(17, 0)),
                valid_from=date(2026, 1, 1),
            )

    calendar = get_calendar()
    assert calendar.hours_of(date(2026, 11, 17)).seconds == 8 * 3600
    assert calendar.add_working_hours(monday, 2) == at(2026, 11, 17, 8, 0)


@pytest.mark.django_db
def test_office_hours_with_the_afternoon_before_the_morning_are_refused():
    from datetime import time

    from apps.core.actions import office_hours_set
    from apps.core.models import OfficeHoursRule

    with pytest.raises(DomainError, match="buổi sáng phải trước buổi chiều"):
        office_hours_set(
            actor=None,
            weekday=0,
            morning=(time(13, 0), time(17, 0)),
            afternoon=(time(7, 30), time(11, 30)),
            valid_from=date(2026, 1, 1),
        )
    assert not OfficeHoursRule.objects.exists()
