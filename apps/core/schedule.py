"""Periodic tasks: declared next to the task, enqueued by whichever worker finds them due.

The due check runs in a transaction that locks the task's ``PeriodicRun`` row, so with several
workers a period is enqueued once. Tasks scheduled this way must be safe to run twice anyway.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger("egov.schedule")


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django.tasks Task
    every: timedelta


_periodic: dict[str, Periodic] = {}


def every(interval: timedelta):
    """Mark a task to be enqueued once per ``interval`` by the workers."""

    def decorator(task):
        _periodic[task.module_path] = Periodic(name=task.module_path, task=task, every=interval)
        return task

    return decorator


def periodic_tasks() -> list[Periodic]:
    autodiscover_modules("tasks")
    return sorted(_periodic.values(), key=lambda p: p.name)


def enqueue_due(now=None) -> list[str]:
    """Enqueue every periodic task whose period has passed; return their names."""
    from .models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for item in periodic_tasks():
        with transaction.atomic():
            run, _ = PeriodicRun.objects.get_or_create(name=item.name)
            run = PeriodicRun.objects.select_for_update().get(pk=run.pk)
            if run.last_enqueued_at and now - run.last_enqueued_at < item.every:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(item.task.enqueue)
        enqueued.append(item.name)
        logger.info("periodic task enqueued", extra={"task": item.name})
    return enqueued
