"""Demo payments: some open online demo dossiers pay their fees through the sandbox gateway
(the tester's "pay" choice and its signed callback), a few by VietQR confirmed at the desk, and a
few are left pending for the reconciliation to find.

Made through the actions (``payment_create``, the sandbox's callback, ``payment_settle``).
Deterministic and idempotent: a dossier that has a payment is skipped.
"""

from apps.core.demo import demo_step
from apps.dossiers.models import Dossier
from apps.dossiers.statuses import CLOSED, Channel
from apps.procedures.models import FeeItem

from . import actions
from .errors import PaymentError
from .gateways import gateway
from .models import CallbackLog, Method, Payment
from .sandbox import sandbox_decide

LIMIT = 40  # demo dossiers that get a payment


def demo_candidates():
    fee_versions = FeeItem.objects.filter(amount__gt=0).values("version_id")
    return (
        Dossier.objects.filter(channel=Channel.ONLINE, version_id__in=fee_versions)
        .exclude(status__in=CLOSED)
        .exclude(pk__in=Payment.objects.values("dossier_id"))
        .order_by("pk")
    )


@demo_step(order=40, label="Thanh toán phí, lệ phí mẫu (cổng thử nghiệm, VietQR)")
def demo_payments(report) -> None:
    if gateway() is None:
        report("không có cổng thanh toán thử nghiệm (EGOV_PAYMENT_GATEWAY): bỏ qua")
        return
    made = Payment.objects.count()
    for index, dossier in enumerate(list(demo_candidates()[: max(LIMIT - made, 0)])):
        fate = index % 8
        method = Method.VIETQR if fate in (5, 6) else Method.GATEWAY
        try:
            payment = actions.payment_create(actor=None, dossier=dossier, method=method)
        except PaymentError:
            continue
        if method == Method.GATEWAY and fate != 7:
            sandbox_decide(gateway(), payment.gateway_reference, "paid")
        elif fate == 5:
            actions.payment_settle(
                actor=None,
                payment=payment,
                amount=payment.amount,
                source=CallbackLog.Source.DESK,
                reference=f"FT{payment.bill_number[3:13]}",
            )
        # fate 6 (VietQR) and 7 (gateway) stay pending: the reconciliation finds them.
    report(f"{Payment.objects.count()} khoản thanh toán")
