import threading

import pytest
from django.db import connection, transaction

from apps.audit.models import AuditChainHead, AuditEvent
from apps.audit.verification import audit_chain_verify

from .conftest import FakeActor, record

PER_THREAD = 30


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_keep_one_linear_chain():
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        actor = FakeActor(name, f"Cán bộ {name}")
        try:
            start.wait()
            for n in range(PER_THREAD):
                with transaction.atomic():
                    record(actor=actor, action="test.concurrent", target_label=f"{name}-{n}")
        except BaseException as error:  # reported to the main thread, which fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("mot", "hai")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 2 * PER_THREAD + 1))
    assert AuditEvent.objects.filter(actor_username="mot").count() == PER_THREAD
    assert AuditEvent.objects.filter(actor_username="hai").count() == PER_THREAD
    assert AuditChainHead.objects.get(pk=1).seq == 2 * PER_THREAD
    assert audit_chain_verify().ok
