"""REST endpoints of the one-stop system for partner systems: intake at the desk, status changes,
lookup, statistics. Each parses input, calls the same selector or action as the pages, answers.

Errors answer ``{"code", "message"}`` with the action's Vietnamese message: 400 for a refused
input or transition, 409 when the dossier changed since the caller looked (``expected_status``),
403 without the role, 404 for an unknown dossier and for one out of the caller's reach alike.
"""

import hashlib
from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus
from ninja.errors import HttpError

from apps.core.folding import fold_text
from apps.core.working_days import VN_TZ
from apps.procedures.models import Procedure
from apps.procedures.selectors import procedure_version_in_force, version_content

from . import actions
from .errors import DossierError, DossierErrorCode
from .models import Dossier
from .reports.forms import MAX_DAYS
from .reports.selectors import (
    STATISTICS_PERMISSION,
    Figures,
    Period,
    Statistics,
    dossier_statistics_for_user,
    statistics_agency_get,
)
from .schemas import (
    DossierOut,
    ErrorOut,
    IntakeIn,
    IntakeOut,
    StatisticsOut,
    StatisticsQuery,
    StatusChangeIn,
    StatusOut,
)
from .selectors import ADD_PERMISSION, VIEW_PERMISSION, dossier_page, dossiers_for_official, intake_agency
from .statuses import Channel, Status

router = Router()

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
ERROR_STATUS = {
    DossierErrorCode.CONCURRENT_CHANGE: 409,
    DossierErrorCode.NOT_YOUR_STEP: 403,
    DossierErrorCode.NOT_FOUND: 404,
}
NOT_FOUND = "Không tìm thấy hồ sơ có mã này trong phạm vi của bạn."


def dossier_error_status(error: DossierError) -> int:
    """The HTTP status of a dossier rule broken (400 unless the code says otherwise)."""
    return ERROR_STATUS.get(error.code, 400)


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VN_TZ) if moment is not None else None


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise HttpError(403, message)


def _status_label(status: int) -> str:
    return str(Status(status).label)


# --- intake -------------------------------------------------------------------------------------
def _documents(names: list[str], version) -> list[actions.DocumentInput]:
    """Paper documents by name; a name equal to a requirement (folded) ticks that requirement."""
    requirements = {fold_text(r.name): r.id for r in version_content(version).requirements} if version else {}
    return [
        actions.DocumentInput(name=name, requirement_id=requirements.get(fold_text(name)), paper_only=True)
        for name in names
    ]


@router.post(
    "/dossiers/intake",
    response={200: IntakeOut, 201: IntakeOut, **ERRORS},
    tags=["Hồ sơ"],
    summary="Receive a dossier lodged on paper at the desk (Form 01)",
    description="Registers and receives in one transaction: the dossier gets its code and appointment, "
    "or nothing is kept. For a desk officer, at their own agency. 201 when created; 200 when the same "
    "idempotency key was already used by this account (the first dossier is returned).",
)
def intake(request: HttpRequest, payload: IntakeIn):
    user = request.auth
    _require(user, ADD_PERMISSION, "Bạn không có vai trò tiếp nhận hồ sơ.")
    agency = intake_agency(user)
    if agency is None:
        raise HttpError(403, "Chỉ cán bộ một cửa của một cơ quan mới tiếp nhận hồ sơ.")
    if payload.agency.strip() != agency.identifier:
        raise HttpError(403, f"Bạn chỉ tiếp nhận hồ sơ cho {agency.name} (mã định danh {agency.identifier}).")
    procedure = Procedure.objects.filter(code=payload.procedure_code.strip()).first()
    if procedure is None:
        raise HttpError(404, f"Không tìm thấy thủ tục có mã “{payload.procedure_code}”.")
    key = None
    if payload.idempotency_key:
        key = hashlib.sha256(f"api:{user.uuid}:{payload.idempotency_key}".encode()).hexdigest()
    created = key is None or not Dossier.objects.filter(idempotency_key=key).exists()
    applicant = payload.applicant
    version = procedure_version_in_force(procedure)
    dossier = actions.dossier_intake(
        actor=user,
        procedure=procedure,
        receiving_agency=agency,
        applicant=actions.ApplicantInput(
            name=applicant.name,
            applicant_type=applicant.applicant_type,
            id_number=applicant.id_number,
            phone=applicant.phone,
            email=applicant.email,
            address=applicant.address,
        ),
        channel=Channel.DESK,
        subject=payload.subject,
        documents=_documents(payload.documents, version),
        idempotency_key=key,
        version=version,
    )
    body = {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": _status_label(dossier.status),
        "received_at": _local(dossier.received_at),
        "appointment": _local(dossier.due_at),
        "register_number": dossier.register_number,
    }
    return HttpStatus(201 if created else 200, body)


# --- status changes -----------------------------------------------------------------------------
def _apply(user, dossier: Dossier, change: StatusChangeIn) -> None:
    common = {"actor": user, "dossier": dossier, "expected_status": change.expected_status}
    match change.transition:
        case "request_supplement":
            actions.dossier_request_supplement(**common, items=change.items, reason=change.reason)
        case "supplement_received":
            names = [actions.DocumentInput(name=n, paper_only=True) for n in change.documents]
            actions.dossier_supplement_received(**common, documents=names)
        case "request_payment":
            items = [{"name": p.name, "amount": p.amount} for p in change.payments]
            actions.dossier_request_payment(**common, items=items, reason=change.reason)
        case "payment_done":
            actions.dossier_payment_done(**common)
        case "withdraw":
            actions.dossier_withdraw(**common, reason=change.reason)
        case "stop":
            actions.dossier_stop(**common, reason=change.reason)
        case "return_result":
            actions.dossier_return_result(**common, channel=change.channel)


