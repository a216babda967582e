"""One-stop dossiers: the dossier, its documents, its steps along the routing plan, its waits and
its processing trail.

The dossier keeps the procedure version it was received under (and copies of the deadline), so a
later edit of the procedure never changes it. Every change goes through ``actions.py``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel
from apps.organizations.models import Agency
from apps.procedures.models import DeadlineUnit, DocumentRequirement, Procedure, ProcedureVersion, RoutingStep

from .clock import Timeliness
from .statuses import Channel, Status, Transition


def new_tracking_secret() -> str:
    """Six characters printed on Form 01 that, with the code, open the public tracking page."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Dossier(BaseModel):
    """A dossier (hồ sơ) lodged by an applicant for one procedure at one receiving agency."""

    class ApplicantType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANIZATION = "organization", _("Organisation")

    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    tracking_secret = models.CharField(_("tracking secret"), max_length=12, default=new_tracking_secret)
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, db_index=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant_type = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID number / tax code"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True)  # folded code + name
    subject = models.CharField(_("request"), max_length=1000, blank=True)  # trích yếu
    form_data = models.JSONField(_("e-form data"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    submitted_at = models.DateTimeField(_("submitted online at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    register_year = models.PositiveSmallIntegerField(null=True, blank=True)
    register_number = models.PositiveIntegerField(null=True, blank=True)  # Form 06, per agency and year

    deadline_value = models.DecimalField(_("time limit"), max_digits=6, decimal_places=1, default=0)
    deadline_unit = models.CharField(max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)  # working time left while paused
    apologised_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # withdrawn, stopped, refused or returned
    timeliness = models.CharField(_("timeliness"), max_length=10, choices=Timeliness.choices, blank=True)
    result_channel = models.PositiveSmallIntegerField(_("result returned"), choices=Channel.choices, null=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["receiving_agency", "status", "due_at"], name="dossier_agency_status_due"),
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_agency_received"),
            models.Index(fields=["procedure", "received_at"], name="dossier_procedure_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_agency", "register_year", "register_number"],
                condition=Q(register_number__isnull=False),
                name="dossier_register_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"Hồ sơ {self.code or '(chưa có mã)'} – {self.applicant_name}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class DossierCodeCounter(models.Model):
    """Last sequence number of dossier codes of one agency on one day (locked when a code is drawn)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency", "day"]
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency} {self.day:%d/%m/%Y}: {self.last}"


class RegisterCounter(models.Model):
    """Last number of the dossier register (Form 06) of one agency in one year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency", "year"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="dossier_register_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}: {self.last}"


class DossierDocument(BaseModel):
    """A file of the dossier: what the applicant lodged, a supplement, a form, or the result."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Lodged document")
        SUPPLEMENT = "supplement", _("Supplement")
        FORM = "form", _("Form issued")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    requirement = models.ForeignKey(
        DocumentRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=500)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/", max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    paper_only = models.BooleanField(_("paper copy only"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "created_at"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self) -> str:
        return self.name


class DossierStep(BaseModel):
    """The dossier at one step of its routing plan (several at once for a parallel consultation)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Not started")
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    routing_step = models.ForeignKey(RoutingStep, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=1)
    is_lead = models.BooleanField(default=True)
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossier_steps")
    role = models.CharField(max_length=30)
    share_value = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    share_unit = models.CharField(max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_steps"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "order", "position"]
        indexes = [models.Index(fields=["agency", "state", "due_at"], name="dossier_step_inbox")]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")

    def __str__(self) -> str:
        return f"{self.name} – {self.agency}"


class DossierWait(BaseModel):
    """A wait on the applicant (supplement, financial obligation): restart or pause of the clock."""

    class Kind(models.TextChoices):
        SUPPLEMENT_BEFORE_RECEIPT = "before_receipt", _("Documents to complete before receipt")
        SUPPLEMENT = "supplement", _("Supplement during processing")
        FINANCIAL = "financial", _("Financial obligation")

    class Effect(models.TextChoices):
        RESTART = "restart", _("Restart the time limit")
        PAUSE = "pause", _("Pause the clock")
        CONTINUE = "continue", _("Clock keeps running")
        NONE = "none", _("Before receipt: no clock")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="waits")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("what is needed"), default=list)  # the list of Form 02, or the amounts due
    reason = models.TextField(blank=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "requested_at"]
        verbose_name = _("wait on the applicant")
        verbose_name_plural = _("waits on the applicant")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_effect_display()})"


class DossierEvent(models.Model):
    """One entry of the processing trail: who did what, when, from which step/status to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    transition = models.CharField(max_length=30, choices=Transition.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    from_step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    public = models.BooleanField(default=True)  # shown on the applicant's timeline

    class Meta:
        ordering = ["dossier", "at", "id"]
        verbose_name = _("processing trail entry")
        verbose_name_plural = _("processing trail")

    def __str__(self) -> str:
        return f"{self.get_transition_display()} ({self.at:%d/%m/%Y %H:%M})"
