"""Domain errors of the accounts app, with a code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class AccountsErrorCode(StrEnum):
    USERNAME_TAKEN = "username_taken"
    INVALID_ROLE = "invalid_role"
    INVALID_CONTACT = "invalid_contact"
    CONTACT_TAKEN = "contact_taken"
    TOO_MANY_CODES = "too_many_codes"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_ATTEMPTS = "code_attempts"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (an error code, not a password)
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_TAX_CODE = "invalid_tax_code"
    TOTP_INVALID = "totp_invalid"
    MEMBERSHIP_OVERLAP = "membership_overlap"
    MEMBERSHIP_DATES = "membership_dates"
    MEMBERSHIP_AGENCY_INVALID = "membership_agency_invalid"
    NOT_IN_SCOPE = "not_in_scope"
    TOKEN_INVALID = "token_invalid"  # noqa: S105 (an error code, not a token)


class AccountsError(DomainError):
    """An accounts rule was broken; ``message`` is shown to the user as it is."""
