"""Deadlines per second: ``WorkingCalendar.add_working_days`` against a bare walk of a date list.

The subject is what a dossier's deadline costs: ``add_working_days(counting_start(moment), n)`` on
the calendar in force (holidays and overrides from the database), for moments spread over
2017–2027 and n in 1..30. The baseline, on the same calendar in the same run, is the least a
program can do for "the n-th working day after this moment": take the local date, bisect a sorted
list of the working days worked out beforehand, step n ahead. It knows nothing of office hours,
the 15:00 rule or half days, which is the price the figure shows.
"""

import bisect
import random
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario

MOMENTS = 20_000
FIRST_DAY, LAST_DAY = date(2017, 1, 1), date(2027, 12, 31)
MAX_DAYS = 30
ROUNDS = 5
SECONDS_PER_ROUND = 1.0


def rate(call: Callable[[], None], *, items: int, seconds: float) -> float:
    """Items per second of ``call`` (one pass over ``items``), passes repeated for ``seconds``."""
    passes = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or passes == 0:
        call()
        passes += 1
    return passes * items / elapsed


@scenario(
    "calendar.add_working_days",
    label="cộng ngày làm việc (counting_start + add_working_days) so với duyệt danh sách ngày",
    order=20,
)
def add_working_days_vs_bare(run: Run) -> Iterator[Figure]:
    from apps.core.working_days import VN_TZ, get_calendar

    calendar = get_calendar()
    rng = random.Random("bench-calendar")
    span = int((datetime.combine(LAST_DAY, datetime.max.time()) - datetime.combine(FIRST_DAY, datetime.min.time()))
                .total_seconds())  # fmt: skip
    start = datetime.combine(FIRST_DAY, datetime.min.time(), VN_TZ)
    cases = [(start + timedelta(seconds=rng.randrange(span)), rng.randint(1, MAX_DAYS)) for _ in range(MOMENTS)]

    # The baseline's list, and every year the subject will touch loaded before the clock starts.
    working_days = [
        day
        for offset in range((LAST_DAY - FIRST_DAY).days + 120)
        if calendar.is_working_day(day := FIRST_DAY - timedelta(days=30) + timedelta(days=offset))
    ]

    def ours() -> None:
        for moment, days in cases:
            calendar.add_working_days(calendar.counting_start(moment), days)

    def bare() -> None:
        for moment, days in cases:
            _ = working_days[bisect.bisect_right(working_days, moment.astimezone(VN_TZ).date()) + days - 1]

    check_agreement(calendar, cases, working_days)
    samples: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(ROUNDS):
        samples["ours"].append(rate(ours, items=len(cases), seconds=SECONDS_PER_ROUND))
        samples["bare"].append(rate(bare, items=len(cases), seconds=SECONDS_PER_ROUND))
    note(f"calendar: {len(cases):_} thời điểm {FIRST_DAY.year}–{LAST_DAY.year}, n 1..{MAX_DAYS}, {ROUNDS} vòng xen kẽ")
    ours_rate, bare_rate = median(samples["ours"]), median(samples["bare"])
    yield Figure("calendar.add_working_days.additions_per_second", ours_rate, "1/s")
    yield Figure("calendar.bare_list.additions_per_second", bare_rate, "1/s")
    yield Figure("calendar.add_working_days.ratio_vs_bare", ratio(ours_rate, bare_rate), "x")
    yield Figure("calendar.add_working_days.time_vs_bare", ratio(bare_rate, ours_rate), "x slower")


def check_agreement(calendar, cases, working_days: list[date]) -> None:
    """Both sides answer the same question: their dates are at most one working day apart.

    They differ by design where the subject applies the 15:00 rule or shows a deadline that falls
    at the start of a day as the previous day's close.
    """
    from apps.core.working_days import VN_TZ

    index = {day: position for position, day in enumerate(working_days)}
    for moment, days in cases:
        ours = calendar.add_working_days(calendar.counting_start(moment), days).astimezone(VN_TZ).date()
        bare = working_days[bisect.bisect_right(working_days, moment.astimezone(VN_TZ).date()) + days - 1]
        if ours not in index or abs(index[ours] - index[bare]) > 1:
            raise BenchError(f"calendar: {moment:%d/%m/%Y %H:%M} + {days} ngày: {ours} so với {bare} (danh sách).")
