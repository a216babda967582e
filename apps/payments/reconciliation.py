"""Reconciliation: ask the gateway about pending payments, settle or fail them as it says, and
expire those nobody confirmed in time (EGOV_PAYMENT_EXPIRE_MINUTES).

Run by a periodic task; safe to run twice or by two workers at once: each payment is handled
under its row lock, a payment locked by another run is skipped (PostgreSQL; SQLite serialises the
writers), and settling is idempotent anyway. A callback lost on the way is made up for here.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .actions import payment_expire, payment_fail, payment_settle
from .errors import PaymentError
from .gateways import gateway_named
from .models import CallbackLog, Method, Payment, State


@dataclass
class RunReport:
    settled: int = 0
    failed: int = 0
    expired: int = 0
    still_pending: int = 0
    refused: int = 0


def _log(payment: Payment, outcome: str, *, status: str = "", amount=None, detail: str = "") -> None:
    text = f"{payment.bill_number}|{payment.gateway_reference}|{status}|{amount}"
    CallbackLog.objects.create(
        received_at=timezone.now(),
        source=CallbackLog.Source.RECONCILIATION,
        payment=payment,
        bill_number=payment.bill_number,
        gateway_reference=payment.gateway_reference,
        reported_status=status,
        reported_amount=amount,
        payload_sha256=hashlib.sha256(text.encode()).hexdigest(),
        payload=text,
        signature_ok=True,
        outcome=outcome,
        detail=detail[:500],
    )


def reconcile_run(now: datetime | None = None) -> RunReport:
    """Handle every pending payment once; return what was done."""
    now = now or timezone.now()
    report = RunReport()
    pending = Payment.objects.filter(state=State.PENDING).order_by("created_at").values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("dossier")
                .filter(pk=pk, state=State.PENDING)
                .first()
            )
            if payment is None:
                continue  # settled meanwhile, or another run holds it
            adapter = gateway_named(payment.gateway) if payment.method == Method.GATEWAY else None
            answer = adapter.query(payment) if adapter is not None and payment.gateway_reference else None
            payment.last_checked_at = now
            payment.save(update_fields=["last_checked_at", "updated_at"])
            if answer is not None and answer.status == "paid":
                try:
                    with transaction.atomic():
                        payment_settle(
                            actor=None,
                            payment=payment,
                            amount=answer.amount if answer.amount is not None else -1,
                            source=CallbackLog.Source.RECONCILIATION,
                            reference=answer.reference,
                        )
                except PaymentError as error:
                    _log(
                        payment, CallbackLog.Outcome.REFUSED, status="paid", amount=answer.amount, detail=error.message
                    )
                    report.refused += 1
                    continue
                _log(payment, CallbackLog.Outcome.SETTLED, status="paid", amount=answer.amount)
                report.settled += 1
            elif answer is not None and answer.status == "failed":
                payment_fail(actor=None, payment=payment, source=CallbackLog.Source.RECONCILIATION)
                _log(payment, CallbackLog.Outcome.FAILED, status="failed", amount=answer.amount)
                report.failed += 1
            elif payment.expires_at <= now:
                payment_expire(actor=None, payment=payment, now=now)
                _log(
                    payment,
                    CallbackLog.Outcome.EXPIRED,
                    status=answer.status if answer else "",
                    detail="Hết thời hạn chờ",
                )
                report.expired += 1
            else:
                report.still_pending += 1
    return report
