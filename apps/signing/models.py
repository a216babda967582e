"""Officials' signing certificates, signed files kept byte for byte, and signatures in progress."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class Level(models.TextChoices):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B", "PAdES B-B"
    B_T = "B-T", "PAdES B-T"
    B_LT = "B-LT", "PAdES B-LT"


class SigningCertificate(BaseModel):
    """A certificate registered to an official: they may sign only with their own, valid, active ones."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    certificate_der = models.BinaryField(_("certificate (DER)"))
    chain_pem = models.TextField(_("intermediate certificates (PEM)"), blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    common_name = models.CharField(_("common name"), max_length=200, blank=True)
    serial = models.CharField(_("serial number"), max_length=80)
    issuer = models.CharField(_("issuer"), max_length=500)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["official", "-not_after"]
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        indexes = [models.Index(fields=["official", "is_active"], name="signing_cert_official_active")]
        permissions = [
            ("manage_signingcertificate", _("Can register and revoke officials' signing certificates")),
            ("sign_document", _("Can sign documents with a personal certificate")),
            ("seal_document", _("Can seal documents with the agency's seal")),
            ("verify_signature", _("Can check the signatures of a PDF")),
        ]

    def __str__(self) -> str:
        return f"Chứng thư số {self.serial} của {self.official} (hết hạn {timezone.localtime(self.not_after):%d/%m/%Y})"

    def is_usable_at(self, moment) -> bool:
        return self.is_active and self.revoked_at is None and self.not_before <= moment <= self.not_after


class SignedFile(BaseModel):
    """A signed PDF whose stored bytes are never rewritten; ``sha256`` is checked on every read.

    A new signature on it (the seal after the person) makes a new row whose ``original_sha256`` is
    this one's ``sha256``.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person's signature")
        SEAL = "seal", _("Organisation's seal")
        ATTACHMENT = "attachment", _("Attachment signed by the organisation")

    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="signing/signed/%Y/%m/", max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    original_sha256 = models.CharField(_("SHA-256 of the file before signing"), max_length=64, db_index=True)
    signed_at = models.DateTimeField(_("signed at"))
    level = models.CharField(_("PAdES level"), max_length=10, choices=Level.choices)
    field_name = models.CharField(_("signature field"), max_length=100)
    signer_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signing official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_files",
    )
    signer_certificate = models.ForeignKey(
        SigningCertificate, null=True, blank=True, on_delete=models.PROTECT, related_name="signed_files"
    )
    seal_subject = models.CharField(_("seal certificate subject"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signed file")
        verbose_name_plural = _("signed files")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signer_official__isnull=False) | ~models.Q(seal_subject=""),
                name="signing_signedfile_has_signer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, {self.level})"


class SignedFileDerivative(BaseModel):
    """Something made from a signed file (a page-1 thumbnail, the extracted text), stored apart from it."""

    class Kind(models.TextChoices):
        THUMBNAIL = "thumbnail", _("Page 1 thumbnail (PNG)")
        TEXT = "text", _("Extracted text")

    signed_file = models.ForeignKey(SignedFile, on_delete=models.CASCADE, related_name="derivatives")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="signing/derived/%Y/%m/", max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["signed_file", "kind"]
        constraints = [models.UniqueConstraint(fields=["signed_file", "kind"], name="signing_derivative_once")]
        verbose_name = _("derived file")
        verbose_name_plural = _("derived files")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} của {self.signed_file.name}"


class PendingSignature(BaseModel):
    """A document prepared for an official's USB token, waiting for the token's signature."""

    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=255)
    original_sha256 = models.CharField(max_length=64)
    prepared_pdf = models.BinaryField()
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    signed_attrs = models.BinaryField()
    md_algorithm = models.CharField(max_length=20, default="sha256")
    field_name = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.B_T)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature in progress")
        verbose_name_plural = _("signatures in progress")

    def __str__(self) -> str:
        return f"Chờ ký: {self.name} ({self.official})"

    @property
    def to_sign_digest(self) -> bytes:
        """What the token signs: the digest of the DER signed attributes."""
        return hashlib.new(self.md_algorithm, bytes(self.signed_attrs)).digest()


class SignatureVerdict(BaseModel):
    """The validation of a PDF's signatures, stored once per content and trust configuration.

    Pages show this instead of validating again on every view; ``context_key`` changes when the
    trust roots change, so a new configuration gets a fresh verdict.
    """

    class Overall(models.TextChoices):
        VALID = "valid", _("Digital signatures valid")
        INVALID = "invalid", _("Digital signatures not valid")
        UNTRUSTED = "untrusted", _("Signatures intact, trust in the signer not established")
        UNSIGNED = "unsigned", _("No digital signature")
        UNREADABLE = "unreadable", _("Not a readable PDF")

    sha256 = models.CharField(_("SHA-256"), max_length=64)
    context_key = models.CharField(_("trust configuration"), max_length=64)
    overall = models.CharField(_("verdict"), max_length=12, choices=Overall.choices)
    reports = models.JSONField(_("signatures"), default=list)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("signature verdict")
        verbose_name_plural = _("signature verdicts")
        constraints = [
            models.UniqueConstraint(fields=["sha256", "context_key"], name="signing_verdict_once_per_context")
        ]

    def __str__(self) -> str:
        return f"{self.get_overall_display()} ({self.sha256[:12]}…)"
