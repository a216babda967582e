"""Payment actions: the amount from the dossier's procedure version, idempotent creation, settling
(exact amount, replays change nothing, paid never goes back), expiry, the obligation that resumes
the dossier's clock, and an audit event for every change."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.dossiers.actions import dossier_receive, dossier_request_payment, dossier_withdraw
from apps.dossiers.statuses import Status
from apps.payments import actions
from apps.payments.bills import bill_number_valid
from apps.payments.errors import PaymentError, PaymentErrorCode
from apps.payments.models import Method, Payment, Purpose, State
from apps.procedures.actions import procedure_version_publish
from apps.procedures.models import DeadlineUnit
from apps.procedures.specs import DocumentSpec, FeeSpec, VersionSpec

from .conftest import CHARGE, FEE, steps

pytestmark = pytest.mark.django_db


def audit_actions(payment) -> list[str]:
    return list(AuditEvent.objects.filter(target_uuid=payment.uuid).order_by("seq").values_list("action", flat=True))


def test_fee_is_the_sum_of_the_non_zero_fee_items_of_the_dossier_version(world, lodge):
    dossier = lodge()

    due = actions.payment_amount_due(dossier, Purpose.FEE)

    assert due.total == FEE + CHARGE == 100_000
    assert [item["name"] for item in due.items] == ["Lệ phí cấp giấy phép xây dựng", "Phí thẩm định"]


def test_fee_stays_the_one_of_the_version_the_dossier_was_lodged_under(world, lodge):
    dossier = lodge()
    procedure_version_publish(
        actor=None,
        procedure=world.procedure,
        valid_from=date(2021, 1, 1),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[DocumentSpec(name="Đơn đề nghị", originals=1)],
            fees=[FeeSpec(name="Lệ phí mới", amount=500_000)],
            steps=steps(),
        ),
    )

    payment = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)

    assert payment.amount == 100_000
    assert lodge().version.fees.get().amount == 500_000  # a new dossier gets the new version


def test_create_makes_one_pending_payment_with_a_valid_bill_and_an_audit_event(world, lodge):
    dossier = lodge()

    payment = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)

    assert payment.state == State.PENDING
    assert payment.amount == 100_000
    assert bill_number_valid(payment.bill_number)
    assert payment.payer_name == "Đặng Quốc Khánh"
    assert payment.expires_at > timezone.now() + timedelta(hours=23)
    assert audit_actions(payment) == ["payments.payment_create"]


def test_create_twice_gives_back_the_pending_payment(world, lodge):
    dossier = lodge()

    first = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
    second = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)

    assert first.pk == second.pk
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert first.redirect_url.startswith("/thanh-toan/cong-thu-nghiem/SBX")


def test_switching_method_cancels_the_pending_payment(world, lodge):
    dossier = lodge()
    qr = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)

    online = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)

    qr.refresh_from_db()
    assert qr.state == State.CANCELLED
    assert online.state == State.PENDING and online.pk != qr.pk
    assert audit_actions(qr) == ["payments.payment_create", "payments.payment_cancel"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param("free", "không phải nộp phí", id="zero-fee-procedure"),
        pytest.param("stranger", "không thể thanh toán", id="another-applicant"),
        pytest.param("outsider", "không thể thanh toán", id="official-of-another-agency"),
        pytest.param("withdrawn", "không nhận thanh toán", id="withdrawn-dossier"),
        pytest.param("obligation", "không có nghĩa vụ tài chính", id="no-obligation-requested"),
        pytest.param("method", "không hợp lệ", id="unknown-method"),
    ],
)
def test_create_refuses_with_a_vietnamese_message_and_stores_nothing(world, lodge, case, message):
    dossier = lodge(procedure=world.free_procedure) if case == "free" else lodge()
    actor, method, purpose = world.applicant, Method.VIETQR, Purpose.FEE
    if case == "stranger":
        actor = world.other_applicant
    if case == "outsider":
        actor = world.outsider
    if case == "withdrawn":
        dossier_withdraw(actor=world.applicant, dossier=dossier, reason="Không cần nữa")
    if case == "obligation":
        purpose = Purpose.OBLIGATION
    if case == "method":
        method = "tien-mat"
    events = AuditEvent.objects.count()

    with pytest.raises(PaymentError, match=message):
        actions.payment_create(actor=actor, dossier=dossier, method=method, purpose=purpose)

    assert not Payment.objects.exists()
    assert AuditEvent.objects.count() == events


def test_desk_officer_of_the_receiving_agency_may_create_a_payment(world, lodge):
    payment = actions.payment_create(actor=world.desk, dossier=lodge(), method=Method.VIETQR)

    assert payment.state == State.PENDING


def test_settle_with_the_exact_amount_pays_once_and_a_replay_changes_nothing(world, lodge):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)

    paid, changed = actions.payment_settle(actor=None, payment=payment, amount=100_000, source="callback")
    again, changed_again = actions.payment_settle(actor=None, payment=payment, amount=100_000, source="callback")

    assert changed is True and changed_again is False
    assert paid.state == again.state == State.PAID
    assert again.paid_at == paid.paid_at
    assert audit_actions(payment) == ["payments.payment_create", "payments.payment_settle"]


@pytest.mark.parametrize("amount", [99_999, 100_001, 0, 1_000_000], ids=["one-short", "one-over", "zero", "ten-times"])
def test_settle_refuses_any_other_amount_and_changes_nothing(world, lodge, amount):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)

    with pytest.raises(PaymentError, match="không khớp") as refused:
        actions.payment_settle(actor=None, payment=payment, amount=amount, source="callback")

    assert refused.value.code == PaymentErrorCode.AMOUNT_MISMATCH
    payment.refresh_from_db()
    assert payment.state == State.PENDING and payment.paid_at is None
    assert audit_actions(payment) == ["payments.payment_create"]


def test_a_paid_payment_never_goes_back(world, lodge):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    actions.payment_settle(actor=None, payment=payment, amount=100_000, source="callback")

    _, failed = actions.payment_fail(actor=None, payment=payment, source="callback")
    with pytest.raises(PaymentError, match="không thể chuyển sang"):
        actions.payment_expire(actor=None, payment=payment, now=timezone.now() + timedelta(days=30))
    with pytest.raises(PaymentError, match="không thể chuyển sang"):
        actions.payment_cancel(actor=world.applicant, payment=payment)

    payment.refresh_from_db()
    assert failed is False
    assert payment.state == State.PAID
    assert audit_actions(payment) == ["payments.payment_create", "payments.payment_settle"]


def test_fees_paid_once_are_not_asked_again(world, lodge):
    dossier = lodge()
    payment = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
    actions.payment_settle(actor=None, payment=payment, amount=100_000, source="callback")

    with pytest.raises(PaymentError, match="đã được thanh toán"):
        actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)


def test_expire_only_after_the_limit(world, lodge):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)

    with pytest.raises(PaymentError, match="chưa hết thời hạn"):
        actions.payment_expire(actor=None, payment=payment)
    expired = actions.payment_expire(actor=None, payment=payment, now=payment.expires_at)

    assert expired.state == State.EXPIRED
    assert audit_actions(payment) == ["payments.payment_create", "payments.payment_expire"]


def test_money_that_arrives_after_expiry_is_still_recorded(world, lodge):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    actions.payment_expire(actor=None, payment=payment, now=payment.expires_at)

    paid, changed = actions.payment_settle(actor=None, payment=payment, amount=100_000, source="reconciliation")

    assert changed and paid.state == State.PAID


def test_paying_the_requested_obligation_resumes_the_dossier(world, lodge):
    dossier = dossier_receive(actor=world.desk, dossier=lodge())
    dossier_request_payment(
        actor=world.desk, dossier=dossier, items=[{"name": "Tiền sử dụng đất", "amount": 1_250_000}]
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.FINANCIAL_OBLIGATION and dossier.is_paused

    payment = actions.payment_create(
        actor=world.applicant, dossier=dossier, method=Method.GATEWAY, purpose=Purpose.OBLIGATION
    )
    actions.payment_settle(actor=None, payment=payment, amount=1_250_000, source="callback")

    dossier.refresh_from_db()
    assert payment.amount == 1_250_000
    assert dossier.status == Status.PROCESSING and not dossier.is_paused
    assert dossier.waits.get().resolved_at is not None
    assert dossier.events.filter(transition="payment_done").count() == 1


def test_paying_the_fee_does_not_touch_a_waiting_dossier(world, lodge):
    dossier = dossier_receive(actor=world.desk, dossier=lodge())
    payment = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY)
    dossier_request_payment(actor=world.desk, dossier=dossier, items=[{"name": "Tiền thuê đất", "amount": 300_000}])

    actions.payment_settle(actor=None, payment=payment, amount=100_000, source="callback")

    dossier.refresh_from_db()
    assert dossier.status == Status.FINANCIAL_OBLIGATION


def test_payment_audit_events_carry_the_receiving_agency(world, lodge):
    payment = actions.payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)

    event = AuditEvent.objects.get(target_uuid=payment.uuid)

    assert event.agency_uuid == world.department.uuid
    assert event.actor_username == "congdan"
    assert event.changes["amount"] == [None, 100_000]


def test_a_pending_payment_past_its_time_is_expired_and_replaced(world, lodge):
    dossier = lodge()
    old = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)
    Payment.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    new = actions.payment_create(actor=world.applicant, dossier=dossier, method=Method.VIETQR)

    old.refresh_from_db()
    assert new.pk != old.pk and new.state == State.PENDING
    assert old.state == State.EXPIRED
    assert audit_actions(old) == ["payments.payment_create", "payments.payment_expire"]
