"""Applicants: sign-up with a one-time code, password reset, profile with identifier checks."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts import actions
from apps.accounts.errors import AccountsError
from apps.accounts.models import ApplicantProfile, OneTimeCode, User
from apps.audit.models import AuditEvent
from apps.core.messaging import LocmemSmsGateway

# Messages leave on commit, as in production: these tests commit their transactions.
pytestmark = pytest.mark.django_db(transaction=True)

STRONG = "Hoa-sen-2026!"


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


def last_sms_code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1]["body"]).group(1)


def test_citizen_signs_up_by_phone_with_the_code_sent_by_sms(client, sms_outbox):
    response = client.post(
        reverse("accounts:signup"),
        {
            "applicant_type": "citizen",
            "full_name": "Đặng Quốc Khánh",
            "contact": "+84 912 345 678",
            "password1": STRONG,
            "password2": STRONG,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:signup-confirm")
    assert sms_outbox[-1]["to"] == "0912345678"

    done = client.post(reverse("accounts:signup-confirm"), {"code": last_sms_code(sms_outbox)}, follow=True)

    user = User.objects.get(phone="0912345678")
    assert done.redirect_chain[-1][0] == reverse("accounts:profile")
    assert user.kind == User.Kind.APPLICANT
    assert user.full_name == "Đặng Quốc Khánh"
    assert user.check_password(STRONG)
    assert ApplicantProfile.objects.get(user=user).applicant_type == "citizen"
    assert AuditEvent.objects.filter(action="accounts.applicant.signup", target_uuid=user.uuid).exists()
    assert OneTimeCode.objects.get().code_hash != last_sms_code(sms_outbox)


def test_organisation_signs_up_by_email():
    otc = actions.applicant_signup_start(
        full_name="Công ty TNHH Sen Vàng", contact="VanPhong@SenVang.vn", password=STRONG, applicant_type="organization"
    )
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    user = actions.applicant_signup_confirm(code_uuid=otc.uuid, code=code)

    assert user.email == "vanphong@senvang.vn"
    assert user.applicant_profile.applicant_type == "organization"


@pytest.mark.parametrize(
    ("contact", "message"),
    [("0123", "không hợp lệ"), ("ab@", "không hợp lệ"), ("02393855555", "không hợp lệ")],
    ids=["short-number", "bad-email", "landline"],
)
def test_bad_contacts_are_refused_and_nothing_is_sent(contact, message, sms_outbox):
    with pytest.raises(AccountsError, match=message):
        actions.applicant_signup_start(full_name="A B", contact=contact, password=STRONG, applicant_type="citizen")

    assert not OneTimeCode.objects.exists()
    assert sms_outbox == []


def test_a_contact_that_already_has_an_account_is_refused():
    User.objects.create(username="0912345678", phone="0912345678", full_name="Có Rồi")

    with pytest.raises(AccountsError, match="Đã có tài khoản"):
        actions.applicant_signup_start(full_name="A B", contact="0912345678", password=STRONG, applicant_type="citizen")


def test_wrong_codes_count_and_lock_the_code(sms_outbox):
    otc = actions.applicant_signup_start(
        full_name="A B", contact="0912345678", password=STRONG, applicant_type="citizen"
    )
    for _ in range(actions.CODE_ATTEMPTS):
        with pytest.raises(AccountsError, match="không đúng"):
            actions.applicant_signup_confirm(
                code_uuid=otc.uuid, code="000000" if last_sms_code(sms_outbox) != "000000" else "111111"
            )

    with pytest.raises(AccountsError, match="quá nhiều"):
        actions.applicant_signup_confirm(code_uuid=otc.uuid, code=last_sms_code(sms_outbox))
    assert not User.objects.filter(phone="0912345678").exists()


def test_an_expired_code_is_refused(sms_outbox):
    otc = actions.applicant_signup_start(
        full_name="A B", contact="0912345678", password=STRONG, applicant_type="citizen"
    )
    OneTimeCode.objects.filter(pk=otc.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(AccountsError, match="hết hạn"):
        actions.applicant_signup_confirm(code_uuid=otc.uuid, code=last_sms_code(sms_outbox))


def test_codes_to_one_contact_are_throttled(sms_outbox):
    for _ in range(actions.CODES_PER_WINDOW):
        actions.applicant_signup_start(full_name="A B", contact="0912345678", password=STRONG, applicant_type="citizen")

    with pytest.raises(AccountsError, match="quá nhiều mã"):
        actions.applicant_signup_start(full_name="A B", contact="0912345678", password=STRONG, applicant_type="citizen")
    assert len(sms_outbox) == actions.CODES_PER_WINDOW


def test_password_reset_answers_the_same_for_unknown_contacts(client, sms_outbox):
    User.objects.create(username="0912345678", phone="0912345678", full_name="Có Thật", kind=User.Kind.APPLICANT)

    known = client.post(reverse("accounts:password-reset"), {"contact": "0912345678"})
    unknown = client.post(reverse("accounts:password-reset"), {"contact": "0987654321"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m["to"] for m in sms_outbox] == ["0912345678"]


def test_password_reset_sets_the_new_password(client, sms_outbox):
    user = User.objects.create(username="0912345678", phone="0912345678", full_name="Có Thật")
    client.post(reverse("accounts:password-reset"), {"contact": "0912 345 678"})
    code = last_sms_code(sms_outbox)

    weak = client.post(
        reverse("accounts:password-reset-confirm"), {"code": code, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200
    done = client.post(
        reverse("accounts:password-reset-confirm"), {"code": code, "new_password1": STRONG, "new_password2": STRONG}
    )

    user.refresh_from_db()
    assert done["Location"] == reverse("accounts:login")
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="accounts.password_reset.done", target_uuid=user.uuid).exists()


@pytest.mark.parametrize(
    ("id_number", "birth_date", "message"),
    [
        ("04209000123", None, "12 chữ số"),
        ("003090001234", None, "mã tỉnh"),
        ("042090001234", date(1991, 1, 1), "năm sinh 1990"),
        ("042590001234", None, "tương lai"),
    ],
    ids=["length", "province", "birth-year", "future"],
)
def test_profile_refuses_bad_citizen_ids_and_keeps_the_old_values(id_number, birth_date, message):
    user = User.objects.create(username="0912345678", phone="0912345678", full_name="Có Thật")
    ApplicantProfile.objects.create(user=user, id_number="042090001234")

    with pytest.raises(AccountsError, match=message):
        actions.applicant_profile_update(actor=user, full_name="Có Thật", id_number=id_number, birth_date=birth_date)

    assert ApplicantProfile.objects.get(user=user).id_number == "042090001234"


def test_profile_update_is_audited_with_changed_fields():
    user = User.objects.create(username="0912345678", phone="0912345678", full_name="Có Thật")

    actions.applicant_profile_update(
        actor=user, full_name="Có Thật Mới", id_number="042090001234", birth_date=date(1990, 5, 1), tax_code=""
    )

    event = AuditEvent.objects.get(action="accounts.applicant.profile_update")
    assert event.changes["full_name"] == ["Có Thật", "Có Thật Mới"]
    assert event.changes["id_number"] == ["", "042090001234"]


def test_one_address_asking_codes_for_many_numbers_is_stopped(client, sms_outbox):
    from apps.accounts.views import CODES_PER_ADDRESS

    url = reverse("accounts:signup")
    for n in range(CODES_PER_ADDRESS):
        values = {
            "full_name": "Nguyễn Văn Bơm",
            "contact": f"09123450{n:02d}",
            "applicant_type": "citizen",
            "password1": "Mat-khau-rat-dai-2026",
            "password2": "Mat-khau-rat-dai-2026",
        }
        assert client.post(url, values, REMOTE_ADDR="203.0.113.50").status_code == 302

    refused = client.post(url, {**values, "contact": "0912345699"}, REMOTE_ADDR="203.0.113.50")
    reset = client.post(reverse("accounts:password-reset"), {"contact": "0912345600"}, REMOTE_ADDR="203.0.113.50")

    assert refused.status_code == reset.status_code == 429
    assert "quá nhiều mã xác nhận" in refused.content.decode()
    assert len(sms_outbox) == CODES_PER_ADDRESS
    assert client.post(reverse("accounts:password-reset"), {"contact": "0912345600"}).status_code == 302
