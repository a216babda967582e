"""Payments of dossier fees and financial obligations, the gateway's callbacks as they came, and
the treasury accounts that receive VietQR transfers.

A payment belongs to one dossier; its amount is computed once, when it is created, from the
dossier's procedure version (or from the obligation the official asked for) and never changes
afterwards. Every change of state goes through ``actions.py``; ``TRANSITIONS`` says which are
allowed: a paid payment never leaves ``paid``, and a gateway's word that money arrived wins over a
local expiry or failure (the money is there; the desk refunds a double payment by hand).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import format_money
from apps.core.models import BaseModel
from apps.dossiers.models import Dossier
from apps.organizations.models import Agency


class Purpose(models.TextChoices):
    FEE = "fee", _("Fees and charges of the procedure")
    OBLIGATION = "obligation", _("Financial obligation requested during processing")


class Method(models.TextChoices):
    VIETQR = "vietqr", _("Bank transfer by VietQR")
    GATEWAY = "gateway", _("Online payment gateway")


class State(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, frozenset[str]] = {
    State.PENDING: frozenset({State.PAID, State.FAILED, State.EXPIRED, State.CANCELLED}),
    State.FAILED: frozenset({State.PAID}),
    State.EXPIRED: frozenset({State.PAID}),
    State.CANCELLED: frozenset({State.PAID}),
    State.PAID: frozenset(),
}


class Payment(BaseModel):
    """One request to pay an amount for a dossier, by one method, identified by its bill number."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="payments")
    bill_number = models.CharField(_("bill number"), max_length=25, unique=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    description = models.CharField(_("payment for"), max_length=300)
    items = models.JSONField(_("items"), default=list)  # [{"name", "amount"}] as computed at creation
    amount = models.PositiveBigIntegerField(_("amount (đồng)"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    payer_name = models.CharField(_("payer"), max_length=200)
    gateway = models.CharField(_("gateway"), max_length=30, blank=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100, blank=True)
    redirect_url = models.CharField(max_length=1000, blank=True)  # the gateway's page for the payer
    settled_by = models.CharField(_("settled by"), max_length=20, blank=True)  # callback, reconciliation, desk
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # failed, expired or cancelled
    expires_at = models.DateTimeField(_("expires at"))
    last_checked_at = models.DateTimeField(null=True, blank=True)  # last reconciliation query

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["dossier", "state"], name="payment_dossier_state"),
            models.Index(fields=["state", "expires_at"], name="payment_state_expires"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # At most one pending payment per dossier and purpose (payment_create also checks it
            # under the dossier's row lock; this stops a second writer that bypasses the action).
            models.UniqueConstraint(
                fields=["dossier", "purpose"], condition=Q(state="pending"), name="payment_one_pending_per_purpose"
            ),
            models.UniqueConstraint(
                fields=["gateway", "gateway_reference"],
                condition=~Q(gateway_reference=""),
                name="payment_gateway_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Thanh toán {self.bill_number} – {format_money(self.amount)} ({self.get_state_display()})"

    @property
    def is_paid(self) -> bool:
        return self.state == State.PAID


class CallbackLog(models.Model):
    """One message about a payment as it came: a gateway callback, a reconciliation answer or a
    desk confirmation, kept whether it was accepted, a replay or refused (for disputes)."""

    class Source(models.TextChoices):
        CALLBACK = "callback", _("Gateway callback")
        RECONCILIATION = "reconciliation", _("Reconciliation query")
        DESK = "desk", _("Confirmed at the desk")

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("Settled the payment")
        FAILED = "failed", _("Marked the payment failed")
        DUPLICATE = "duplicate", _("Replay: nothing changed")
        PENDING = "pending", _("Still pending")
        EXPIRED = "expired", _("Expired the payment")
        REFUSED = "refused", _("Refused")

    received_at = models.DateTimeField(_("received at"), db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("payment")
    )
    bill_number = models.CharField(_("bill number"), max_length=100, blank=True)
    gateway_reference = models.CharField(max_length=100, blank=True)
    reported_status = models.CharField(max_length=20, blank=True)
    reported_amount = models.BigIntegerField(null=True, blank=True)
    payload_sha256 = models.CharField(_("payload SHA-256"), max_length=64)
    payload = models.TextField(blank=True)  # the first 4 KB, for a dispute; no card data is ever sent
    signature_ok = models.BooleanField(_("signature valid"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    remote_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment message")
        verbose_name_plural = _("payment messages")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.bill_number or '?'}: {self.get_outcome_display()}"


class CollectionAccount(BaseModel):
    """The treasury account (tài khoản thu) an agency's fees are transferred to by VietQR.

    Agencies without one use the account of the settings (EGOV_VIETQR_*).
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="collection_account"
    )
    bank_bin = models.CharField(_("bank BIN (NAPAS)"), max_length=6)
    account_number = models.CharField(_("account number"), max_length=19)
    account_name = models.CharField(_("account holder"), max_length=200)

    class Meta:
        ordering = ["agency"]
        verbose_name = _("collection account")
        verbose_name_plural = _("collection accounts")

    def __str__(self) -> str:
        return f"Tài khoản thu {self.account_number} ({self.account_name})"


class SandboxTransaction(models.Model):
    """The local sandbox gateway's own record of a transaction (what a real gateway keeps on its side).

    Used only when EGOV_PAYMENT_GATEWAY=sandbox: the demo and the tests pay through it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the tester's choice")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    reference = models.CharField(max_length=40, unique=True)
    bill_number = models.CharField(max_length=25)
    amount = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    return_url = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sandbox gateway transaction")
        verbose_name_plural = _("sandbox gateway transactions")

    def __str__(self) -> str:
        return f"Cổng thử nghiệm {self.reference} ({self.get_status_display()})"
