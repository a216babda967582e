"""Dossier statuses (the national TrangThaiHoSo codes 1–10), channels, and the transition table.

Every dossier action names its transition here; ``transition_check`` refuses a move the table does
not allow, with a Vietnamese message, before anything changes. The national codes are stored on
every dossier so that a sync to the national portal is a mapping, not a migration.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    NEW = 1, _("Newly registered")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received")
    PROCESSING = 4, _("Being processed")
    SUPPLEMENT_REQUESTED = 5, _("Documents to complete")
    FINANCIAL_OBLIGATION = 6, _("Financial obligation to fulfil")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Processing stopped")
    DONE = 9, _("Processed")
    RETURNED = 10, _("Result returned")


class Channel(models.IntegerChoices):
    """KenhThucHien of the national portal."""

    DESK = 1, _("At the desk")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


# Statuses the reports group together (QĐ 766 dashboards and the national reporting system).
IN_PROGRESS = frozenset({Status.RECEIVED, Status.PROCESSING})
WAITING_ON_APPLICANT = frozenset({Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION})
FINISHED = frozenset({Status.DONE, Status.RETURNED})
CLOSED = frozenset({Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
OPEN = frozenset(set(Status) - CLOSED)


class Transition(models.TextChoices):
    SUBMIT_ONLINE = "submit_online", _("Dossier lodged")
    RECEIVE = "receive", _("Received (Form 01)")
    ASK_TO_COMPLETE = "ask_to_complete", _("Asked to complete before receipt (Form 02)")
    REFUSE = "refuse", _("Refused (Form 03)")
    START = "start", _("Processing started")
    ASSIGN = "assign", _("Handler assigned")
    STEP_COMPLETE = "step_complete", _("Step completed")
    REQUEST_SUPPLEMENT = "request_supplement", _("Supplement requested (Form 02)")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    REQUEST_PAYMENT = "request_payment", _("Financial obligation requested")
    PAYMENT_DONE = "payment_done", _("Financial obligation fulfilled")
    APOLOGISE = "apologise", _("Apology and new date (Form 04)")
    WITHDRAW = "withdraw", _("Withdrawn by the applicant")
    STOP = "stop", _("Processing stopped")
    COMPLETE = "complete", _("Result ready")
    RETURN_RESULT = "return_result", _("Result returned")


@dataclass(frozen=True)
class Move:
    sources: frozenset[int]
    target: int | None  # None: the status does not change


TRANSITIONS: dict[str, Move] = {
    Transition.SUBMIT_ONLINE: Move(frozenset({0}), Status.NEW),
    # From SUPPLEMENT_REQUESTED only before receipt (the action checks the dossier was never received).
    Transition.RECEIVE: Move(frozenset({0, Status.NEW, Status.SUPPLEMENT_REQUESTED}), Status.RECEIVED),
    Transition.ASK_TO_COMPLETE: Move(frozenset({0, Status.NEW}), Status.SUPPLEMENT_REQUESTED),
    Transition.REFUSE: Move(frozenset({0, Status.NEW, Status.SUPPLEMENT_REQUESTED}), Status.NOT_RECEIVED),
    Transition.START: Move(frozenset({Status.RECEIVED}), Status.PROCESSING),
    Transition.STEP_COMPLETE: Move(frozenset({Status.RECEIVED, Status.PROCESSING}), None),
    Transition.ASSIGN: Move(frozenset({Status.PROCESSING}), None),
    Transition.REQUEST_SUPPLEMENT: Move(frozenset({Status.RECEIVED, Status.PROCESSING}), Status.SUPPLEMENT_REQUESTED),
    Transition.SUPPLEMENT_RECEIVED: Move(frozenset({Status.SUPPLEMENT_REQUESTED}), Status.PROCESSING),
    Transition.REQUEST_PAYMENT: Move(frozenset({Status.RECEIVED, Status.PROCESSING}), Status.FINANCIAL_OBLIGATION),
    Transition.PAYMENT_DONE: Move(frozenset({Status.FINANCIAL_OBLIGATION}), Status.PROCESSING),
    Transition.APOLOGISE: Move(
        frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION}),
        None,
    ),
    Transition.WITHDRAW: Move(
        frozenset(
            {
                Status.NEW,
                Status.RECEIVED,
                Status.PROCESSING,
                Status.SUPPLEMENT_REQUESTED,
                Status.FINANCIAL_OBLIGATION,
            }
        ),
        Status.WITHDRAWN,
    ),
    Transition.STOP: Move(
        frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION}),
        Status.STOPPED,
    ),
    Transition.COMPLETE: Move(frozenset({Status.PROCESSING}), Status.DONE),
    Transition.RETURN_RESULT: Move(frozenset({Status.DONE}), Status.RETURNED),
}


class TransitionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def transition_target(transition: str, current: int | None) -> int:
    """The status after ``transition`` from ``current`` (0/None: no dossier yet), or refuse."""
    move = TRANSITIONS[transition]
    source = current or 0
    if source not in move.sources:
        label = Transition(transition).label
        state = Status(source).label if source else "chưa có hồ sơ"
        raise TransitionRefused(f"Không thể thực hiện “{label}” khi hồ sơ đang ở trạng thái “{state}”.")
    return move.target if move.target is not None else source
