"""The legal calendar: working days and working time in Asia/Ho_Chi_Minh.

Working days are Monday to Friday, less the public holidays of the ``holidays`` package (Labour
Code Art. 112, with the Government's yearly swaps), plus the Saturdays the package knows are worked
to make up a swapped day. The administrator's ``CalendarOverride`` rows win over both: extra days
off (bridge days, a Tết extension) and make-up working Saturdays announced each year.

Time inside a working day follows office hours (morning and afternoon ranges, 8 hours by default).
A position in working time is a working date plus the fraction of that day's office time already
elapsed; adding N working days keeps the fraction and moves N working days ahead, so "5 working days
from Monday 10:00" is the next Monday 10:00 whatever the lengths of the days in between. A result
that falls exactly at the start of a working day is shown as the close of the previous one
("before 17:00 on Monday" rather than "at 07:30 on Tuesday").

All functions take and return aware datetimes; they are computed in Asia/Ho_Chi_Minh and may be
stored in UTC.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Decree 61/2018 Art. 18 (and its successors): a dossier received after 15:00 counts from the next
# working day.
LATE_RECEIPT_CUTOFF = time(15, 0)

# A calendar is rebuilt at most this often in each process, so an override saved by another process
# is seen within this delay (overrides saved in this process clear the cache at once).
CACHE_SECONDS = 60


@dataclass(frozen=True)
class OfficeHours:
    """Office hours of one working day: ordered, non-overlapping (start, end) ranges."""

    ranges: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))

    def __post_init__(self):
        previous_end = time.min
        for start, end in self.ranges:
            if not (previous_end <= start < end):
                raise ValueError("Khung giờ làm việc phải theo thứ tự, không chồng lấn.")
            previous_end = end

    @cached_property
    def seconds(self) -> int:
        return sum(_secs(end) - _secs(start) for start, end in self.ranges)

    @property
    def opening(self) -> time:
        return self.ranges[0][0]

    @property
    def closing(self) -> time:
        return self.ranges[-1][1]

    def elapsed(self, at: time) -> int:
        """Office seconds of this day elapsed at clock time ``at``."""
        s = _secs(at)
        total = 0
        for start, end in self.ranges:
            total += max(0, min(s, _secs(end)) - _secs(start))
        return total

    def clock(self, elapsed: int) -> time:
        """Clock time at which ``elapsed`` office seconds of the day have passed (0 → opening)."""
        remaining = elapsed
        for start, end in self.ranges:
            length = _secs(end) - _secs(start)
            if remaining <= length:
                return _time_of(_secs(start) + remaining)
            remaining -= length
        return self.closing


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time_of(seconds: int) -> time:
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


DEFAULT_HOURS = OfficeHours()


@dataclass
class WorkingCalendar:
    """Working days with office hours, answering deadline questions.

    Public holidays are loaded from the ``holidays`` package a year at a time, when a date of that
    year is first asked about; ``overrides`` (day → is a working day) win over the package.
    """

    overrides: dict[date, bool] = field(default_factory=dict)
    hours: OfficeHours = DEFAULT_HOURS
    weekend_hours: OfficeHours | None = None  # hours of a worked weekend day (default: same)
    weekday_hours: dict[int, OfficeHours] = field(default_factory=dict)  # per weekday, from the rules
    days_off: set[date] = field(default_factory=set, init=False)  # off although Monday–Friday
    days_on: set[date] = field(default_factory=set, init=False)  # worked although a weekend day
    years: set[int] = field(default_factory=set, init=False)

    def load_year(self, year: int) -> None:
        vn = holidays.country_holidays("VN", years=year)
        self.days_off |= {d for d in vn if d.weekday() < 5}
        self.days_on |= {d for d in getattr(vn, "weekend_workdays", ()) if d.year == year}
        for day, is_working in self.overrides.items():
            if day.year == year:
                (self.days_on.add if is_working else self.days_on.discard)(day)
                (self.days_off.discard if is_working else self.days_off.add)(day)
        self.years.add(year)

    # --- days --------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            self.load_year(day.year)
        if day in self.days_on:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The package's name of a public holiday (Vietnamese), if ``day`` is one."""
        return holidays.country_holidays("VN", years=day.year).get(day)

    def hours_of(self, day: date) -> OfficeHours:
        if day.weekday() in self.weekday_hours:
            return self.weekday_hours[day.weekday()]
        if day.weekday() >= 5 and self.weekend_hours is not None:
            return self.weekend_hours
        return self.hours

    def next_working_day(self, day: date, *, include: bool = False) -> date:
        current = day if include else day + timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError("Không tìm thấy ngày làm việc trong 400 ngày tới: lịch bị cấu hình sai.")

    def previous_working_day(self, day: date) -> date:
        current = day - timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(current):
                return current
            current -= timedelta(days=1)
        raise ValueError("Không tìm thấy ngày làm việc trong 400 ngày trước: lịch bị cấu hình sai.")

    def working_days_in(self, start: date, end: date) -> int:
        """Number of working days d with start <= d <= end."""
        count = 0
        current = start
        while current <= end:
            count += self.is_working_day(current)
            current += timedelta(days=1)
        return count

    # --- positions in working time -----------------------------------------------------------
    def _position(self, moment: datetime) -> tuple[date, Decimal]:
        """(working date, fraction of its office time elapsed) of an aware moment."""
        local = moment.astimezone(VN_TZ)
        day = local.date()
        if not self.is_working_day(day):
            return self.next_working_day(day), Decimal(0)
        hours = self.hours_of(day)
        elapsed = hours.elapsed(local.time())
        if elapsed >= hours.seconds:
            return self.next_working_day(day), Decimal(0)
        return day, Decimal(elapsed) / Decimal(hours.seconds)

    def _moment(self, day: date, fraction: Decimal) -> datetime:
        """Aware moment of a position; the very start of a day is shown as the previous close."""
        if fraction == 0:
            previous = self.previous_working_day(day)
            return datetime.combine(previous, self.hours_of(previous).closing, VN_TZ)
        hours = self.hours_of(day)
        seconds = int((fraction * hours.seconds).to_integral_value())
        return datetime.combine(day, hours.clock(seconds), VN_TZ)

    def counting_start(self, received_at: datetime) -> datetime:
        """When the legal clock starts for a dossier received at ``received_at`` (15:00 rule)."""
        local = received_at.astimezone(VN_TZ)
        day = local.date()
        if self.is_working_day(day) and local.time() <= LATE_RECEIPT_CUTOFF:
            hours = self.hours_of(day)
            if local.time() < hours.opening:
                return datetime.combine(day, hours.opening, VN_TZ)
            elapsed = hours.elapsed(local.time())
            return datetime.combine(day, hours.clock(elapsed), VN_TZ) if elapsed else local
        start_day = self.next_working_day(day)
        return datetime.combine(start_day, self.hours_of(start_day).opening, VN_TZ)

    def add_working_days(self, moment: datetime, days: Decimal | int | float | str) -> datetime:
        """The moment ``days`` working days (whole or half) after ``moment``."""
        amount = Decimal(str(days))
        if amount < 0:
            raise ValueError("Số ngày làm việc phải không âm.")
        if (amount * 2) % 1:
            raise ValueError("Số ngày làm việc phải là số nguyên hoặc nửa ngày (0,5).")
        day, fraction = self._position(moment)
        total = fraction + amount
        whole = int(total)
        fraction = total - whole
        for _ in range(whole):
            day = self.next_working_day(day)
        return self._moment(day, fraction)

    def add_working_hours(self, moment: datetime, hours: Decimal | int | float | str) -> datetime:
        """The moment ``hours`` hours of office time after ``moment``."""
        remaining = int((Decimal(str(hours)) * 3600).to_integral_value())
        if remaining < 0:
            raise ValueError("Số giờ làm việc phải không âm.")
        day, fraction = self._position(moment)
        office = self.hours_of(day)
        elapsed = int((fraction * office.seconds).to_integral_value())
        while True:
            left_today = office.seconds - elapsed
            if remaining < left_today or (remaining == left_today and remaining > 0):
                return datetime.combine(day, office.clock(elapsed + remaining), VN_TZ)
            remaining -= left_today
            day = self.next_working_day(day)
            office = self.hours_of(day)
            elapsed = 0
            if remaining == 0:
                return self._moment(day, Decimal(0))

    def add_working_seconds(self, moment: datetime, seconds: int) -> datetime:
        """``moment`` moved by ``seconds`` of office time, forwards or (negative) backwards."""
        if seconds >= 0:
            return self.add_working_hours(moment, Decimal(seconds) / 3600)
        remaining = -seconds
        day, fraction = self._position(moment)
        office = self.hours_of(day)
        elapsed = int((fraction * office.seconds).to_integral_value())
        while remaining > elapsed:
            remaining -= elapsed
            day = self.previous_working_day(day)
            office = self.hours_of(day)
            elapsed = office.seconds
        return self._moment(day, Decimal(elapsed - remaining) / Decimal(office.seconds))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Office seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_seconds_between(end, start)
        a_day, a_frac = self._position(start)
        b_day, b_frac = self._position(end)
        a_hours, b_hours = self.hours_of(a_day), self.hours_of(b_day)
        a_elapsed = int((a_frac * a_hours.seconds).to_integral_value())
        b_elapsed = int((b_frac * b_hours.seconds).to_integral_value())
        if a_day == b_day:
            return max(0, b_elapsed - a_elapsed)
        total = a_hours.seconds - a_elapsed
        current = self.next_working_day(a_day)
        while current < b_day:
            total += self.hours_of(current).seconds
            current = self.next_working_day(current)
        return total + b_elapsed

    def working_days_between(self, start: datetime, end: datetime) -> Decimal:
        """Working days (with fractions of days) from ``start`` to ``end``."""
        if end < start:
            return -self.working_days_between(end, start)
        a_day, a_frac = self._position(start)
        b_day, b_frac = self._position(end)
        whole = self.working_days_in(a_day, b_day) - 1 if b_day > a_day else 0
        return Decimal(whole) + b_frac - a_frac


# --- the calendar in force --------------------------------------------------------------------
_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None


def get_calendar() -> WorkingCalendar:
    """The calendar in force (holidays + overrides from the database), cached per process."""
    global _cached
    now = _time.monotonic()
    with _lock:
        if _cached is not None and now - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    from .models import CalendarOverride

    calendar = WorkingCalendar(
        overrides=dict(CalendarOverride.objects.values_list("day", "is_working_day")),
        weekday_hours=office_hours_in_force(),
    )
    with _lock:
        _cached = (now, calendar)
    return calendar


def office_hours_in_force(on: date | None = None) -> dict[int, OfficeHours]:
    """Office hours per weekday from the rules in force on ``on`` (today by default)."""
    from .models import OfficeHoursRule

    on = on or datetime.now(VN_TZ).date()
    hours: dict[int, OfficeHours] = {}
    for rule in OfficeHoursRule.objects.filter(valid_from__lte=on).order_by("weekday", "-valid_from"):
        if rule.weekday not in hours:
            hours[rule.weekday] = OfficeHours(
                ((rule.morning_start, rule.morning_end), (rule.afternoon_start, rule.afternoon_end))
            )
    return hours


def clear_calendar_cache() -> None:
    global _cached
    with _lock:
        _cached = None
