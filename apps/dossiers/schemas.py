"""Input and output of the dossiers REST API (django-ninja schemas, documented in the OpenAPI)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from .statuses import Channel

APPLICANT_TYPES = Literal["citizen", "organization"]
API_TRANSITIONS = Literal[
    "request_supplement",
    "supplement_received",
    "request_payment",
    "payment_done",
    "withdraw",
    "stop",
    "return_result",
]


class ErrorOut(Schema):
    code: str = Field(description="Stable error code, e.g. transition_refused, concurrent_change, not_found")
    message: str = Field(description="Message in Vietnamese, as the workspace shows it")


# --- intake -------------------------------------------------------------------------------------
class ApplicantIn(Schema):
    name: str = Field(min_length=2, max_length=200, description="Full name, or the organisation's name")
    applicant_type: APPLICANT_TYPES = "citizen"
    id_number: str = Field("", max_length=20, description="12-digit citizen ID, or the tax code")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)


class IntakeIn(Schema):
    procedure_code: str = Field(max_length=50, description="National procedure code, e.g. 1.009994")
    agency: str = Field(max_length=13, description="Identifier of the receiving agency (the caller's own)")
    applicant: ApplicantIn
    subject: str = Field("", max_length=1000, description="Abstract of the request (trích yếu)")
    documents: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Names of the paper documents lodged; a name equal to a required document "
        "(ignoring case and diacritics) ticks that requirement",
    )
    idempotency_key: str = Field(
        "", max_length=100, description="Optional: the same key from the same account returns the first dossier"
    )


class IntakeOut(Schema):
    code: str
    status: int
    status_label: str
    received_at: datetime
    appointment: datetime = Field(description="Due moment of the result (Form 01)")
    register_number: int | None


# --- status changes -----------------------------------------------------------------------------
class PaymentItemIn(Schema):
    name: str = Field(max_length=300)
    amount: int = Field(gt=0, description="Amount in đồng")


class StatusChangeIn(Schema):
    transition: API_TRANSITIONS
    expected_status: int = Field(
        ge=1, le=10, description="Status the caller last saw; another one answers 409 and changes nothing"
    )
    reason: str = Field("", max_length=2000, description="Reason (stop, withdraw) or note")
    items: list[str] = Field(default_factory=list, max_length=100, description="Form 02 items (request_supplement)")
    payments: list[PaymentItemIn] = Field(default_factory=list, max_length=50, description="request_payment")
    documents: list[str] = Field(
        default_factory=list, max_length=100, description="Names of paper documents brought (supplement_received)"
    )
    channel: int = Field(Channel.DESK, ge=1, le=3, description="return_result: 1 desk, 2 online, 3 post")


class StatusOut(Schema):
    code: str
    status: int
    status_label: str
    due_at: datetime | None


# --- lookup -------------------------------------------------------------------------------------
class AgencyOut(Schema):
    identifier: str
    name: str


class StepOut(Schema):
    order: int
    name: str
    agency: AgencyOut
    state: str
    assignee: str | None
    started_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    timeliness: str


class TrailEntryOut(Schema):
    at: datetime
    transition: str
    label: str
    actor: str
    agency: str | None
    from_status: int | None
    to_status: int | None
    note: str
    due_after: datetime | None
    public: bool


class DossierOut(Schema):
    code: str
    status: int
    status_label: str
    channel: int
    procedure_code: str
    procedure_name: str
    receiving_agency: AgencyOut
    applicant_name: str
    subject: str
    received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    countdown: str = Field(description="Working time left ('còn …') or past ('quá …'); empty when closed or paused")
    overdue: bool
    paused: bool
    timeliness: str
    finished_at: datetime | None
    steps: list[StepOut]
    trail: list[TrailEntryOut]


# --- statistics ---------------------------------------------------------------------------------
class StatisticsQuery(Schema):
    agency: str = Field("", max_length=13, description="Agency identifier, e.g. 000.00.14.H27 (default: your own)")
    first_day: date = Field(alias="from", description="First day of the period, YYYY-MM-DD")
    last_day: date = Field(alias="to", description="Last day of the period, YYYY-MM-DD (inclusive)")


class FiguresOut(Schema):
    handled: int
    new: int
    carried_over: int
    desk: int
    online: int
    postal: int
    early: int
    on_time: int
    late: int
    open_within: int
    open_past: int
    waiting: int
    withdrawn: int
    stopped: int
    refused: int
    processed: int
    open: int
    on_time_rate: float | None = Field(description="Percent: (early + on time + open within deadline) ÷ handled")


class BreakdownOut(Schema):
    code: str = Field(description="Procedure or sector code; empty for all the others together")
    name: str
    figures: FiguresOut


class StatisticsOut(Schema):
    agency: AgencyOut
    first_day: date
    last_day: date
    as_of: datetime
    figures: FiguresOut
    average_processing_days: float | None = Field(
        description="Mean working days from the receipt day to the processing day, over dossiers processed"
    )
    by_procedure: list[BreakdownOut]
    by_sector: list[BreakdownOut]
