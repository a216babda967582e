"""Base model and the platform's own operational records (worker heartbeats, task progress)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Common columns: a public UUID for URLs and the API, and creation/update times."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background-task worker process."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id[:8]})"


class PeriodicRun(models.Model):
    """When a periodic task was last enqueued, shared by all workers so it runs once per period."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")

    def __str__(self) -> str:
        return self.name


class TaskProgress(BaseModel):
    """Progress of one long-running background task, read by a page through htmx polling."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=100)
    label = models.CharField(max_length=255)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        permissions = [("rebuild_demo", _("Can rebuild the demo data"))]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}


class CalendarOverride(BaseModel):
    """An administrator's correction of the legal calendar for one day (wins over the package).

    Extra days off (bridge days, a Tết extension) and make-up working Saturdays are announced by
    the Government each year; they are entered here with the decision that announced them.
    """

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        permissions = [("manage_calendar", _("Can manage the working-day calendar"))]

    def __str__(self) -> str:
        kind = "làm việc" if self.is_working_day else "nghỉ"
        return f"{self.day:%d/%m/%Y}: {kind} ({self.reason})"


class OfficeHoursRule(BaseModel):
    """Office hours of one weekday from a date on: a morning and an afternoon range.

    One working day is the office time of that day (8 hours by default); deadlines counted in
    working hours walk through these ranges. A weekday without a rule uses the default hours.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    morning_start = models.TimeField(_("morning from"))
    morning_end = models.TimeField(_("morning to"))
    afternoon_start = models.TimeField(_("afternoon from"))
    afternoon_end = models.TimeField(_("afternoon to"))
    valid_from = models.DateField(_("in force from"))

    class Meta:
        ordering = ["weekday", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["weekday", "valid_from"], name="core_office_hours_once")]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M} (từ {self.valid_from:%d/%m/%Y})"
        )
