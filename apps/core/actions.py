"""State changes owned by core: long-running task requests."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import TaskProgress


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
    transaction.on_commit(lambda: demo_rebuild.enqueue(progress_uuid=str(progress.uuid)))
    return progress
