import pytest
from django.db import IntegrityError, connection, transaction

from apps.audit.errors import AuditAppendOnlyError, AuditErrorCode
from apps.audit.models import AuditEvent
from apps.audit.verification import audit_chain_verify

from .conftest import raw_sql, record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda e: e.save(), id="save"),
        pytest.param(lambda e: e.save(update_fields=["action"]), id="save-update-fields"),
        pytest.param(lambda e: e.delete(), id="delete"),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="x"), id="queryset-update"),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).delete(), id="queryset-delete"),
        pytest.param(lambda e: AuditEvent.objects.bulk_update([e], ["action"]), id="bulk-update"),
        pytest.param(lambda e: AuditEvent.objects.bulk_create([AuditEvent(seq=99)]), id="bulk-create"),
    ],
)
def test_model_refuses_to_rewrite_the_trail(attempt):
    event = record(action="test.original")
    event.action = "test.rewritten"

    with pytest.raises(AuditAppendOnlyError) as error:
        attempt(event)

    assert error.value.code == AuditErrorCode.APPEND_ONLY
    assert "chỉ được ghi thêm" in error.value.message
    assert AuditEvent.objects.get().action == "test.original"
    assert audit_chain_verify().ok


def test_plain_sql_update_is_refused_by_the_database():
    event = record(action="test.original", target_label="Hồ sơ A")

    with pytest.raises(IntegrityError, match="chỉ được ghi thêm"), transaction.atomic():
        raw_sql("UPDATE audit_auditevent SET target_label = 'Hồ sơ B' WHERE seq = %s", [event.seq])

    assert AuditEvent.objects.get().target_label == "Hồ sơ A"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test suite's flush")
def test_plain_sql_delete_is_refused_on_postgresql():
    event = record(action="test.original")

    with pytest.raises(IntegrityError, match="chỉ được ghi thêm"), transaction.atomic():
        raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [event.seq])

    assert AuditEvent.objects.filter(seq=event.seq).exists()
