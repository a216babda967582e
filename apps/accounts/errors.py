"""Domain errors of the accounts app, with a code and a Vietnamese message."""

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    USERNAME_TAKEN = "username_taken"
    INVALID_ROLE = "invalid_role"


class AccountsError(Exception):
    def __init__(self, code: AccountsErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
