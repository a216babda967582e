"""Table tests of the dossier clock, including the wrong-deadline bugs of other trackers."""

from datetime import datetime
from decimal import Decimal

import pytest

from apps.core.working_days import VN_TZ, WorkingCalendar
from apps.dossiers.clock import (
    Deadline,
    Timeliness,
    apology_allowed,
    clock_start,
    countdown,
    due_from,
    remaining_seconds,
    resume_due,
    supplement_restarts,
    timeliness,
)
from apps.procedures.models import DeadlineUnit

CAL = WorkingCalendar()
DAYS = DeadlineUnit.WORKING_DAYS
HOURS = DeadlineUnit.WORKING_HOURS


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("received", "deadline", "due"),
    [
        pytest.param(at(2026, 2, 12, 9), Deadline(Decimal(5)), at(2026, 2, 26, 9), id="tet-2026-skipped"),
        pytest.param(at(2026, 8, 28, 14), Deadline(Decimal(3)), at(2026, 9, 7, 14), id="quoc-khanh-2026"),
        pytest.param(at(2026, 11, 23, 15, 30), Deadline(Decimal(1)), at(2026, 11, 25, 17), id="after-15h-and-24-11"),
        pytest.param(at(2027, 2, 3, 10), Deadline(Decimal(2)), at(2027, 2, 12, 10), id="tet-2027"),
        pytest.param(at(2026, 11, 16, 9), Deadline(Decimal(4), HOURS), at(2026, 11, 16, 14, 30), id="4-working-hours"),
        pytest.param(at(2026, 11, 16, 14), Deadline(Decimal(4), HOURS), at(2026, 11, 17, 8, 30), id="hours-overnight"),
        pytest.param(at(2026, 11, 16, 9), Deadline(Decimal("0.5")), at(2026, 11, 16, 14, 30), id="half-day"),
        pytest.param(at(2026, 11, 16, 16), Deadline(Decimal(4), HOURS), at(2026, 11, 17, 11, 30), id="hours-after-15h"),
    ],
)
def test_due_moment(received, deadline, due):
    assert due_from(CAL, clock_start(CAL, received), deadline) == due


@pytest.mark.parametrize(
    ("share", "expected_hours"),
    [
        pytest.param(Deadline(Decimal(4), HOURS), 4, id="hours"),
        pytest.param(Deadline(Decimal("0.5")), 4, id="half-day"),
        pytest.param(Deadline(Decimal(2)), 16, id="two-days"),
    ],
)
def test_a_step_share_is_never_zero(share, expected_hours):
    # The peer's tracker showed per-step deadlines in hours or half days as 0.
    start = at(2026, 11, 16, 8)
    step_due = due_from(CAL, start, share)

    assert CAL.working_seconds_between(start, step_due) == expected_hours * 3600


def test_supplement_within_three_working_days_restarts_in_full():
    started = clock_start(CAL, at(2026, 11, 19, 10))  # Thursday
    asked = at(2026, 11, 25, 10)  # 24/11 is a holiday: Thu, Fri, Mon, Wed = 3 working days later

    assert supplement_restarts(CAL, started_at=started, requested_at=asked, within_days=3)
    completed = at(2026, 12, 2, 16)
    assert due_from(CAL, clock_start(CAL, completed), Deadline(Decimal(5))) == at(2026, 12, 9, 17)


def test_supplement_after_three_working_days_pauses_instead():
    started = clock_start(CAL, at(2026, 11, 19, 10))

    assert not supplement_restarts(CAL, started_at=started, requested_at=at(2026, 11, 26, 10), within_days=3)


def test_several_pauses_keep_exactly_the_remaining_time():
    # The peer's tracker marked dossiers late after several supplement rounds.
    received = at(2026, 11, 2, 9)
    due = due_from(CAL, clock_start(CAL, received), Deadline(Decimal(10)))
    assert due == at(2026, 11, 16, 9)
    total = CAL.working_seconds_between(received, due)
    used = 0
    now = received
    for pause_at, resume_at in [
        (at(2026, 11, 5, 9), at(2026, 11, 12, 14)),
        (at(2026, 11, 17, 11), at(2026, 11, 27, 8)),
        (at(2026, 12, 1, 15), at(2026, 12, 3, 9)),
    ]:
        used += CAL.working_seconds_between(now, pause_at)
        remaining = remaining_seconds(CAL, due_at=due, at=pause_at)
        due = resume_due(CAL, resumed_at=resume_at, remaining=remaining)
        now = resume_at
        assert used + CAL.working_seconds_between(now, due) == total

    assert timeliness(CAL.add_working_hours(now, 1), due) != Timeliness.LATE


def test_a_pause_never_hides_lateness():
    due = at(2026, 11, 16, 17)
    paused = at(2026, 11, 18, 10)  # already 1 day 2.5 hours late
    remaining = remaining_seconds(CAL, due_at=due, at=paused)
    assert remaining < 0

    new_due = resume_due(CAL, resumed_at=at(2026, 11, 30, 8), remaining=remaining)

    assert new_due < at(2026, 11, 30, 8)
    assert new_due == at(2026, 11, 26, 15)
    assert CAL.working_seconds_between(new_due, at(2026, 11, 30, 8)) == -remaining


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (at(2026, 11, 24, 9), True),  # holiday; next working moment + 1 day = 26/11 07:30+...
        (at(2026, 11, 25, 10), True),
        (at(2026, 11, 25, 10, 30), False),
        (at(2026, 11, 24, 23), True),
        (at(2026, 11, 26, 9), False),
    ],
    ids=["two-days-before", "exactly-one-day", "less-than-a-day", "night-before", "due-day"],
)
def test_apology_at_least_one_working_day_before(now, allowed):
    due = at(2026, 11, 26, 10)

    assert apology_allowed(CAL, due_at=due, at=now) is allowed


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 11, 25, 16), Timeliness.EARLY),
        (at(2026, 11, 26, 9), Timeliness.ON_TIME),
        (at(2026, 11, 26, 10), Timeliness.ON_TIME),
        (at(2026, 11, 26, 10, 1), Timeliness.LATE),
    ],
)
def test_timeliness(finished, expected):
    assert timeliness(finished, at(2026, 11, 26, 10)) == expected


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (at(2026, 11, 23, 8, 30), "còn 2 ngày 1 giờ"),  # 24/11 off
        (at(2026, 11, 26, 9, 15), "còn 45 phút"),
        (at(2026, 11, 27, 11), "quá 1 ngày 1 giờ"),  # 5½ h on 26/11 + 3½ h on 27/11
        (at(2026, 11, 30, 14), "quá 2 ngày 2 giờ"),
    ],
)
def test_countdown_in_working_time(now, text):
    assert countdown(CAL, due_at=at(2026, 11, 26, 10), now=now) == text


def test_same_day_deadline_ends_at_the_close_of_the_counting_day():
    assert due_from(CAL, clock_start(CAL, at(2026, 11, 16, 9)), Deadline(Decimal(0), DeadlineUnit.SAME_DAY)) == at(
        2026, 11, 16, 17
    )
    assert due_from(CAL, clock_start(CAL, at(2026, 11, 23, 16)), Deadline(Decimal(0), DeadlineUnit.SAME_DAY)) == at(
        2026, 11, 25, 17
    )
