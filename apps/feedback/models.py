"""Satisfaction ratings of finished dossiers, and citizens' feedback and complaints (phản ánh, kiến nghị)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import BaseModel
from apps.dossiers.models import Dossier
from apps.organizations.models import Agency


class RatingLevel(models.IntegerChoices):
    """The three levels the national public service portal asks for."""

    VERY_SATISFIED = 1, _("Very satisfied")
    SATISFIED = 2, _("Satisfied")
    DISSATISFIED = 3, _("Dissatisfied")


class RatingAspect(models.TextChoices):
    """What the applicant may say the rating is about (the parts of the satisfaction survey)."""

    ACCESS = "access", _("Access to the service")
    PROCEDURE = "procedure", _("The procedure and its documents")
    OFFICIALS = "officials", _("The officials who handled it")
    TIME = "time", _("Processing time")
    RESULT = "result", _("The result")


class DossierRating(BaseModel):
    """The applicant's satisfaction with one finished dossier (one rating per dossier, never changed)."""

    dossier = models.OneToOneField(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="rating")
    # The receiving agency when rated, so per-agency figures need no join through the dossiers.
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(pgettext_lazy("rating", "level"), choices=RatingLevel.choices)
    aspects = models.JSONField(_("aspects"), default=list, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier rating")
        verbose_name_plural = _("dossier ratings")
        indexes = [models.Index(fields=["agency", "level"], name="feedback_rating_agency_level")]

    def __str__(self) -> str:
        return f"Đánh giá hồ sơ {self.dossier.code or self.dossier.uuid}"

    def aspect_labels(self) -> list[str]:
        labels = dict(RatingAspect.choices)
        return [str(labels[a]) for a in self.aspects if a in labels]


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback", pgettext_lazy("feedback kind", "Feedback")  # phản ánh
    RECOMMENDATION = "recommendation", _("Recommendation")  # kiến nghị


class FeedbackState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")


OPEN_STATES = frozenset({FeedbackState.RECEIVED, FeedbackState.ASSIGNED})


class Feedback(BaseModel):
    """A citizen's feedback or recommendation about an agency or one of their dossiers.

    The submitter is a signed-in user or an anonymous person who gave a name and a phone number;
    neither the name nor the phone is ever shown on the public page (only initials).
    """

    kind = models.CharField(
        pgettext_lazy("feedback", "kind"), max_length=20, choices=FeedbackKind.choices, default=FeedbackKind.FEEDBACK
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitter_name = models.CharField(_("full name"), max_length=200)
    submitter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), max_length=5000)
    state = models.CharField(_("state"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.RECEIVED)
    deadline_at = models.DateTimeField(_("answer due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        permissions = [("publish_feedback", "Can assign feedback and publish answers")]
        indexes = [models.Index(fields=["agency", "state", "deadline_at"], name="feedback_agency_state_due")]

    def __str__(self) -> str:
        return f"Phản ánh, kiến nghị “{self.title[:80]}”"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def submitter_initials(self) -> str:
        """The submitter's name as initials only ("Đặng Quốc Khánh" → "Đ. Q. K."), for public pages."""
        return " ".join(f"{word[0].upper()}." for word in self.submitter_name.split() if word)

    def answered_on_time(self) -> bool | None:
        return None if self.answered_at is None else self.answered_at <= self.deadline_at
