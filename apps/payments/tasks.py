"""Background tasks of the payments app."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

from .reconciliation import reconcile_run


@every(timedelta(minutes=5))
@task
def payments_reconcile() -> dict:
    """Query the gateway about pending payments; settle, fail or expire them (safe to run twice)."""
    report = reconcile_run()
    return {
        "settled": report.settled,
        "failed": report.failed,
        "expired": report.expired,
        "still_pending": report.still_pending,
        "refused": report.refused,
    }
