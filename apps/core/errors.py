"""The base of every domain error: a stable code and a Vietnamese message.

Each app defines its codes in its own ``errors.py`` and raises ``DomainError`` (or a subclass);
views and the API show ``error.message`` as it is.
"""

from enum import StrEnum


class DomainError(Exception):
    def __init__(self, code: StrEnum | str, message: str):
        super().__init__(message)
        self.code = str(code)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CoreErrorCode(StrEnum):
    CALENDAR_DATE_OUT_OF_RANGE = "calendar_date_out_of_range"
    CALENDAR_ALREADY_WORKING = "calendar_already_working"
    CALENDAR_ALREADY_OFF = "calendar_already_off"
    CALENDAR_DUPLICATE = "calendar_duplicate"
    CALENDAR_REASON_MISSING = "calendar_reason_missing"
    CALENDAR_NOT_FOUND = "calendar_not_found"
    OFFICE_HOURS_INVALID = "office_hours_invalid"
