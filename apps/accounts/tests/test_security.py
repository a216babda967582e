"""Two-step sign-in, throttling, idle expiry and password policy for officials."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.actions import official_create
from apps.accounts.errors import AccountsError
from apps.accounts.middleware import LAST_ACTIVITY_KEY
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.models import AuditEvent

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True)


def test_official_sets_up_totp_gets_backup_codes_and_reaches_the_workspace(client):
    official = UserFactory(roles=[Role.HANDLER])
    sign_in(client, official)

    setup = client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    assert 'src="data:image/svg+xml' in setup.text
    response = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device)})

    codes = re.findall(r"<code>([a-z0-9]+)</code>", response.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=official).values_list("token", flat=True))
    assert client.get(reverse("accounts:workspace")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.enable", target_uuid=official.uuid).exists()


def test_wrong_totp_code_at_setup_is_refused(client):
    official = UserFactory(roles=[Role.HANDLER])
    sign_in(client, official)
    client.get(reverse("accounts:two-factor-setup"))

    response = client.post(reverse("accounts:two-factor-setup"), {"token": "000000"})

    assert "không đúng" in response.text
    assert not TOTPDevice.objects.filter(user=official, confirmed=True).exists()
    assert client.get(reverse("accounts:workspace")).status_code == 302


def test_enrolled_official_is_asked_for_the_code_at_each_sign_in(client):
    official = UserFactory(roles=[Role.HANDLER])
    device = TOTPDevice.objects.create(user=official, confirmed=True, name="app")

    response = sign_in(client, official)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-verify"))
    wrong = client.post(reverse("accounts:two-factor-verify"), {"token": "123456"})
    assert "không đúng" in wrong.text
    # django-otp throttles a device after a failure; let that pause pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = client.post(reverse("accounts:two-factor-verify"), {"token": current_code(device)}, follow=True)

    assert ok.redirect_chain[-1][0] == reverse("accounts:workspace")
    actions = list(AuditEvent.objects.filter(actor_uuid=official.uuid).values_list("action", flat=True))
    assert {"security.login", "security.two_factor_failed", "security.two_factor_ok"} <= set(actions)


def test_a_backup_code_works_once(client):
    official = UserFactory(roles=[Role.HANDLER])
    TOTPDevice.objects.create(user=official, confirmed=True, name="app")
    from apps.accounts.actions import backup_codes_regenerate

    code = backup_codes_regenerate(user=official)[0]
    sign_in(client, official)
    client.post(reverse("accounts:two-factor-verify"), {"token": code})
    assert client.get(reverse("accounts:workspace")).status_code == 200

    client.post(reverse("accounts:logout"))
    sign_in(client, official)
    again = client.post(reverse("accounts:two-factor-verify"), {"token": code})

    assert "không đúng" in again.text


def test_unverified_htmx_request_is_sent_to_the_second_factor(client):
    official = UserFactory(roles=[Role.HANDLER])
    client.force_login(official, verified=False)

    response = client.get(reverse("accounts:workspace"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:two-factor-setup"))


def test_repeated_wrong_passwords_lock_the_username_from_that_address(client, settings):
    official = UserFactory(roles=[Role.HANDLER])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"), {"username": official.username, "password": "sai"}, REMOTE_ADDR="10.0.0.9"
        )

    locked = client.post(
        reverse("accounts:login"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    other_address = client.post(
        reverse("accounts:login"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.10"
    )

    assert locked.status_code == 429
    assert str(settings.AXES_COOLOFF_TIME.seconds // 60) in locked.text
    assert other_address.status_code == 302


def test_official_is_signed_out_after_inactivity(client, settings):
    official = UserFactory(roles=[Role.HANDLER])
    client.force_login(official)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - settings.OFFICIAL_IDLE_MINUTES * 60 - 5
    session.save()

    response = client.get(reverse("accounts:workspace"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_active_official_stays_signed_in(client):
    official = UserFactory(roles=[Role.HANDLER])
    client.force_login(official)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 120
    session.save()

    assert client.get(reverse("accounts:workspace")).status_code == 200


@pytest.mark.parametrize(
    "password",
    ["ngan-qua", "123456789012", "matkhaukhongso", "password1234"],
    ids=["too-short", "numeric", "letters-only", "common"],
)
def test_weak_passwords_are_refused_and_no_account_is_made(password):
    with pytest.raises(AccountsError):
        official_create(username="yeu", full_name="Mật Khẩu Yếu", email="yeu@example.vn", password=password)

    assert not User.objects.filter(username="yeu").exists()
