"""Domain errors of ratings and feedback: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class FeedbackErrorCode(StrEnum):
    NOT_APPLICANT = "not_applicant"
    NOT_FINISHED = "not_finished"
    ALREADY_RATED = "already_rated"
    LEVEL_INVALID = "level_invalid"
    ASPECT_INVALID = "aspect_invalid"
    KIND_INVALID = "kind_invalid"
    TEXT_MISSING = "text_missing"
    TEXT_TOO_LONG = "text_too_long"
    NAME_MISSING = "name_missing"
    PHONE_INVALID = "phone_invalid"
    AGENCY_INVALID = "agency_invalid"
    NOT_ALLOWED = "not_allowed"
    STATE_INVALID = "state_invalid"
    ASSIGNEE_INVALID = "assignee_invalid"


class FeedbackError(DomainError):
    """A rating or a feedback action was refused; ``message`` says why, in Vietnamese."""
