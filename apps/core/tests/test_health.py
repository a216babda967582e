"""/healthz reports the database and the background worker, as JSON, uncached, without personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    return settings


def beat(*, seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id="may-chu-1-4242-abcdefgh",
        hostname="may-chu-xu-ly-1.hatinh.gov.vn",
        pid=4242,
        started_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(seconds=seconds_ago),
    )


def test_healthy_with_immediate_tasks(client, db_vendor):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True, "vendor": db_vendor}, "worker": {"ok": True, "mode": "immediate"}},
    }


def test_not_cached(client):
    response = client.get("/healthz")

    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "no-cache" in cache_control
    assert "max-age=0" in cache_control


def test_unavailable_without_any_worker(client, database_tasks):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "alive": 0, "last_seen_seconds": None}


def test_healthy_with_fresh_heartbeat(client, database_tasks):
    beat(seconds_ago=2)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True
    assert response.json()["checks"]["worker"]["alive"] == 1


def test_unavailable_with_stale_heartbeat(client, database_tasks):
    beat(seconds_ago=database_tasks.WORKER_STALE_SECONDS + 5)

    response = client.get("/healthz")

    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["last_seen_seconds"] >= database_tasks.WORKER_STALE_SECONDS


def test_reveals_no_host_or_process(client, database_tasks):
    beat(seconds_ago=1)

    text = client.get("/healthz").content.decode()

    for secret in ("may-chu", "hatinh.gov.vn", "4242", "abcdefgh"):
        assert secret not in text


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_database_maintenance_refreshes_statistics_on_sqlite():
    from django.db import connection

    from apps.core.tasks import database_optimize

    assert database_optimize() == ("analyzed" if connection.vendor == "sqlite" else "left to autovacuum")
