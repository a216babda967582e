import pytest
from django.urls import reverse

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.audit.actions import audit_record
from apps.audit.models import GENESIS_HASH, AuditEvent

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
