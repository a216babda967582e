"""Every state change of a payment: create (with the amount computed here, once), settle, fail,
expire, cancel, and the gateway's callbacks.

Each action locks the payment row (``payment_create`` locks the dossier, so two clicks on "pay"
make one payment), checks the move against ``models.TRANSITIONS``, and writes an audit event in its
transaction. Settling is idempotent: a second report that the payment is paid (a replayed
callback, the reconciliation after the callback) changes nothing and is logged as a replay; a paid
payment never leaves ``paid``. When the settled payment is the financial obligation the dossier is
waiting for, the dossier's own action ``dossier_payment_done`` resumes its clock.
"""

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.audit.actions import audit_record
from apps.core.formatting import format_money
from apps.core.working_days import VN_TZ
from apps.dossiers.actions import dossier_payment_done
from apps.dossiers.errors import DossierError
from apps.dossiers.models import Dossier, DossierWait
from apps.dossiers.selectors import dossiers_for_official
from apps.dossiers.statuses import CLOSED, Status

from .bills import bill_number_new
from .errors import PaymentError, PaymentErrorCode
from .gateways import CallbackInvalid, gateway
from .models import TRANSITIONS, CallbackLog, Method, Payment, Purpose, State
from .vietqr import collection_account

PAYLOAD_KEPT = 4096


@dataclass(frozen=True)
class Due:
    """What a dossier owes for one purpose: the items and their total in đồng."""

    items: list[dict]
    total: int
    description: str


# --- amounts ----------------------------------------------------------------------------------
def _open_obligation(dossier: Dossier) -> DossierWait | None:
    return (
        dossier.waits.filter(kind=DossierWait.Kind.FINANCIAL, resolved_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )


def payment_amount_due(dossier: Dossier, purpose: str) -> Due:
    """The items and total ``dossier`` owes for ``purpose``, from the procedure version it was
    received under (fees) or from the obligation an official asked for (obligation)."""
    if purpose == Purpose.FEE:
        items = [
            {"name": fee.name, "kind": fee.kind, "amount": int(fee.amount)}
            for fee in dossier.version.fees.all()
            if fee.amount > 0
        ]
        label = "Phí, lệ phí"
    elif purpose == Purpose.OBLIGATION:
        wait = _open_obligation(dossier)
        items = [{"name": i["name"], "amount": int(i["amount"])} for i in (wait.items if wait else [])]
        label = "Nghĩa vụ tài chính"
    else:
        raise PaymentError(PaymentErrorCode.NOTHING_TO_PAY, "Mục đích thanh toán không hợp lệ.")
    reference = dossier.code or dossier.procedure.code
    return Due(items=items, total=sum(i["amount"] for i in items), description=f"{label} hồ sơ {reference}")


# --- helpers ------------------------------------------------------------------------------------
def _may_pay(actor, dossier: Dossier) -> bool:
    """The applicant of the dossier, an official who may act on it, or the system (None)."""
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    if dossier.applicant_id is not None and actor.pk == dossier.applicant_id:
        return True
    return actor.is_official and dossiers_for_official(actor, change=True).filter(pk=dossier.pk).exists()


def _lock(payment: Payment) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",)).select_related("dossier__receiving_agency").get(pk=payment.pk)
    )


def _check_move(payment: Payment, target: str) -> None:
    if target not in TRANSITIONS[payment.state]:
        raise PaymentError(
            PaymentErrorCode.TRANSITION_REFUSED,
            f"Khoản thanh toán {payment.bill_number} đang ở trạng thái “{State(payment.state).label}”, "
            f"không thể chuyển sang “{State(target).label}”.",
        )


def _audit(actor, payment: Payment, action: str, *, before: dict | None = None, after: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=f"payments.{action}",
        target=payment,
        target_label=payment.bill_number,
        before=before,
        after={"dossier": payment.dossier.code or str(payment.dossier.uuid), **(after or {})},
        agency=payment.dossier.receiving_agency,
    )


