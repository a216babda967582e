"""Domain errors of the exchange app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class ExchangeErrorCode(StrEnum):
    NOT_XML = "not_xml"
    WRONG_NAMESPACE = "wrong_namespace"
    WRONG_ROOT = "wrong_root"
    FIELD_MISSING = "field_missing"
    FIELD_INVALID = "field_invalid"
    IDENTIFIER_INVALID = "identifier_invalid"
    BASE64_INVALID = "base64_invalid"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    SCHEMA_INVALID = "schema_invalid"
    DUPLICATE = "duplicate"
    UNKNOWN_RECIPIENT = "unknown_recipient"
    UNKNOWN_DOCUMENT = "unknown_document"
    SENDER_WITHOUT_IDENTIFIER = "sender_without_identifier"
    STATUS_NOT_ALLOWED = "status_not_allowed"
    TRANSPORT_FAILED = "transport_failed"
    SIGNATURE_INVALID = "signature_invalid"
    NOT_ALLOWED = "not_allowed"


class ExchangeError(DomainError):
    """A package or status message was refused; ``message`` says why, in Vietnamese."""
