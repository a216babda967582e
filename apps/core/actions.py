"""State changes owned by core: long-running task requests, calendar overrides."""

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from . import auditing
from .errors import CoreErrorCode, DomainError
from .models import CalendarOverride, OfficeHoursRule, TaskProgress
from .working_days import OfficeHours, WorkingCalendar, clear_calendar_cache


@transaction.atomic
def demo_rebuild_request(*, actor) -> TaskProgress:
    """Queue a rebuild of the demo data, or return the one already under way."""
    from .tasks import demo_rebuild

    recent = timezone.now() - timedelta(hours=1)
    running = (
        TaskProgress.objects.select_for_update()
        .filter(kind="demo_rebuild", state__in=[TaskProgress.State.QUEUED, TaskProgress.State.RUNNING])
        .filter(updated_at__gte=recent)
        .first()
    )
    if running is not None:
        return running
    progress = TaskProgress.objects.create(kind="demo_rebuild", label="Dựng lại dữ liệu mẫu", requested_by=actor)
    auditing.record(actor=actor, action="core.demo_rebuild.request", target=progress)
    transaction.on_commit(lambda: demo_rebuild.enqueue(progress_uuid=str(progress.uuid)))
    return progress


@transaction.atomic
def calendar_override_set(*, actor, day: date, is_working_day: bool, reason: str) -> CalendarOverride:
    """Declare ``day`` a working day or a day off, overriding the holidays package."""
    reason = (reason or "").strip()
    if not 2000 <= day.year <= 2100:
        raise DomainError(CoreErrorCode.CALENDAR_DATE_OUT_OF_RANGE, "Ngày điều chỉnh phải trong khoảng năm 2000–2100.")
    if not reason:
        raise DomainError(CoreErrorCode.CALENDAR_REASON_MISSING, "Cần ghi lý do (văn bản công bố lịch nghỉ, làm bù).")
    if CalendarOverride.objects.select_for_update().filter(day=day).exists():
        raise DomainError(
            CoreErrorCode.CALENDAR_DUPLICATE, f"Ngày {day:%d/%m/%Y} đã có điều chỉnh; hãy xóa điều chỉnh cũ trước."
        )
    package_only = WorkingCalendar()  # what the day is without any override
    if is_working_day and package_only.is_working_day(day):
        raise DomainError(CoreErrorCode.CALENDAR_ALREADY_WORKING, f"Ngày {day:%d/%m/%Y} vốn đã là ngày làm việc.")
    if not is_working_day and not package_only.is_working_day(day):
        raise DomainError(CoreErrorCode.CALENDAR_ALREADY_OFF, f"Ngày {day:%d/%m/%Y} vốn đã là ngày nghỉ.")
    override = CalendarOverride.objects.create(
        day=day, is_working_day=is_working_day, reason=reason[:300], created_by=actor
    )
    auditing.record(
        actor=actor,
        action="core.calendar_override.set",
        target=override,
        after={"day": day, "is_working_day": is_working_day, "reason": override.reason},
    )
    transaction.on_commit(clear_calendar_cache)
    return override


@transaction.atomic
def calendar_override_remove(*, actor, day: date) -> None:
    """Remove the override of ``day``; the package's answer applies again."""
    override = CalendarOverride.objects.select_for_update().filter(day=day).first()
    if override is None:
        raise DomainError(CoreErrorCode.CALENDAR_NOT_FOUND, f"Ngày {day:%d/%m/%Y} không có điều chỉnh nào.")
    auditing.record(
        actor=actor,
        action="core.calendar_override.remove",
        target=override,
        before={"day": day, "is_working_day": override.is_working_day, "reason": override.reason},
    )
    override.delete()
    transaction.on_commit(clear_calendar_cache)


@transaction.atomic
def office_hours_set(
    *, actor, weekday: int, morning: tuple[time, time], afternoon: tuple[time, time], valid_from: date
) -> OfficeHoursRule:
    """Set a weekday's office hours from ``valid_from`` on (deadlines in hours follow them)."""
    if weekday not in OfficeHoursRule.Weekday.values:
        raise DomainError(CoreErrorCode.OFFICE_HOURS_INVALID, "Thứ trong tuần không hợp lệ.")
    try:
        hours = OfficeHours((morning, afternoon))
    except ValueError:
        raise DomainError(
            CoreErrorCode.OFFICE_HOURS_INVALID,
            "Giờ làm việc buổi sáng phải trước buổi chiều, mỗi buổi bắt đầu trước khi kết thúc.",
        ) from None
    if hours.seconds < 3600:
        raise DomainError(CoreErrorCode.OFFICE_HOURS_INVALID, "Một ngày làm việc phải có ít nhất 1 giờ.")
    rule, created = OfficeHoursRule.objects.select_for_update().get_or_create(
        weekday=weekday,
        valid_from=valid_from,
        defaults={
            "morning_start": morning[0],
            "morning_end": morning[1],
            "afternoon_start": afternoon[0],
            "afternoon_end": afternoon[1],
        },
    )
    before = None if created else {"hours": str(rule)}
    if not created:
        rule.morning_start, rule.morning_end = morning
        rule.afternoon_start, rule.afternoon_end = afternoon
        rule.save()
    auditing.record(actor=actor, action="core.office_hours.set", target=rule, before=before, after={"hours": str(rule)})
    transaction.on_commit(clear_calendar_cache)
    return rule
