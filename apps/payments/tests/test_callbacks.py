"""The gateway callback endpoint: a good callback settles; a bad signature, a wrong amount, an
unknown bill or another transaction's reference is refused with a Vietnamese message and changes
nothing; a replay changes nothing and is logged. Every message is kept in the callback log."""

from urllib.parse import urlencode

import pytest

from apps.audit.models import AuditEvent
from apps.payments.actions import payment_create
from apps.payments.gateways import sandbox_secret, signed_fields
from apps.payments.models import CallbackLog, Method, State

pytestmark = pytest.mark.django_db
URL = "/thanh-toan/thong-bao/"


@pytest.fixture
def payment(world, lodge):
    return payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)


def fields_for(payment, **overrides):
    values = {
        "bill_number": payment.bill_number,
        "reference": payment.gateway_reference,
        "status": "paid",
        "amount": payment.amount,
        "secret": sandbox_secret(),
    }
    values.update(overrides)
    return signed_fields(**values)


def post(client, fields: dict):
    return client.post(URL, data=urlencode(fields), content_type="application/x-www-form-urlencoded")


def settle_events(payment) -> int:
    return AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_settle").count()


def test_a_signed_callback_settles_the_payment(client, payment):
    response = post(client, fields_for(payment))

    payment.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == {"ok": True, "outcome": "settled", "message": "Đã ghi nhận thanh toán."}
    assert payment.state == State.PAID and payment.settled_by == "callback"
    log = CallbackLog.objects.get()
    assert (log.payment, log.signature_ok, log.outcome, log.reported_amount) == (payment, True, "settled", 100_000)
    assert len(log.payload_sha256) == 64
    assert settle_events(payment) == 1


def test_a_replayed_callback_changes_nothing_and_is_logged(client, payment):
    fields = fields_for(payment)
    post(client, fields)
    payment.refresh_from_db()
    paid_at = payment.paid_at

    response = post(client, fields)

    payment.refresh_from_db()
    assert response.status_code == 200 and response.json()["outcome"] == "duplicate"
    assert payment.paid_at == paid_at
    assert list(CallbackLog.objects.order_by("id").values_list("outcome", flat=True)) == ["settled", "duplicate"]
    assert settle_events(payment) == 1


def test_a_failure_reported_after_payment_does_not_undo_it(client, payment):
    post(client, fields_for(payment))

    response = post(client, fields_for(payment, status="failed"))

    payment.refresh_from_db()
    assert response.json()["outcome"] == "duplicate"
    assert payment.state == State.PAID


def test_a_failed_payment_is_recorded_as_failed(client, payment):
    response = post(client, fields_for(payment, status="failed"))

    payment.refresh_from_db()
    assert response.status_code == 200 and payment.state == State.FAILED
    assert AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_fail").count() == 1


def forged_signature(payment):
    fields = fields_for(payment)
    fields["signature"] = "0" * 64
    return fields


def tampered_amount(payment):
    fields = fields_for(payment, amount=1_000)
    fields["amount"] = str(payment.amount)  # signed for 1.000 đ, claims the full amount
    return fields


def signed_with_another_key(payment):
    return fields_for(payment, secret=b"not-the-gateway-key")


def unsigned(payment):
    fields = fields_for(payment)
    del fields["signature"]
    return fields


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(forged_signature, "Chữ ký của thông báo thanh toán không hợp lệ", id="bad-signature"),
        pytest.param(
            tampered_amount, "Chữ ký của thông báo thanh toán không hợp lệ", id="amount-changed-after-signing"
        ),
        pytest.param(signed_with_another_key, "Chữ ký của thông báo thanh toán không hợp lệ", id="other-key"),
        pytest.param(unsigned, "Chữ ký của thông báo thanh toán không hợp lệ", id="unsigned"),
        pytest.param(lambda p: fields_for(p, amount=99_000), "không khớp số tiền phải nộp", id="wrong-amount-signed"),
        pytest.param(
            lambda p: fields_for(p, bill_number="DVC261127AAAAAAAAAA"), "Không có khoản thanh toán", id="unknown-bill"
        ),
        pytest.param(
            lambda p: fields_for(p, reference="SBXOTHER"), "Mã giao dịch của cổng không khớp", id="other-reference"
        ),
        pytest.param(
            lambda p: fields_for(p, status="refunded"), "Trạng thái thanh toán không hợp lệ", id="unknown-status"
        ),
    ],
)
def test_bad_callbacks_are_refused_and_change_nothing(client, payment, make, message):
    events = AuditEvent.objects.count()

    response = post(client, make(payment))

    payment.refresh_from_db()
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and message in body["message"]
    assert payment.state == State.PENDING and payment.paid_at is None
    assert AuditEvent.objects.count() == events
    log = CallbackLog.objects.get()
    assert log.outcome == "refused" and message in log.detail


def test_garbage_is_refused(client, payment):
    response = client.post(URL, data=b"\xff\xfe not a form", content_type="application/octet-stream")

    assert response.status_code == 400
    assert CallbackLog.objects.get().signature_ok is False


def test_the_callback_needs_no_csrf_token_but_only_takes_post(payment):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert post(strict, fields_for(payment)).status_code == 200
    assert strict.get(URL).status_code == 405
