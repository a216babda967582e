"""Domain errors of the dossiers app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class DossierErrorCode(StrEnum):
    TRANSITION_REFUSED = "transition_refused"
    AGENCY_WITHOUT_IDENTIFIER = "agency_without_identifier"
    CODE_EXHAUSTED = "code_exhausted"
    PROCEDURE_NOT_OFFERED = "procedure_not_offered"
    APPLICANT_INVALID = "applicant_invalid"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"
    NOTHING_MISSING = "nothing_missing"
    REASON_MISSING = "reason_missing"
    APOLOGY_TOO_LATE = "apology_too_late"
    APOLOGY_TWICE = "apology_twice"
    APOLOGY_DATE = "apology_date"
    NOT_YOUR_STEP = "not_your_step"
    STEP_NOT_ACTIVE = "step_not_active"
    STEPS_PENDING = "steps_pending"
    RESULT_MISSING = "result_missing"
    FILE_REFUSED = "file_refused"
    CONCURRENT_CHANGE = "concurrent_change"
    NOT_FOUND = "not_found"


class DossierError(DomainError):
    """A dossier rule was broken; ``message`` is shown to the official or the applicant as it is."""
