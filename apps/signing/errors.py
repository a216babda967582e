"""Domain errors of the signing app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class SigningErrorCode(StrEnum):
    SIGNING_DISABLED = "signing_disabled"
    NOT_A_PDF = "not_a_pdf"
    CERTIFICATE_UNREADABLE = "certificate_unreadable"
    CERTIFICATE_DUPLICATE = "certificate_duplicate"
    CERTIFICATE_NOT_OFFICIAL = "certificate_not_official"
    CERTIFICATE_ALREADY_REVOKED = "certificate_already_revoked"
    CERTIFICATE_NOT_YOURS = "certificate_not_yours"
    CERTIFICATE_NOT_USABLE = "certificate_not_usable"
    CERTIFICATE_UNTRUSTED = "certificate_untrusted"
    CERTIFICATE_UNSUITABLE = "certificate_unsuitable"
    REASON_MISSING = "reason_missing"
    REFERENCE_MISSING = "reference_missing"
    PENDING_NOT_FOUND = "pending_not_found"
    PENDING_EXPIRED = "pending_expired"
    PENDING_DONE = "pending_done"
    SIGNATURE_MISMATCH = "signature_mismatch"
    SIGNED_FILE_INVALID = "signed_file_invalid"
    STORED_FILE_CHANGED = "stored_file_changed"
    LEVEL_UNAVAILABLE = "level_unavailable"


class SigningError(DomainError):
    """A signing rule was broken; ``message`` is shown to the official as it is."""
