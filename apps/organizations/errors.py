"""Domain errors of the organizations app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class OrganizationsErrorCode(StrEnum):
    IDENTIFIER_INVALID = "identifier_invalid"
    IDENTIFIER_PARENT_MISMATCH = "identifier_parent_mismatch"
    IDENTIFIER_TAKEN = "identifier_taken"
    VALIDITY_REVERSED = "validity_reversed"
    NAME_MISSING = "name_missing"
    NAME_UNCHANGED = "name_unchanged"
    PARENT_NOT_IN_FORCE = "parent_not_in_force"
    ADMINISTRATIVE_UNIT_NOT_IN_FORCE = "administrative_unit_not_in_force"
    EVENT_BEFORE_AGENCY = "event_before_agency"
    EVENT_AFTER_AGENCY_ENDED = "event_after_agency_ended"
    SUCCESSOR_START_MISMATCH = "successor_start_mismatch"
    SUCCESSOR_ENDED = "successor_ended"
    SUCCESSOR_IS_PREDECESSOR = "successor_is_predecessor"
    LINK_OUTSIDE_EVENT = "link_outside_event"
    NOTHING_TO_REORGANISE = "nothing_to_reorganise"
    DECISION_MISSING = "decision_missing"
    PROVINCE_UNKNOWN = "province_unknown"


class OrganizationsError(DomainError):
    """A refused change to administrative units, agencies or reorganisations."""

    def __init__(self, code: OrganizationsErrorCode, message: str):
        super().__init__(code, message)
