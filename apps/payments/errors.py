"""Domain errors of the payments app: a stable code and a Vietnamese message."""

from enum import StrEnum

from apps.core.errors import DomainError


class PaymentErrorCode(StrEnum):
    NOTHING_TO_PAY = "nothing_to_pay"
    ALREADY_PAID = "already_paid"
    DOSSIER_CLOSED = "dossier_closed"
    METHOD_UNAVAILABLE = "method_unavailable"
    TRANSITION_REFUSED = "transition_refused"
    AMOUNT_MISMATCH = "amount_mismatch"
    NOT_YOURS = "not_yours"
    NOT_PAID = "not_paid"
    GATEWAY_ERROR = "gateway_error"
    CALLBACK_REFUSED = "callback_refused"


class PaymentError(DomainError):
    """A payment rule was broken; ``message`` is shown to the applicant or the official as it is."""
