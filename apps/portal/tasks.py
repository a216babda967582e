"""Background tasks of the portal."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

from .submission.actions import drafts_expire


@every(timedelta(hours=24))
@task
def portal_drafts_expire() -> dict:
    """Abandon online-submission drafts left untouched for long and free their files (safe to run twice)."""
    return {"expired": drafts_expire()}
