"""Officials' API tokens: issued on the security page or by the operator's command, kept as a hash,
shown once, revoked one by one, ended by a password change; every issue and revocation audited."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts.api_tokens import MAX_ACTIVE, TOUCH_EVERY, api_token_issue, api_token_revoke, api_token_user
from apps.accounts.errors import AccountsError
from apps.accounts.models import ApiToken
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UserFactory
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return UserFactory(full_name="Nguyễn Văn Tích Hợp", roles=[Role.HANDLER], agency=AgencyFactory("Sở Tư pháp"))


def test_only_the_hash_is_kept_and_the_secret_finds_its_official(official):
    token, secret = api_token_issue(actor=official, user=official, name="Hệ thống một cửa của Sở", days=90)

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("egov_") and len(secret) > 40
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.prefix, stored.key_hash, stored.name} and secret.startswith(stored.prefix)
    assert api_token_user(secret) == official
    assert api_token_user(secret[:-1]) is None and api_token_user("Bearer " + secret) is None
    event = AuditEvent.objects.get(action="accounts.api_token_issue")
    assert secret not in str(event.changes) and stored.prefix in str(event.changes)


def test_expired_revoked_password_changed_or_deactivated_tokens_find_nobody(official):
    with freeze_time(timezone.now() - timedelta(days=31)):
        _, expired = api_token_issue(actor=None, user=official, name="Cũ", days=30)
    revoked, revoked_secret = api_token_issue(actor=None, user=official, name="Thu hồi", days=30)
    _, secret = api_token_issue(actor=None, user=official, name="Đang dùng", days=30)
    api_token_revoke(actor=official, token=revoked)

    assert [api_token_user(s) for s in (expired, revoked_secret, secret)] == [None, None, official]
    official.set_password("Mat-khau-moi-cua-can-bo-2026")
    official.save(update_fields=["password"])
    assert api_token_user(secret) is None
    _, after = api_token_issue(actor=None, user=official, name="Sau khi đổi mật khẩu", days=30)
    official.is_active = False
    official.save(update_fields=["is_active"])
    assert api_token_user(after) is None


def test_last_use_is_written_at_most_every_few_minutes(official):
    token, secret = api_token_issue(actor=None, user=official, name="Cổng quốc gia", days=30)
    with freeze_time(timezone.now()) as clock:
        api_token_user(secret)
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        clock.tick(TOUCH_EVERY / 2)
        api_token_user(secret)
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
        clock.tick(TOUCH_EVERY)
        api_token_user(secret)
        assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_refusals_change_nothing(official):
    other = UserFactory(full_name="Trần Thị Khác", roles=[Role.HANDLER], agency=AgencyFactory("Sở Tài chính"))
    token, _ = api_token_issue(actor=official, user=official, name="Một", days=30)
    before = (ApiToken.objects.count(), AuditEvent.objects.count())

    for attempt, message in [
        (lambda: api_token_issue(actor=other, user=official, name="Hộ", days=30), "chính cán bộ"),
        (lambda: api_token_issue(actor=official, user=official, name="  ", days=30), "hệ thống nào"),
        (lambda: api_token_issue(actor=official, user=official, name="Dài", days=400), "1 đến 366"),
        (lambda: api_token_revoke(actor=other, token=token), "cán bộ khác"),
    ]:
        with pytest.raises(AccountsError, match=message):
            attempt()

    assert (ApiToken.objects.count(), AuditEvent.objects.count()) == before
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    api_token_revoke(actor=official, token=token)
    with pytest.raises(AccountsError, match="đã bị thu hồi"):
        api_token_revoke(actor=official, token=token)


def test_an_official_holds_a_limited_number_of_tokens_at_once(official):
    tokens = [api_token_issue(actor=None, user=official, name=f"Hệ thống {n}", days=30)[0] for n in range(MAX_ACTIVE)]
    with pytest.raises(AccountsError, match="thu hồi mã không dùng"):
        api_token_issue(actor=None, user=official, name="Thừa", days=30)

    api_token_revoke(actor=official, token=tokens[0])
    api_token_issue(actor=None, user=official, name="Thay thế", days=30)


def test_the_security_page_issues_shows_once_and_revokes(client, official):
    client.force_login(official)

    response = client.post("/tai-khoan/bao-mat/ma-truy-cap-api/", {"ten": "Phần mềm kế toán", "thoi_han": "90"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert api_token_user(secret) == official and secret in response.content.decode()
    token = ApiToken.objects.get(user=official)
    page = client.get("/tai-khoan/bao-mat/").content.decode()
    assert "Phần mềm kế toán" in page and token.prefix in page and secret not in page
    assert "Mã truy cập API" in page and "Thu hồi" in page  # the page speaks Vietnamese

    response = client.post(f"/tai-khoan/bao-mat/ma-truy-cap-api/{token.uuid}/thu-hoi/")

    assert response.status_code == 302
    assert api_token_user(secret) is None


def test_the_page_refuses_bad_input_and_other_officials_tokens(client, official):
    other = UserFactory(full_name="Trần Thị Khác", roles=[Role.HANDLER], agency=AgencyFactory("Sở Tài chính"))
    theirs, secret = api_token_issue(actor=None, user=other, name="Của người khác", days=30)
    client.force_login(official)

    bad = client.post("/tai-khoan/bao-mat/ma-truy-cap-api/", {"ten": "", "thoi_han": "9999"})
    stolen = client.post(f"/tai-khoan/bao-mat/ma-truy-cap-api/{theirs.uuid}/thu-hoi/")

    assert bad.status_code == 400 and "hệ thống nào" in bad.content.decode()
    assert stolen.status_code == 404
    assert not ApiToken.objects.filter(user=official).exists()
    assert api_token_user(secret) == other


def test_the_operator_issues_lists_and_revokes_from_the_command_line(official):
    out, err = io.StringIO(), io.StringIO()
    arguments = ["issue", "--user", official.username, "--name", "Cổng DVC quốc gia"]
    call_command("api_token", *arguments, stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert api_token_user(secret) == official and "chỉ in ra một lần" in err.getvalue()

    listing = io.StringIO()
    call_command("api_token", "list", "--user", official.username, stdout=listing)
    assert "còn hiệu lực" in listing.getvalue() and "Cổng DVC quốc gia" in listing.getvalue()

    with pytest.raises(CommandError, match="đúng một mã"):
        call_command("api_token", "revoke", "egov_")
    call_command("api_token", "revoke", secret[:13], stdout=io.StringIO())
    assert api_token_user(secret) is None
    assert AuditEvent.objects.filter(action="accounts.api_token_revoke").count() == 1
