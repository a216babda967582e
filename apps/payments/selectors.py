"""Every scoped read of payments: the applicant's own dossiers and payments, the officials' view
through the dossiers they reach, and paid/unpaid for many dossiers at once (inbox lists).

An applicant reaches the payments of the dossiers they lodged online; an official, those of the
dossiers ``dossiers_for_official`` gives them. Anything else is "not found".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from apps.dossiers.models import Dossier
from apps.dossiers.selectors import dossiers_for_official
from apps.dossiers.statuses import CLOSED, Status
from apps.procedures.models import FeeItem

from .gateways import gateway
from .models import Method, Payment, Purpose, State
from .vietqr import collection_account, qr_svg_uri, vietqr_payload


class PaymentState:
    """Paid/unpaid of a dossier's fees, as the desk sees it."""

    FREE = "free"  # the procedure charges nothing
    UNPAID = "unpaid"
    PENDING = "pending"  # a payment is waiting for the payer or the gateway
    PAID = "paid"

    LABELS = {FREE: "Không thu phí", UNPAID: "Chưa thanh toán", PENDING: "Đang chờ thanh toán", PAID: "Đã thanh toán"}


def _is_applicant(user, dossier: Dossier) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
    )


def dossier_for_payer(user, uuid) -> Dossier | None:
    """The dossier with this UUID if ``user`` lodged it online, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Dossier.objects.select_related("procedure", "version", "receiving_agency")
        .filter(uuid=uuid, applicant=user)
        .first()
    )


def payment_for_payer(user, uuid) -> Payment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Payment.objects.select_related("dossier__procedure").filter(uuid=uuid, dossier__applicant=user).first()


def payment_for_user(user, uuid) -> Payment | None:
    """A payment the applicant made, or one of a dossier the official reaches."""
    payment = payment_for_payer(user, uuid)
    if payment is not None:
        return payment
    if not getattr(user, "is_official", False):
        return None
    return (
        Payment.objects.select_related("dossier__procedure")
        .filter(uuid=uuid, dossier__in=dossiers_for_official(user))
        .first()
    )


def payment_purpose_for(dossier: Dossier) -> str:
    """What the applicant is asked to pay now: the obligation the dossier waits for, else the fees."""
    return Purpose.OBLIGATION if dossier.status == Status.FINANCIAL_OBLIGATION else Purpose.FEE


def payment_methods_available(dossier: Dossier) -> list[str]:
    methods = []
    if collection_account(dossier.receiving_agency) is not None:
        methods.append(Method.VIETQR)
    if gateway() is not None:
        methods.append(Method.GATEWAY)
    return methods


@dataclass
class PaymentPanel:
    """What a page shows about a dossier's payments."""

    state: str
    label: str
    fee_total: int
    paid_total: int
    payments: list[Payment] = field(default_factory=list)
    pending: Payment | None = None
    closed: bool = False
    due_now: int = 0  # what the applicant is asked to pay now (fees or the requested obligation)
    qr_uri: str = ""  # the VietQR image of a pending bank-transfer bill


def dossier_payment_panel(dossier: Dossier) -> PaymentPanel:
    """The payments of one dossier (already reached by the caller) with its paid/unpaid state."""
    payments = list(dossier.payments.order_by("-created_at"))
    fee_total = sum(f.amount for f in dossier.version.fees.all())
    state = _state(fee_total, {p.state for p in payments if p.purpose == Purpose.FEE})
    pending = next((p for p in payments if p.state == State.PENDING), None)
    if dossier.status == Status.FINANCIAL_OBLIGATION and pending is None:
        state = PaymentState.UNPAID
    purpose = payment_purpose_for(dossier)
    owed = purpose == Purpose.OBLIGATION or not any(p.purpose == purpose and p.state == State.PAID for p in payments)
    panel = PaymentPanel(
        state=state,
        label=PaymentState.LABELS[state],
        fee_total=fee_total,
        paid_total=sum(p.amount for p in payments if p.state == State.PAID),
        payments=payments,
        pending=pending,
        closed=dossier.status in CLOSED,
    )
    if owed and not panel.closed:
        from .actions import payment_amount_due

        panel.due_now = payment_amount_due(dossier, purpose).total
    if pending is not None and pending.method == Method.VIETQR:
        account = collection_account(dossier.receiving_agency)
        if account is not None:
            panel.qr_uri = qr_svg_uri(vietqr_payload(pending, account))
    return panel


def _state(fee_total: int, states: set[str]) -> str:
    if State.PAID in states:
        return PaymentState.PAID
    if State.PENDING in states:
        return PaymentState.PENDING
    return PaymentState.UNPAID if fee_total > 0 else PaymentState.FREE


def payment_states(dossiers) -> dict[int, str]:
    """Paid/unpaid of the fees of many dossiers ({dossier id: PaymentState}) in two queries,
    whatever their number: for inbox lists. ``dossiers`` are Dossier objects, or their ids (one
    query more, for their procedure versions)."""
    dossiers = list(dossiers)
    if not dossiers:
        return {}
    if not isinstance(dossiers[0], Dossier):
        dossiers = list(Dossier.objects.filter(pk__in=dossiers).only("pk", "version_id"))
    fee_totals = dict(
        FeeItem.objects.filter(version_id__in={d.version_id for d in dossiers})
        .values_list("version_id")
        .annotate(total=Sum("amount"))
        .values_list("version_id", "total")
    )
    states: dict[int, set[str]] = defaultdict(set)
    for dossier_id, state in Payment.objects.filter(
        dossier_id__in=[d.pk for d in dossiers], purpose=Purpose.FEE, state__in=[State.PAID, State.PENDING]
    ).values_list("dossier_id", "state"):
        states[dossier_id].add(state)
    return {d.pk: _state(fee_totals.get(d.version_id) or 0, states[d.pk]) for d in dossiers}
