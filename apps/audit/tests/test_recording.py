import pytest
from django.urls import reverse

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.audit.actions import audit_append, audit_event_build, audit_record
from apps.audit.errors import AuditAppendOnlyError
from apps.audit.models import GENESIS_HASH, AuditEvent
from apps.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db


def test_events_form_a_chain():
    actor = UserFactory()

    first = audit_record(actor=actor, action="test.one", target=actor, before={"a": 1}, after={"a": 2, "b": "x"})
    second = audit_record(actor=None, action="test.two", target_label="hệ thống")

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert [first.seq, second.seq] == [1, 2]
    assert first.changes == {"a": [1, 2], "b": [None, "x"]}
    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash


def test_events_appended_together_are_chained_in_their_order():
    actor = UserFactory()
    audit_record(actor=None, action="test.before", target_label="trước")
    built = [audit_event_build(actor=actor, action=f"test.{n}", target=actor, after={"n": n}) for n in range(3)]

    events = audit_append(built)

    assert [e.seq for e in events] == [2, 3, 4]
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.before",
        "test.0",
        "test.1",
        "test.2",
    ]
    assert audit_chain_verify().ok
    with pytest.raises(AuditAppendOnlyError):  # the manager itself still refuses bulk writes
        AuditEvent.objects.bulk_create([audit_event_build(actor=None, action="test.around")])


def test_sign_in_and_failed_sign_in_are_recorded_with_ip_and_request_id(client):
    official = UserFactory()

    client.post(reverse("accounts:login"), {"username": official.username, "password": "sai"}, REMOTE_ADDR="10.1.2.3")
    client.post(
        reverse("accounts:login"),
        {"username": official.username, "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        headers={"X-Request-ID": "req-test-0001"},
    )

    failed = AuditEvent.objects.get(action="security.login_failed")
    login = AuditEvent.objects.get(action="security.login")
    assert failed.actor_uuid is None
    assert failed.changes["username"] == official.username
    assert login.actor_uuid == official.uuid
    assert login.ip == "10.1.2.3"
    assert login.request_id == "req-test-0001"


def test_permission_denial_is_recorded(client):
    client.force_login(UserFactory())

    client.post(reverse("core:demo-rebuild"))

    denial = AuditEvent.objects.get(action="security.permission_denied")
    assert denial.changes["path"] == reverse("core:demo-rebuild")
