"""Domain errors of the online submission: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class SubmissionErrorCode(StrEnum):
    NOT_ONLINE = "not_online"
    NOT_OFFERED = "not_offered"
    DRAFT_CLOSED = "draft_closed"
    TAMPERED = "tampered"
    FORM_INVALID = "form_invalid"
    DOCUMENTS_MISSING = "documents_missing"
    VERSION_CHANGED = "version_changed"
    NOT_WAITING = "not_waiting"
    NOTHING_UPLOADED = "nothing_uploaded"


class SubmissionError(DomainError):
    """An online-submission rule was broken; ``message`` is shown to the applicant as it is."""