# --- create -----------------------------------------------------------------------------------
@transaction.atomic
def payment_create(
    *, actor, dossier: Dossier, method: str, purpose: str = Purpose.FEE, return_url: str = ""
) -> Payment:
    """Ask ``dossier``'s applicant to pay what it owes for ``purpose`` by ``method``.

    Idempotent while a payment is pending: the same dossier, purpose and method give the pending
    payment back (a double click makes one bill); another method cancels the pending one and makes
    a new bill. With the gateway, the payment carries the page to send the payer to.
    """
    if method not in Method.values:
        raise PaymentError(PaymentErrorCode.METHOD_UNAVAILABLE, "Hình thức thanh toán không hợp lệ.")
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("version", "procedure", "receiving_agency")
        .get(pk=dossier.pk)
    )
    if not _may_pay(actor, dossier):
        raise PaymentError(PaymentErrorCode.NOT_YOURS, "Bạn không thể thanh toán cho hồ sơ này.")
    if dossier.status in CLOSED:
        raise PaymentError(
            PaymentErrorCode.DOSSIER_CLOSED,
            f"Hồ sơ đang ở trạng thái “{Status(dossier.status).label}”, không nhận thanh toán.",
        )
    if purpose == Purpose.OBLIGATION and dossier.status != Status.FINANCIAL_OBLIGATION:
        raise PaymentError(PaymentErrorCode.NOTHING_TO_PAY, "Hồ sơ không có nghĩa vụ tài chính đang chờ thực hiện.")
    due = payment_amount_due(dossier, purpose)
    if due.total <= 0:
        raise PaymentError(PaymentErrorCode.NOTHING_TO_PAY, "Hồ sơ này không phải nộp phí, lệ phí.")
    paid = dossier.payments.filter(purpose=purpose, state=State.PAID)
    if purpose == Purpose.OBLIGATION:
        paid = paid.filter(created_at__gte=_open_obligation(dossier).requested_at)
    if paid.exists():
        raise PaymentError(PaymentErrorCode.ALREADY_PAID, "Khoản này đã được thanh toán.")
    if method == Method.VIETQR and collection_account(dossier.receiving_agency) is None:
        raise PaymentError(
            PaymentErrorCode.METHOD_UNAVAILABLE, "Cơ quan tiếp nhận chưa khai báo tài khoản nhận chuyển khoản VietQR."
        )
    adapter = gateway() if method == Method.GATEWAY else None
    if method == Method.GATEWAY and adapter is None:
        raise PaymentError(PaymentErrorCode.METHOD_UNAVAILABLE, "Chưa có cổng thanh toán trực tuyến nào được cấu hình.")

    pending = dossier.payments.filter(purpose=purpose, state=State.PENDING).first()
    if pending is not None and pending.expires_at <= timezone.now():
        payment_expire(actor=None, payment=pending)  # the reconciliation has not come by yet
        pending = None
    if pending is not None:
        if pending.method == method and pending.amount == due.total:
            return pending
        _cancel(actor, _lock(pending), reason="Đổi hình thức thanh toán" if pending.method != method else "Đổi số tiền")

    now = timezone.now()
    payment = Payment(
        dossier=dossier,
        purpose=purpose,
        description=due.description,
        items=due.items,
        amount=due.total,
        method=method,
        payer_name=dossier.applicant_name,
        expires_at=now + timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES),
    )
    for _attempt in range(3):
        payment.bill_number = bill_number_new(now.astimezone(VN_TZ).date())
        try:
            with transaction.atomic():
                payment.save(force_insert=True)
            break
        except IntegrityError:
            if Payment.objects.filter(dossier=dossier, purpose=purpose, state=State.PENDING).exists():
                raise  # a writer that bypassed the lock; the constraint did its job
            payment.pk = None  # bill number clash (45 random bits a day): draw again
    else:
        raise PaymentError(PaymentErrorCode.GATEWAY_ERROR, "Không cấp được số hóa đơn; vui lòng thử lại.")
    if adapter is not None:
        started = adapter.start(payment, return_url=return_url)
        payment.gateway, payment.gateway_reference = adapter.name, started.reference
        payment.redirect_url = started.redirect_url
        payment.save(update_fields=["gateway", "gateway_reference", "redirect_url", "updated_at"])
    _audit(
        actor,
        payment,
        "payment_create",
        after={
            "state": payment.state,
            "amount": payment.amount,
            "method": payment.method,
            "purpose": payment.purpose,
            "bill_number": payment.bill_number,
        },
    )
    return payment


# --- settle, fail, expire, cancel -----------------------------------------------------------------
def _resume_dossier(payment: Payment) -> None:
    """Resume the dossier's clock when this was the obligation it waits for (its own action decides)."""
    if payment.purpose != Purpose.OBLIGATION:
        return
    dossier = Dossier.objects.only("pk", "status").get(pk=payment.dossier_id)
    if dossier.status != Status.FINANCIAL_OBLIGATION:
        return
    # The dossier may have moved on meanwhile (withdrawn, stopped): the payment stays paid.
    with contextlib.suppress(DossierError):
        dossier_payment_done(actor=None, dossier=dossier, expected_status=Status.FINANCIAL_OBLIGATION)


