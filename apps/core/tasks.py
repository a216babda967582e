"""Background tasks of core."""

import logging
from datetime import timedelta

from django.db import connection
from django.tasks import task
from django.utils import timezone

from .demo import demo_steps
from .models import TaskProgress
from .schedule import every

logger = logging.getLogger("egov.tasks")


@task
def demo_rebuild(progress_uuid: str) -> int:
    """Run every demo-data step in order, reporting progress; return the number of steps."""
    progress = TaskProgress.objects.get(uuid=progress_uuid)
    steps = demo_steps()
    progress.state = TaskProgress.State.RUNNING
    progress.total = len(steps)
    progress.done = 0
    progress.save(update_fields=["state", "total", "done", "updated_at"])
    try:
        for index, step in enumerate(steps):
            progress.message = step.label
            progress.save(update_fields=["message", "updated_at"])

            def report(message: str, _label=step.label) -> None:
                progress.message = f"{_label}: {message}"[:500]
                progress.save(update_fields=["message", "updated_at"])

            step.run(report)
            progress.done = index + 1
            progress.save(update_fields=["done", "updated_at"])
    except Exception as error:
        logger.exception("demo rebuild failed")
        progress.state = TaskProgress.State.FAILED
        progress.message = f"Lỗi: {type(error).__name__}"
        progress.finished_at = timezone.now()
        progress.save(update_fields=["state", "message", "finished_at", "updated_at"])
        raise
    progress.state = TaskProgress.State.SUCCEEDED
    progress.message = "Hoàn thành"
    progress.finished_at = timezone.now()
    progress.save(update_fields=["state", "message", "finished_at", "updated_at"])
    return len(steps)


@every(timedelta(hours=24))
@task
def database_maintenance() -> str:
    """Refresh the query planner's statistics (SQLite has no autovacuum doing it)."""
    return database_optimize()


def database_optimize() -> str:
    """On SQLite run ANALYZE so the planner picks the right index (e.g. the audit trail's seq index)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return "analyzed"
    return "left to autovacuum"
