"""Domain errors of the procedures app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class ProceduresErrorCode(StrEnum):
    INVALID = "invalid"  # one or more problems in a procedure or version (listed in ``problems``)
    CODE_TAKEN = "code_taken"
    VERSION_IN_USE = "version_in_use"
    VERSION_NOT_AFTER_LATEST = "version_not_after_latest"
    ALREADY_ACTIVE = "already_active"
    ALREADY_INACTIVE = "already_inactive"
    IMPORT_INVALID = "import_invalid"


class ProceduresError(DomainError):
    """A refused change to the procedure catalogue.

    ``problems`` lists every problem found (one Vietnamese sentence each, with its place: the step,
    the document, the sheet row); ``message`` joins them for a single-line display.
    """

    def __init__(self, code: ProceduresErrorCode, message: str, problems: list[str] | None = None):
        super().__init__(code, message)
        self.problems = problems or [message]
