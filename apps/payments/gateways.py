"""Payment-gateway adapters: start a payment (→ the page to send the payer to), verify a callback,
query a transaction's status. ``gateway()`` returns the one configured by EGOV_PAYMENT_GATEWAY.

Messages between egov and a gateway are flat string fields signed with HMAC-SHA256 over their
canonical form (``canonical``): the signed fields in a fixed order as ``name=value`` joined by
``&``, the signature in hex in the ``signature`` field, compared in constant time. The national
payment platform's API (PayGov) was not found (docs: regulations §7), so the only adapter shipped
is the local sandbox; a real one implements ``Gateway`` with the provider's own fields and keys.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .errors import PaymentError, PaymentErrorCode

SIGNED_FIELDS = ("amount", "bill_number", "reference", "status", "sent_at")
REPORTED_STATUSES = ("paid", "failed", "pending")


@dataclass(frozen=True)
class GatewayStart:
    redirect_url: str
    reference: str


@dataclass(frozen=True)
class GatewayReport:
    """What the gateway says about one transaction (from a callback or a status query)."""

    bill_number: str
    reference: str
    status: str  # paid, failed, pending, or unknown (the gateway does not know it)
    amount: int | None
    sent_at: str = ""


class CallbackInvalid(PaymentError):
    """A callback that is not what the gateway signed, or is malformed."""

    def __init__(self, message: str):
        super().__init__(PaymentErrorCode.CALLBACK_REFUSED, message)


class Gateway(Protocol):
    name: str

    def start(self, payment, *, return_url: str) -> GatewayStart: ...

    def verify_callback(self, fields: dict[str, str]) -> GatewayReport: ...

    def query(self, payment) -> GatewayReport: ...


def canonical(fields: dict[str, str]) -> str:
    return "&".join(f"{name}={fields.get(name, '')}" for name in SIGNED_FIELDS)


def sign(fields: dict[str, str], secret: bytes) -> str:
    return hmac.new(secret, canonical(fields).encode(), hashlib.sha256).hexdigest()


def signature_valid(fields: dict[str, str], signature: str, secret: bytes) -> bool:
    return hmac.compare_digest(sign(fields, secret), (signature or "").strip().lower())


def report_from_fields(fields: dict[str, str], secret: bytes) -> GatewayReport:
    """Check the signature and the shape of callback fields; a Vietnamese ``CallbackInvalid`` if wrong."""
    if not signature_valid(fields, fields.get("signature", ""), secret):
        raise CallbackInvalid("Chữ ký của thông báo thanh toán không hợp lệ; thông báo bị từ chối.")
    status = fields.get("status", "")
    if status not in REPORTED_STATUSES:
        raise CallbackInvalid(f"Trạng thái thanh toán không hợp lệ: {status[:20]!r}.")
    amount_text = fields.get("amount", "")
    if not (amount_text.isascii() and amount_text.isdigit()) or len(amount_text) > 15:
        raise CallbackInvalid("Số tiền trong thông báo thanh toán không hợp lệ.")
    return GatewayReport(
        bill_number=fields.get("bill_number", ""),
        reference=fields.get("reference", ""),
        status=status,
        amount=int(amount_text),
        sent_at=fields.get("sent_at", ""),
    )


def signed_fields(*, bill_number: str, reference: str, status: str, amount: int, secret: bytes, sent_at=None) -> dict:
    """The fields of a gateway message, signed (what the sandbox sends; tests forge variants of it)."""
    moment: datetime = sent_at or timezone.now()
    fields = {
        "amount": str(amount),
        "bill_number": bill_number,
        "reference": reference,
        "status": status,
        "sent_at": moment.strftime("%Y%m%d%H%M%S"),
    }
    fields["signature"] = sign(fields, secret)
    return fields


# --- the local sandbox gateway --------------------------------------------------------------------
def sandbox_secret() -> bytes:
    if settings.PAYMENT_GATEWAY_SECRET:
        return settings.PAYMENT_GATEWAY_SECRET.encode()
    return hashlib.sha256(b"egov-payment-sandbox:" + settings.SECRET_KEY.encode()).digest()


class SandboxGateway:
    """The project's own test gateway: its pages let a tester pay, fail or leave a payment pending.

    It keeps its side of each transaction in ``SandboxTransaction`` (as a real gateway would in its
    own system), sends the signed callback when the tester decides, and answers status queries from
    that table.
    """

    name = "sandbox"

    def __init__(self, secret: bytes):
        self.secret = secret

    def start(self, payment, *, return_url: str) -> GatewayStart:
        from .models import SandboxTransaction

        reference = "SBX" + secrets.token_hex(8).upper()
        SandboxTransaction.objects.create(
            reference=reference,
            bill_number=payment.bill_number,
            amount=payment.amount,
            description=payment.description,
            return_url=return_url,
            created_at=timezone.now(),
        )
        return GatewayStart(redirect_url=reverse("payments:sandbox", args=[reference]), reference=reference)

    def verify_callback(self, fields: dict[str, str]) -> GatewayReport:
        return report_from_fields(fields, self.secret)

    def query(self, payment) -> GatewayReport:
        from .models import SandboxTransaction

        found = SandboxTransaction.objects.filter(reference=payment.gateway_reference).first()
        if found is None:
            return GatewayReport(payment.bill_number, payment.gateway_reference, "unknown", None)
        return GatewayReport(found.bill_number, found.reference, found.status, found.amount)


def gateway() -> Gateway | None:
    """The configured gateway, or None when payments go by VietQR only."""
    if settings.PAYMENT_GATEWAY == "sandbox":
        return SandboxGateway(sandbox_secret())
    return None


def gateway_named(name: str) -> Gateway | None:
    """The adapter that handles payments started with gateway ``name`` (None if no longer configured)."""
    configured = gateway()
    return configured if configured is not None and configured.name == name else None