@router.post(
    "/dossiers/{code}/status",
    response={200: StatusOut, 409: ErrorOut, **ERRORS},
    tags=["Hồ sơ"],
    summary="Change the status of a dossier",
    description="One transition of the life cycle, checked by the same rules as the workspace. "
    "``expected_status`` is the status the caller saw: if the dossier changed since, 409 and nothing changes.",
)
def status_change(request: HttpRequest, code: str, payload: StatusChangeIn):
    user = request.auth
    _require(user, VIEW_PERMISSION, "Bạn không có vai trò xử lý hồ sơ.")
    dossier = dossiers_for_official(user, change=True).filter(code=code).first()
    if dossier is None:
        raise HttpError(404, NOT_FOUND)
    _apply(user, dossier, payload)
    dossier.refresh_from_db()
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": _status_label(dossier.status),
        "due_at": _local(dossier.due_at),
    }


# --- lookup -------------------------------------------------------------------------------------
@router.get(
    "/dossiers/{code}",
    response={200: DossierOut, **ERRORS},
    tags=["Hồ sơ"],
    summary="Look a dossier up: status, appointment, countdown, steps and processing trail",
)
def dossier_get(request: HttpRequest, code: str):
    user = request.auth
    _require(user, VIEW_PERMISSION, "Bạn không có vai trò xem hồ sơ.")
    dossier = dossiers_for_official(user).select_related("procedure", "receiving_agency").filter(code=code).first()
    if dossier is None:
        raise HttpError(404, NOT_FOUND)
    page = dossier_page(user, dossier)
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": _status_label(dossier.status),
        "channel": dossier.channel,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "receiving_agency": {"identifier": dossier.receiving_agency.identifier, "name": dossier.receiving_agency.name},
        "applicant_name": dossier.applicant_name,
        "subject": dossier.subject,
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "original_due_at": _local(dossier.original_due_at),
        "countdown": page.countdown,
        "overdue": page.overdue,
        "paused": dossier.is_paused,
        "timeliness": dossier.timeliness,
        "finished_at": _local(dossier.finished_at),
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "agency": {"identifier": step.agency.identifier, "name": step.agency.name},
                "state": step.state,
                "assignee": step.assignee.get_full_name() if step.assignee else None,
                "started_at": _local(step.started_at),
                "due_at": _local(step.due_at),
                "finished_at": _local(step.finished_at),
                "timeliness": step.timeliness,
            }
            for step in page.steps
        ],
        "trail": [
            {
                "at": _local(event.at),
                "transition": event.transition,
                "label": str(event.get_transition_display()),
                "actor": event.actor_name,
                "agency": event.agency.name if event.agency else None,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
                "due_after": _local(event.due_after),
                "public": event.public,
            }
            for event in page.events
        ],
    }


# --- statistics ---------------------------------------------------------------------------------
def _figures(figures: Figures) -> dict:
    rate = figures.on_time_rate
    return {
        **figures.as_dict(),
        "processed": figures.processed,
        "open": figures.open,
        "on_time_rate": float(rate) if rate is not None else None,
    }


def statistics_payload(stats: Statistics) -> dict:
    """The statistics as the API answers them (also what the page shows, field for field)."""
    return {
        "agency": {"identifier": stats.agency.identifier, "name": stats.agency.name},
        "first_day": stats.period.first,
        "last_day": stats.period.last,
        "as_of": _local(stats.as_of),
        "figures": _figures(stats.totals),
        "average_processing_days": float(stats.average_days) if stats.average_days is not None else None,
        "by_procedure": [{"code": b.code, "name": b.name, "figures": _figures(b.figures)} for b in stats.by_procedure],
        "by_sector": [{"code": b.code, "name": b.name, "figures": _figures(b.figures)} for b in stats.by_sector],
    }


@router.get(
    "/statistics",
    response={200: StatisticsOut, **ERRORS},
    tags=["Thống kê"],
    summary="QĐ 766 progress figures of an agency (and the units below it) over a period",
    description="Dates are days in Asia/Ho_Chi_Minh, both inclusive. Without ``agency``, the caller's own agency.",
)
def statistics(request: HttpRequest, query: Query[StatisticsQuery]):
    first_day, last_day = query.first_day, query.last_day
    user = request.auth
    _require(user, STATISTICS_PERMISSION, "Bạn không có quyền xem thống kê hồ sơ.")
    if last_day < first_day:
        raise HttpError(400, "Ngày cuối kỳ phải không trước ngày đầu kỳ.")
    if (last_day - first_day).days > MAX_DAYS:
        raise HttpError(400, "Kỳ thống kê dài tối đa mười năm.")
    agency = query.agency.strip()
    chosen = statistics_agency_get(user, identifier=agency) if agency else statistics_agency_get(user)
    if chosen is None:
        raise HttpError(404, "Không tìm thấy cơ quan có mã định danh này trong phạm vi của bạn.")
    stats = dossier_statistics_for_user(user, agency=chosen, period=Period(first_day, last_day))
    return statistics_payload(stats)
