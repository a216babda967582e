"""The worker runs queued tasks with the real database backend; periodic tasks enqueue once per period."""

import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.actions import official_create
from apps.accounts.demo import DEMO_OFFICIALS
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory
from apps.core import schedule
from apps.core.actions import demo_rebuild_request
from apps.core.demo import demo_steps
from apps.core.management.commands import worker as worker_command
from apps.core.models import TaskProgress, WorkerHeartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task
def periodic_probe() -> str:
    return "ok"


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def keep_signal_handlers():
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def heartbeats():
    seen = []

    def record(sender, instance, **kwargs):
        seen.append(instance.worker_id)

    post_save.connect(record, sender=WorkerHeartbeat, dispatch_uid="test-heartbeats")
    yield seen
    post_save.disconnect(sender=WorkerHeartbeat, dispatch_uid="test-heartbeats")


class ExitHandlers:
    def __init__(self):
        self.registered, self.unregistered = [], []

    def register(self, func):
        self.registered.append(func)

    def unregister(self, func):
        self.unregistered.append(func)


@pytest.fixture
def exit_handlers(monkeypatch):
    handlers = ExitHandlers()
    monkeypatch.setattr(worker_command, "atexit", handlers)
    return handlers


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_demo_rebuild(database_tasks, keep_signal_handlers, heartbeats, exit_handlers):
    admin = official_create(
        agency=AgencyFactory(),
        username="quantri1",
        full_name="Bùi Đình Nam",
        email="nam@example.vn",
        password="Mat-khau-rat-dai-9",
        roles=[Role.SYSADMIN],
    )
    progress = demo_rebuild_request(actor=admin)
    queued = DBTaskResult.objects.get(task_path="apps.core.tasks.demo_rebuild")
    assert queued.task_path == "apps.core.tasks.demo_rebuild"
    assert queued.status == "READY"

    call_command("worker", "--batch")

    progress.refresh_from_db()
    assert progress.state == TaskProgress.State.SUCCEEDED
    assert progress.total == len(demo_steps())
    assert progress.done == progress.total
    assert progress.finished_at is not None
    assert DBTaskResult.objects.get(task_path="apps.core.tasks.demo_rebuild").status == "SUCCESSFUL"
    usernames = {official[0] for official in DEMO_OFFICIALS}
    assert set(User.objects.filter(username__in=usernames).values_list("username", flat=True)) == usernames
    # The worker announced itself while it ran and removed its heartbeat when it stopped.
    assert len(heartbeats) >= 1
    assert not WorkerHeartbeat.objects.exists()
    # ...and left no exit handler behind to delete it again later, from whatever database is then set.
    assert exit_handlers.registered
    assert exit_handlers.registered == exit_handlers.unregistered


@pytest.mark.django_db
def test_enqueue_due_enqueues_once_per_period(database_tasks, monkeypatch, django_capture_on_commit_callbacks):
    schedule.periodic_tasks()  # import every tasks module now, so none registers into the test's registry
    monkeypatch.setattr(schedule, "_periodic", {})
    schedule.every(timedelta(hours=1))(periodic_probe)
    name = periodic_probe.module_path
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.enqueue_due(now=start)
    with django_capture_on_commit_callbacks(execute=True):
        again = schedule.enqueue_due(now=start)
    with django_capture_on_commit_callbacks(execute=True):
        later_same_period = schedule.enqueue_due(now=start + timedelta(minutes=59))

    assert name in first
    assert name not in again
    assert name not in later_same_period
    assert DBTaskResult.objects.filter(task_path=name).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        next_period = schedule.enqueue_due(now=start + timedelta(hours=1))

    assert name in next_period
    assert DBTaskResult.objects.filter(task_path=name).count() == 2
