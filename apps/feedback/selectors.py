"""Scoped reads: an applicant's own dossiers, an agency's feedback inbox, published answers, figures.

Officials see the feedback of their home agency (and of the agencies below it) when a role grants
``feedback.view_feedback``; anything else is "not found" (the view answers 404).
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import ROLE_PERMISSIONS
from apps.accounts.selectors import home_agency, scope_for_permission
from apps.dossiers.models import Dossier
from apps.organizations.models import Agency
from apps.organizations.selectors import agencies_valid_on, agency_subtree_ids

from .models import OPEN_STATES, DossierRating, Feedback, FeedbackState, RatingLevel

VIEW_PERMISSION = "feedback.view_feedback"
PUBLISH_PERMISSION = "feedback.publish_feedback"


# --- applicants ------------------------------------------------------------------------------------
def dossier_for_rating(user, dossier_uuid) -> Dossier | None:
    """The applicant's own dossier with this UUID, or None (someone else's dossier is not found)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Dossier.objects.filter(applicant=user, uuid=dossier_uuid)
        .select_related("procedure", "receiving_agency", "rating")
        .first()
    )


def dossiers_for_feedback(user, *, limit: int = 50) -> list[Dossier]:
    """The applicant's latest dossiers, to say which one the feedback is about."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Dossier.objects.filter(applicant=user)
        .select_related("procedure", "receiving_agency")
        .order_by("-created_at")[:limit]
    )


def agencies_for_feedback() -> QuerySet[Agency]:
    """Agencies (not internal units) in operation today that citizens may write to."""
    return agencies_valid_on().filter(kind=Agency.Kind.AGENCY).order_by("level", "sort_order", "name")


# --- officials -------------------------------------------------------------------------------------
def feedback_scope(user, permission: str = VIEW_PERMISSION) -> set[int] | None:
    """Agency ids whose feedback ``user`` may handle under ``permission`` (None: all).

    Feedback is addressed to an agency, so an official of an internal unit (a handler, a head of
    unit) works on the feedback of the agency the unit belongs to.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = scope_for_permission(user, permission)
    if ids is None or not ids:
        return ids
    membership = user.current_membership()
    return ids | {home_agency(membership.agency).id}


def _scoped(queryset: QuerySet, user, permission: str = VIEW_PERMISSION) -> QuerySet:
    ids = feedback_scope(user, permission)
    return queryset if ids is None else queryset.filter(agency_id__in=ids)


def feedback_inbox(user, *, state: str = "", now=None) -> QuerySet[Feedback]:
    """Feedback of the user's agencies: open and overdue first, then open by due date, then the rest."""
    now = now or timezone.now()
    queryset = _scoped(Feedback.objects.all(), user).select_related("agency", "assignee", "dossier")
    if state:
        queryset = queryset.filter(state=state)
    rank = Case(
        When(state__in=OPEN_STATES, deadline_at__lt=now, then=Value(0)),
        When(state__in=OPEN_STATES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", "deadline_at", "created_at")


def feedback_get_for_official(user, feedback_uuid) -> Feedback | None:
    return (
        _scoped(Feedback.objects.filter(uuid=feedback_uuid), user)
        .select_related("agency", "assignee", "answered_by", "dossier", "dossier__procedure")
        .first()
    )


def feedback_in_scope(user, feedback: Feedback, permission: str = VIEW_PERMISSION) -> bool:
    ids = feedback_scope(user, permission)
    return ids is None or feedback.agency_id in ids


def assignees_for(feedback: Feedback) -> QuerySet[User]:
    """Officials currently posted in the feedback's agency (or its units) whose role handles feedback."""
    today = timezone.localdate()
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if VIEW_PERMISSION in permissions]
    return (
        User.objects.filter(kind=User.Kind.OFFICIAL, is_active=True)
        .filter(
            Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today),
            memberships__agency_id__in=agency_subtree_ids(feedback.agency),
            memberships__valid_from__lte=today,
            memberships__roles__role__in=roles,
        )
        .distinct()
        .order_by("full_name")
    )


# --- public ----------------------------------------------------------------------------------------
def published_feedback(*, agency: Agency | None = None) -> QuerySet[Feedback]:
    """Answers the agencies made public, newest first."""
    queryset = Feedback.objects.filter(state=FeedbackState.PUBLISHED).select_related("agency")
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return queryset.order_by("-published_at")


def published_get(feedback_uuid) -> Feedback | None:
    return published_feedback().filter(uuid=feedback_uuid).first()


# --- figures ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyFigures:
    agency_name: str
    ratings: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int
    feedback: int
    answered: int
    answered_on_time: int
    open_overdue: int

    @property
    def satisfied_share(self) -> float | None:
        """Share of ratings that are satisfied or very satisfied (766: satisfaction group)."""
        return None if not self.ratings else (self.very_satisfied + self.satisfied) / self.ratings

    @property
    def on_time_share(self) -> float | None:
        """Share of answered feedback answered by its due date (766: PAKN handled on time)."""
        return None if not self.answered else self.answered_on_time / self.answered


def figures_for_official(user, *, now=None) -> list[AgencyFigures]:
    """Ratings and feedback counted per agency in the user's scope, in two queries whatever the rows."""
    now = now or timezone.now()
    ratings = (
        _scoped(DossierRating.objects.all(), user)
        .values("agency_id", "agency__name")
        .annotate(
            total=Count("id"),
            very=Count("id", filter=Q(level=RatingLevel.VERY_SATISFIED)),
            good=Count("id", filter=Q(level=RatingLevel.SATISFIED)),
            bad=Count("id", filter=Q(level=RatingLevel.DISSATISFIED)),
        )
        .order_by()
    )
    answered = Q(answered_at__isnull=False)
    feedback = (
        _scoped(Feedback.objects.all(), user)
        .values("agency_id", "agency__name")
        .annotate(
            total=Count("id"),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(answered_at__lte=F("deadline_at"))),
            overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline_at__lt=now)),
        )
        .order_by()
    )
    rows: dict[int, dict] = {}
    for row in ratings:
        rows.setdefault(row["agency_id"], {"name": row["agency__name"]}).update(row)
    for row in feedback:
        entry = rows.setdefault(row["agency_id"], {"name": row["agency__name"]})
        entry.update(fb_total=row["total"], answered=row["answered"], on_time=row["on_time"], overdue=row["overdue"])
    figures = [
        AgencyFigures(
            agency_name=entry["name"],
            ratings=entry.get("total", 0),
            very_satisfied=entry.get("very", 0),
            satisfied=entry.get("good", 0),
            dissatisfied=entry.get("bad", 0),
            feedback=entry.get("fb_total", 0),
            answered=entry.get("answered", 0),
            answered_on_time=entry.get("on_time", 0),
            open_overdue=entry.get("overdue", 0),
        )
        for entry in rows.values()
    ]
    return sorted(figures, key=lambda f: f.agency_name)


def feedback_sent_get(feedback_uuid) -> Feedback | None:
    """Feedback by UUID for its sender's receipt page (the view checks the sender's session)."""
    return Feedback.objects.filter(uuid=feedback_uuid).select_related("agency").first()