@transaction.atomic
def payment_settle(
    *, actor, payment: Payment, amount: int, source: str, reference: str = "", paid_at: datetime | None = None
) -> tuple[Payment, bool]:
    """Record that ``payment`` is paid (from a verified callback, the reconciliation or the desk).

    ``amount`` must equal the payment's amount exactly. Returns (payment, changed): changed is
    False when it was already paid (a replay), which changes nothing.
    """
    payment = _lock(payment)
    if payment.state == State.PAID:
        return payment, False
    if int(amount) != payment.amount:
        raise PaymentError(
            PaymentErrorCode.AMOUNT_MISMATCH,
            f"Số tiền báo về ({format_money(amount)}) không khớp số tiền phải nộp ({format_money(payment.amount)}) "
            f"của hóa đơn {payment.bill_number}.",
        )
    _check_move(payment, State.PAID)
    before = {"state": payment.state}
    payment.state = State.PAID
    payment.paid_at = paid_at or timezone.now()
    payment.settled_by = source
    if reference and not payment.gateway_reference:
        payment.gateway_reference = reference[:100]
    payment.save(update_fields=["state", "paid_at", "settled_by", "gateway_reference", "updated_at"])
    _audit(
        actor,
        payment,
        "payment_settle",
        before=before,
        after={"state": payment.state, "amount": payment.amount, "source": source, "reference": reference[:100]},
    )
    _resume_dossier(payment)
    return payment, True


@transaction.atomic
def payment_fail(*, actor, payment: Payment, source: str, detail: str = "") -> tuple[Payment, bool]:
    """The gateway says the payer's payment failed: a pending payment becomes failed (a paid one stays)."""
    payment = _lock(payment)
    if payment.state != State.PENDING:
        return payment, False
    payment.state, payment.closed_at = State.FAILED, timezone.now()
    payment.save(update_fields=["state", "closed_at", "updated_at"])
    _audit(
        actor,
        payment,
        "payment_fail",
        before={"state": State.PENDING},
        after={"state": payment.state, "source": source, "detail": detail[:200]},
    )
    return payment, True


@transaction.atomic
def payment_expire(*, actor, payment: Payment, now: datetime | None = None) -> Payment:
    """Close a pending payment whose time is up (the reconciliation does it; the gateway said nothing)."""
    now = now or timezone.now()
    payment = _lock(payment)
    _check_move(payment, State.EXPIRED)
    if payment.expires_at > now:
        raise PaymentError(
            PaymentErrorCode.TRANSITION_REFUSED, f"Khoản thanh toán {payment.bill_number} chưa hết thời hạn chờ."
        )
    payment.state, payment.closed_at = State.EXPIRED, now
    payment.save(update_fields=["state", "closed_at", "updated_at"])
    _audit(actor, payment, "payment_expire", before={"state": State.PENDING}, after={"state": payment.state})
    return payment


def _cancel(actor, payment: Payment, *, reason: str) -> Payment:
    _check_move(payment, State.CANCELLED)
    payment.state, payment.closed_at = State.CANCELLED, timezone.now()
    payment.save(update_fields=["state", "closed_at", "updated_at"])
    _audit(
        actor,
        payment,
        "payment_cancel",
        before={"state": State.PENDING},
        after={"state": payment.state, "reason": reason},
    )
    return payment


@transaction.atomic
def payment_cancel(*, actor, payment: Payment, reason: str = "") -> Payment:
    """The applicant (or the desk) gives up a pending payment."""
    payment = _lock(payment)
    if not _may_pay(actor, payment.dossier):
        raise PaymentError(PaymentErrorCode.NOT_YOURS, "Bạn không thể hủy khoản thanh toán này.")
    return _cancel(actor, payment, reason=reason.strip() or "Người nộp hủy")


@transaction.atomic
def payment_confirm_transfer(*, actor, payment: Payment, bank_reference: str) -> Payment:
    """A desk officer confirms a VietQR transfer seen on the collection account's statement."""
    bank_reference = " ".join((bank_reference or "").split())
    if not bank_reference:
        raise PaymentError(PaymentErrorCode.NOT_PAID, "Cần ghi mã giao dịch trên sao kê tài khoản.")
    if (
        actor is None
        or not getattr(actor, "is_official", False)
        or Role.DESK_OFFICER not in actor.role_codes()
        or not dossiers_for_official(actor, change=True).filter(pk=payment.dossier_id).exists()
    ):
        raise PaymentError(
            PaymentErrorCode.NOT_YOURS, "Chỉ cán bộ một cửa của cơ quan tiếp nhận xác nhận được chuyển khoản."
        )
    if payment.method != Method.VIETQR:
        raise PaymentError(PaymentErrorCode.TRANSITION_REFUSED, "Chỉ xác nhận thủ công khoản chuyển khoản VietQR.")
    payment, changed = payment_settle(
        actor=actor, payment=payment, amount=payment.amount, source=CallbackLog.Source.DESK, reference=bank_reference
    )
    CallbackLog.objects.create(
        received_at=timezone.now(),
        source=CallbackLog.Source.DESK,
        payment=payment,
        bill_number=payment.bill_number,
        gateway_reference=bank_reference[:100],
        reported_status="paid",
        reported_amount=payment.amount,
        payload_sha256=hashlib.sha256(bank_reference.encode()).hexdigest(),
        payload=bank_reference[:PAYLOAD_KEPT],
        signature_ok=False,
        outcome=CallbackLog.Outcome.SETTLED if changed else CallbackLog.Outcome.DUPLICATE,
        detail=f"Xác nhận bởi {actor.get_full_name() or actor.get_username()}"[:500],
    )
    return payment


