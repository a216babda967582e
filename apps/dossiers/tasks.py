"""Background tasks of the dossiers app."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

from .reminders import reminders_run


@every(timedelta(minutes=15))
@task
def dossier_reminders() -> dict:
    """Remind and escalate steps close to or past their due moment (safe to run twice)."""
    report = reminders_run()
    return {"reminded": report.reminded, "escalated": report.escalated}
