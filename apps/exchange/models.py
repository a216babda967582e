"""Packages sent and received between agencies, the quarantine, and what the recipients answered."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import BaseModel
from apps.organizations.models import Agency
from apps.signing.models import SignedFile

from .edxml import StatusCode


class Kind(models.TextChoices):
    DOCUMENT = "document", _("Document package")
    STATUS = "status", _("Status message")


# The status codes of QCVN 102:2016 as the pages name them (edxml.STATUS_TEXT is the wire text,
# always Vietnamese, whatever the interface language).
STATUS_LABELS = {
    StatusCode.ARRIVED: pgettext_lazy("exchange status", "Arrived"),
    StatusCode.REFUSED: pgettext_lazy("exchange status", "Refused"),
    StatusCode.ACCEPTED: pgettext_lazy("exchange status", "Accepted"),
    StatusCode.ASSIGNED: pgettext_lazy("exchange status", "Assigned"),
    StatusCode.PROCESSING: pgettext_lazy("exchange status", "Being processed"),
    StatusCode.DONE: pgettext_lazy("exchange status", "Completed"),
    StatusCode.RECALL_REQUESTED: pgettext_lazy("exchange status", "Recall requested"),
    StatusCode.RECALLED: pgettext_lazy("exchange status", "Recalled"),
    StatusCode.RECALL_REFUSED: pgettext_lazy("exchange status", "Recall refused"),
}


def status_label(code) -> str:
    return STATUS_LABELS.get(code, "") if code else ""


class OutgoingPackage(BaseModel):
    """One package or status message for one recipient, in the outbox until delivered.

    Unique by (kind, DocumentId, recipient, status code): sending the same document twice does not
    queue a second copy.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        REFUSED = "refused", _("Refused by the recipient")
        FAILED = "failed", _("Failed after all retries")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    agency = models.ForeignKey(Agency, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="+")
    recipient_identifier = models.CharField(_("recipient identifier"), max_length=13)
    recipient_name = models.CharField(_("recipient"), max_length=300, blank=True)
    document_id = models.CharField(_("document identifier"), max_length=100)
    status_code = models.PositiveSmallIntegerField(_("status code"), default=0)
    code_number = models.CharField(_("number"), max_length=30, blank=True)
    code_notation = models.CharField(_("symbol"), max_length=100, blank=True)
    subject = models.CharField(_("abstract"), max_length=1000, blank=True)
    content = models.BinaryField(_("package"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    transport = models.CharField(_("transport"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status from the recipient"), null=True, blank=True)
    last_status_at = models.DateTimeField(_("last status at"), null=True, blank=True)
    receipt = models.ForeignKey(
        SignedFile, verbose_name=_("receipt"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing package")
        verbose_name_plural = _("outgoing packages")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "document_id", "recipient_identifier", "status_code"], name="exchange_outgoing_once"
            )
        ]
        permissions = [
            ("view_exchange", _("Can view the inter-agency exchange log")),
            ("send_exchange", _("Can send packages and statuses to other agencies")),
        ]

    def __str__(self) -> str:
        return f"Gói tin gửi {self.code_number}/{self.code_notation} → {self.recipient_identifier}"

    @property
    def state_text(self) -> str:
        return self.get_state_display()

    @property
    def last_status_text(self) -> str:
        return status_label(self.last_status_code)


class IncomingPackage(BaseModel):
    """A package accepted into an agency's incoming queue (văn bản đến qua trục liên thông)."""

    agency = models.ForeignKey(Agency, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+")
    sender_identifier = models.CharField(_("sender identifier"), max_length=13)
    sender_name = models.CharField(_("sender"), max_length=300, blank=True)
    document_id = models.CharField(_("document identifier"), max_length=100)
    code_number = models.CharField(_("number"), max_length=30)
    code_notation = models.CharField(_("symbol"), max_length=100)
    subject = models.CharField(_("abstract"), max_length=1000)
    promulgation_date = models.DateField(_("promulgation date"))
    business_doc_type = models.PositiveSmallIntegerField(_("business type"), default=0)
    content = models.BinaryField(_("package"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    transport = models.CharField(_("transport"), max_length=20, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"), default=StatusCode.ARRIVED)
    received_at = models.DateTimeField(_("received at"))
    envelope_signature = models.CharField(
        _("XML signature of the sender"),
        max_length=10,
        choices=[
            ("none", _("Not signed")),
            ("valid", _("Valid and trusted")),
            ("untrusted", _("Intact, certificate not trusted")),
        ],
        default="none",
    )
    envelope_signer = models.CharField(_("signed by"), max_length=500, blank=True)
    receipt = models.ForeignKey(
        SignedFile, verbose_name=_("receipt"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming package")
        verbose_name_plural = _("incoming packages")
        constraints = [
            models.UniqueConstraint(fields=["agency", "document_id"], name="exchange_incoming_document_once"),
            models.UniqueConstraint(
                fields=["agency", "sender_identifier", "code_number", "code_notation"],
                name="exchange_incoming_code_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Gói tin đến {self.code_number}/{self.code_notation} từ {self.sender_identifier}"

    @property
    def status_text(self) -> str:
        return status_label(self.status_code)


class QuarantinedPackage(BaseModel):
    """A refused package or status message, kept as it came with the reason (nothing is lost)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_identifier = models.CharField(_("sender identifier"), max_length=13, blank=True)
    error_code = models.CharField(_("error code"), max_length=50)
    reason = models.CharField(_("reason"), max_length=1000)
    content = models.BinaryField(_("package"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    transport = models.CharField(_("transport"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("quarantined package")
        verbose_name_plural = _("quarantined packages")

    def __str__(self) -> str:
        return f"Gói tin bị từ chối từ {self.sender_identifier or 'không rõ'}: {self.reason[:80]}"


class PackageStatus(BaseModel):
    """A status the recipient sent back for an outgoing package, as the sender received it."""

    package = models.ForeignKey(
        OutgoingPackage, verbose_name=_("package"), on_delete=models.CASCADE, related_name="statuses"
    )
    status_code = models.PositiveSmallIntegerField(_("status"))
    description = models.CharField(_("description"), max_length=1000, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["reported_at", "created_at"]
        verbose_name = _("package status")
        verbose_name_plural = _("package statuses")
        constraints = [models.UniqueConstraint(fields=["package", "status_code"], name="exchange_status_once")]

    def __str__(self) -> str:
        return f"{status_label(self.status_code) or self.status_code} ({self.reported_at:%d/%m/%Y %H:%M})"

    @property
    def status_text(self) -> str:
        return status_label(self.status_code)
