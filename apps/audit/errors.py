"""Error codes of the audit trail."""

from enum import StrEnum

from apps.core.errors import DomainError


class AuditErrorCode(StrEnum):
    APPEND_ONLY = "audit_append_only"


class AuditAppendOnlyError(DomainError):
    """An attempt to change or remove a recorded event: the trail only grows."""

    def __init__(self, message: str):
        super().__init__(AuditErrorCode.APPEND_ONLY, message)