# --- callbacks --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallbackResult:
    ok: bool
    outcome: str
    message: str
    payment: Payment | None = None


def _log(**fields) -> CallbackLog:
    return CallbackLog.objects.create(received_at=timezone.now(), **fields)


def payment_callback_receive(*, body: bytes, remote_ip: str | None = None) -> CallbackResult:
    """Handle one gateway callback as it came (urlencoded fields, signed).

    Verifies the signature (constant time), the bill number, the gateway reference and the amount;
    a refused callback changes nothing but its log row, and the result carries a Vietnamese message.
    """
    digest = hashlib.sha256(body).hexdigest()
    try:
        text = body.decode("utf-8")
        fields = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        text, fields = "", {}
    base = {
        "source": CallbackLog.Source.CALLBACK,
        "payload_sha256": digest,
        "payload": text[:PAYLOAD_KEPT],
        "bill_number": fields.get("bill_number", "")[:100],
        "gateway_reference": fields.get("reference", "")[:100],
        "reported_status": fields.get("status", "")[:20],
        "remote_ip": remote_ip,
    }

    def refuse(message: str, *, signature_ok: bool, payment=None) -> CallbackResult:
        with transaction.atomic():
            _log(
                **base,
                payment=payment,
                signature_ok=signature_ok,
                outcome=CallbackLog.Outcome.REFUSED,
                detail=message[:500],
            )
        return CallbackResult(False, CallbackLog.Outcome.REFUSED, message, payment)

    adapter = gateway()
    if adapter is None:
        return refuse("Hệ thống không dùng cổng thanh toán trực tuyến.", signature_ok=False)
    try:
        report = adapter.verify_callback(fields)
    except CallbackInvalid as error:
        return refuse(error.message, signature_ok=False)
    base["reported_amount"] = report.amount
    payment = (
        Payment.objects.filter(bill_number=report.bill_number)
        .only("pk", "uuid", "bill_number", "gateway", "gateway_reference")
        .first()
    )
    if payment is None:
        return refuse(f"Không có khoản thanh toán nào có số hóa đơn {report.bill_number[:30]!r}.", signature_ok=True)
    if payment.gateway != adapter.name or payment.gateway_reference != report.reference:
        return refuse(
            f"Mã giao dịch của cổng không khớp với hóa đơn {payment.bill_number}.", signature_ok=True, payment=payment
        )
    try:
        with transaction.atomic():
            if report.status == "paid":
                payment, changed = payment_settle(
                    actor=None,
                    payment=payment,
                    amount=report.amount,
                    source=CallbackLog.Source.CALLBACK,
                    reference=report.reference,
                )
                outcome = CallbackLog.Outcome.SETTLED if changed else CallbackLog.Outcome.DUPLICATE
            elif report.status == "failed":
                payment, changed = payment_fail(actor=None, payment=payment, source=CallbackLog.Source.CALLBACK)
                outcome = CallbackLog.Outcome.FAILED if changed else CallbackLog.Outcome.DUPLICATE
            else:
                outcome = CallbackLog.Outcome.PENDING
            _log(**base, payment=payment, signature_ok=True, outcome=outcome)
    except PaymentError as error:
        return refuse(error.message, signature_ok=True, payment=payment)
    messages = {
        CallbackLog.Outcome.SETTLED: "Đã ghi nhận thanh toán.",
        CallbackLog.Outcome.FAILED: "Đã ghi nhận thanh toán không thành công.",
        CallbackLog.Outcome.DUPLICATE: "Thông báo lặp lại: không thay đổi gì.",
        CallbackLog.Outcome.PENDING: "Giao dịch chưa hoàn tất.",
    }
    return CallbackResult(True, outcome, messages[outcome], payment)
