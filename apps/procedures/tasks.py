"""Background tasks of the procedures app."""

from datetime import timedelta

from django.tasks import task

from apps.core.schedule import every

from .search import search_index_refresh


@every(timedelta(minutes=15))
@task
def catalogue_index_refresh() -> dict:
    """Bring the catalogue search index in step with agency renames (safe to run twice)."""
    return {"refreshed": search_index_refresh()}
