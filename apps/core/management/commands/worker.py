"""Run a background-task worker with a heartbeat and the periodic-task scheduler.

It is django-tasks-db's worker plus a side thread that, every few seconds, records that this
process is alive (read by /healthz) and enqueues periodic tasks that are due.
"""

import atexit
import logging
import os
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from apps.core.models import WorkerHeartbeat
from apps.core.schedule import enqueue_due

logger = logging.getLogger("egov.worker")


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, interval: float, scheduler: bool):
        super().__init__(name="egov-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.scheduler = scheduler
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "last_seen_at": timezone.now(),
            },
        )
        if self.scheduler:
            enqueue_due()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.beat()
            except Exception:
                logger.exception("heartbeat failed")
            finally:
                connection.close()
            self.stopped.wait(self.interval)

    def forget(self) -> None:
        self.stopped.set()
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # the database may already be gone at exit
            logger.warning("could not remove the heartbeat row")


class Command(BaseCommand):
    help = "Chạy một tiến trình xử lý công việc nền (kèm nhịp tim và lịch định kỳ)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Chạy hết việc đang chờ rồi thoát.")
        parser.add_argument("--no-scheduler", action="store_true", help="Không xếp lịch việc định kỳ.")

    def handle(self, *, queue_name, interval, batch, no_scheduler, verbosity, **options):
        worker_id = f"{socket.gethostname()[:20]}-{os.getpid()}-{get_random_string(8)}"
        heartbeat = Heartbeat(worker_id, settings.WORKER_HEARTBEAT_SECONDS, scheduler=not no_scheduler)
        if batch:
            heartbeat.beat()
        else:
            heartbeat.start()
        atexit.register(heartbeat.forget)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        logger.info("worker started", extra={"worker_id": worker_id})
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.forget()
            # Forgotten already: at interpreter exit the handler would run again, against whatever
            # database is configured by then (in tests, the real one after the test one is gone).
            atexit.unregister(heartbeat.forget)
