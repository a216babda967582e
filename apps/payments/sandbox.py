"""The sandbox gateway's side of a decision: the tester's choice becomes the transaction's status
and the signed callback a real gateway would send.

The callback is delivered to ``payment_callback_receive`` — the function behind the HTTP endpoint
``payments:callback`` — from the same urlencoded bytes, in-process rather than over HTTP, so it works
under the test client and a one-process server alike.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from .actions import CallbackResult, payment_callback_receive
from .gateways import SandboxGateway, signed_fields
from .models import SandboxTransaction

CHOICES = ("paid", "failed", "pending")


def sandbox_deliver(fields: dict[str, str]) -> CallbackResult:
    return payment_callback_receive(body=urlencode(fields).encode(), remote_ip="127.0.0.1")


def sandbox_decide(adapter: SandboxGateway, reference: str, choice: str) -> CallbackResult | None:
    """Apply the tester's ``choice`` to a pending sandbox transaction and send its callback
    ("pending" sends nothing). None when the transaction is unknown or already decided."""
    if choice not in CHOICES:
        raise ValueError(choice)
    with transaction.atomic():
        txn = SandboxTransaction.objects.select_for_update().filter(reference=reference).first()
        if txn is None or txn.status != SandboxTransaction.Status.PENDING or choice == "pending":
            return None
        txn.status, txn.decided_at = choice, timezone.now()
        txn.save(update_fields=["status", "decided_at"])
    fields = signed_fields(
        bill_number=txn.bill_number, reference=txn.reference, status=choice, amount=txn.amount, secret=adapter.secret
    )
    return sandbox_deliver(fields)
