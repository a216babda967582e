import pytest
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory

from .conftest import record

pytestmark = pytest.mark.django_db


def test_admin_shows_events_read_only(client):
    event = record(action="test.admin", target_label="Hồ sơ A")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    changelist = client.get(reverse("admin:audit_auditevent_changelist"))
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    add = client.get(reverse("admin:audit_auditevent_add"))
    delete = client.get(reverse("admin:audit_auditevent_delete", args=[event.pk]))
    post = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "sua"})

    assert changelist.status_code == 200
    assert "Hồ sơ A" in changelist.text
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert (add.status_code, delete.status_code, post.status_code) == (403, 403, 403)
    event.refresh_from_db()
    assert event.action == "test.admin"
