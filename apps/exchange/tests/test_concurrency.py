"""Two deliveries of one package racing on PostgreSQL: it lands once, the other is kept as a duplicate."""

import threading

import pytest
from django.db import connection, connections

from apps.exchange import actions
from apps.exchange.actions import package_receive
from apps.exchange.edxml import package_build
from apps.exchange.models import IncomingPackage, QuarantinedPackage

from .conftest import make_package


@pytest.mark.django_db(transaction=True)
def test_the_same_package_received_twice_at_once_lands_once(province, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    monkeypatch.setattr(actions, "_schedule_receipt", lambda direction, package: None)
    content = package_build(make_package())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=10)
            results.append(package_receive(content=content, transport="http"))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert IncomingPackage.objects.count() == 1
    assert sorted(r.duplicate for r in results) == [False, True]
    assert QuarantinedPackage.objects.get().error_code == "duplicate"
