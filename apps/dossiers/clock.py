"""The legal clock of a dossier and of its steps, in working time.

Pure functions over the calendar, so each rule is table-tested on its own:

* the clock starts at receipt, or at the next working day's opening after 15:00 (Decree 61 Art. 18);
* the due moment is the start plus the legal deadline, in working days (halves allowed) or hours;
* a supplement requested within N working days of receipt (3 by default, Decree 61 Art. 19)
  **restarts** the deadline in full when the complete dossier arrives;
* other waits on the applicant (a later supplement, a financial obligation) **pause** the clock,
  which resumes with exactly the working time that remained — negative if the dossier was already
  late, so a pause never hides lateness;
* an apology with a new date (Form 04) is allowed at least one working day before the due moment,
  once;
* a finished dossier or step is early (finished on an earlier day than the due day), on time, or
  late.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.working_days import VN_TZ, WorkingCalendar
from apps.procedures.models import DeadlineUnit, deadline_label


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


@dataclass(frozen=True)
class Deadline:
    value: Decimal
    unit: str = DeadlineUnit.WORKING_DAYS

    def __str__(self) -> str:
        return deadline_label(self.value, self.unit)


def due_from(calendar: WorkingCalendar, start: datetime, deadline: Deadline) -> datetime:
    """The moment ``deadline`` after a clock start ("same day": the close of the start's day)."""
    if deadline.unit == DeadlineUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, deadline.value)
    if deadline.unit == DeadlineUnit.SAME_DAY:
        day = start.astimezone(VN_TZ).date()
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
        return datetime.combine(day, calendar.hours_of(day).closing, VN_TZ)
    return calendar.add_working_days(start, deadline.value)


def clock_start(calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """When the legal clock starts for a dossier received (or completed) at ``received_at``."""
    return calendar.counting_start(received_at)


def supplement_restarts(
    calendar: WorkingCalendar, *, started_at: datetime, requested_at: datetime, within_days: int
) -> bool:
    """Whether a supplement requested at ``requested_at`` restarts the deadline (requested in time)."""
    if within_days <= 0:
        return False
    return calendar.working_days_between(started_at, requested_at) <= within_days


def remaining_seconds(calendar: WorkingCalendar, *, due_at: datetime, at: datetime) -> int:
    """Working seconds left until ``due_at`` (negative when already late)."""
    return calendar.working_seconds_between(at, due_at)


def resume_due(calendar: WorkingCalendar, *, resumed_at: datetime, remaining: int) -> datetime:
    """The due moment after a pause that left ``remaining`` working seconds."""
    return calendar.add_working_seconds(calendar.counting_start(resumed_at), remaining)


def apology_allowed(calendar: WorkingCalendar, *, due_at: datetime, at: datetime) -> bool:
    """Form 04 must be issued at least one working day before the due moment."""
    return calendar.add_working_days(at, 1) <= due_at


def timeliness(finished_at: datetime, due_at: datetime) -> str:
    """Early (an earlier day), on time (by the due moment) or late."""
    if finished_at.astimezone(VN_TZ).date() < due_at.astimezone(VN_TZ).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished_at <= due_at else Timeliness.LATE


def countdown(calendar: WorkingCalendar, *, due_at: datetime, now: datetime) -> str:
    """'còn 2 ngày 3 giờ' / 'quá 1 ngày 2 giờ' in working time (a day = that calendar's office day)."""
    seconds = calendar.working_seconds_between(now, due_at)
    word = "còn" if seconds >= 0 else "quá"
    seconds = abs(seconds)
    day = calendar.hours.seconds
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if not days and not hours:
        parts.append(f"{minutes} phút")
    return f"{word} {' '.join(parts)}"
