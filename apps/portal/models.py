"""What the portal keeps of its own: online submissions being prepared (drafts) and their files.

A dossier itself is the dossiers app's; a draft becomes one through ``dossier_register`` with the
draft's ``token`` as idempotency key, so a repeated submit finds the dossier of the first.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel
from apps.dossiers.models import Dossier
from apps.organizations.models import Agency
from apps.procedures.models import DocumentRequirement, Procedure, ProcedureVersion


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


class SubmissionDraft(BaseModel):
    """An online submission the applicant is preparing: e-form answers and uploaded files."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ABANDONED = "abandoned", _("Abandoned")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="drafts"
    )
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_data = models.JSONField(_("applicant"), default=dict, blank=True)
    form_data = models.JSONField(_("e-form data"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    # Sent back with the final submit and used as the dossier's idempotency key.
    token = models.CharField(max_length=64, unique=True, default=new_submission_token, editable=False)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_draft"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("submission draft")
        verbose_name_plural = _("submission drafts")
        indexes = [models.Index(fields=["applicant", "state", "updated_at"], name="portal_draft_applicant")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="submitted") | Q(submitted_at__isnull=False),
                name="portal_draft_submitted_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"Hồ sơ nháp “{self.procedure.name}” của {self.applicant}"


class DraftFile(BaseModel):
    """A checked file of a draft, for one item of the checklist (or another document)."""

    draft = models.ForeignKey(SubmissionDraft, on_delete=models.CASCADE, related_name="files")
    requirement = models.ForeignKey(
        DocumentRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="portal/drafts/%Y/%m/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    scanned = models.BooleanField(_("scanned by the antivirus"), default=False)

    class Meta:
        ordering = ["draft", "created_at"]
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")

    def __str__(self) -> str:
        return self.name
