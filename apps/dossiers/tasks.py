"""Background tasks of the dossiers app."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

from .files import orphan_files_sweep
from .reminders import reminders_run


@every(timedelta(minutes=15))
@task
def dossier_reminders() -> dict:
    """Remind and escalate steps close to or past their due moment (safe to run twice)."""
    report = reminders_run()
    return {"reminded": report.reminded, "escalated": report.escalated}


@every(timedelta(hours=6))
@task
def dossier_orphan_files_sweep() -> dict:
    """Remove files left in storage by intakes and supplements whose transaction rolled back."""
    return {"removed": len(orphan_files_sweep())}
