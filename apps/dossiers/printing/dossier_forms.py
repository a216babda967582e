"""Forms 01–05 of TT 01/2018 for one dossier, filled from the dossier, its documents, its waits on
the applicant and its processing trail.

The forms are legal documents issued in Vietnamese whatever the interface language, so their
wording lives here and in the templates, not in the translation catalogue.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import segno
from django.utils import timezone

from apps.core.formatting import format_date, format_money
from apps.procedures.models import DeadlineUnit, deadline_label

from ..clock import Timeliness
from ..errors import DossierError, DossierErrorCode
from ..models import Dossier, DossierDocument, DossierEvent, DossierStep, DossierWait
from ..statuses import Channel, Transition
from .rendering import letterhead, moment_text, render_pdf

FORM_TITLES = {
    1: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    2: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    3: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    4: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    5: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    6: "Sổ theo dõi hồ sơ",
}
TRACKING_PATH = "/tra-cuu/"

TIMELINESS_TEXT = {Timeliness.EARLY: "Trước hạn", Timeliness.ON_TIME: "Đúng hạn", Timeliness.LATE: "Quá hạn"}
RESULT_CHANNEL_TEXT = {
    Channel.DESK: "Trả trực tiếp tại Bộ phận tiếp nhận và trả kết quả",
    Channel.ONLINE: "Trả kết quả điện tử trên Cổng Dịch vụ công",
    Channel.POSTAL: "Trả qua dịch vụ bưu chính công ích",
}
WAIT_EFFECT_TEXT = {
    DossierWait.Effect.RESTART: "Thời hạn giải quyết được tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung.",
    DossierWait.Effect.PAUSE: "Thời gian bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết.",
    DossierWait.Effect.NONE: "Hồ sơ được tiếp nhận khi đã đầy đủ, hợp lệ theo quy định.",
}


def form_pdf(dossier: Dossier, number: int, *, tracking_url: str = TRACKING_PATH) -> bytes:
    """The PDF of form ``number`` (1–5) of ``dossier``; a Vietnamese error when it does not apply."""
    build = _BUILDERS.get(number)
    if build is None:
        message = (
            "Mẫu 06 là sổ theo dõi hồ sơ: in theo cơ quan tiếp nhận và thời kỳ."
            if number == 6
            else f"Không có mẫu số {number:02d}; hồ sơ có các mẫu 01 đến 05."
        )
        raise DossierError(DossierErrorCode.NOT_FOUND, message)
    dossier = (
        Dossier.objects.select_related(
            "procedure",
            "version",
            "received_by",
            "receiving_agency__parent",
            "receiving_agency__administrative_unit",
        )
        .filter(pk=dossier.pk)
        .get()
    )
    context = build(dossier)
    context.update(
        dossier=dossier,
        title=FORM_TITLES[number],
        form_number=f"{number:02d}",
        applicant=_applicant(dossier),
        tracking_url=tracking_url,
    )
    return render_pdf(f"dossiers/forms/form_{number:02d}.html", context)


def _applicant(dossier: Dossier) -> dict:
    citizen = dossier.applicant_type == Dossier.ApplicantType.CITIZEN
    return {
        "name": dossier.applicant_name,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "id_number": dossier.applicant_id_number,
        "id_label": "Số định danh cá nhân" if citizen else "Mã số thuế",
        "addressee": "Ông/Bà" if citizen else "Quý cơ quan, tổ chức",
    }


def _not_applicable(message: str) -> DossierError:
    return DossierError(DossierErrorCode.NOT_FOUND, message)


def _require_received(dossier: Dossier, number: int) -> None:
    if dossier.received_at is None or not dossier.code:
        raise _not_applicable(
            f"Hồ sơ chưa được tiếp nhận nên chưa có {FORM_TITLES[number].lower()} (mẫu {number:02d})."
        )


def _official_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# --- Form 01 --------------------------------------------------------------------------------------
def _quantity(document: DossierDocument) -> str:
    requirement = document.requirement
    if requirement is None:
        return ""
    parts = [
        f"{count:02d} {label}"
        for count, label in (
            (requirement.originals, "bản chính"),
            (requirement.certified_copies, "bản sao chứng thực"),
            (requirement.copies, "bản sao"),
        )
        if count
    ]
    return ", ".join(parts)


def _collect_place(dossier: Dossier) -> str:
    desk = f"Bộ phận tiếp nhận và trả kết quả – {dossier.receiving_agency.name}"
    if dossier.channel == Channel.ONLINE:
        return f"{desk}, hoặc nhận kết quả điện tử trên Cổng Dịch vụ công"
    if dossier.channel == Channel.POSTAL:
        return "Qua dịch vụ bưu chính công ích, theo địa chỉ của người nộp"
    return desk


def _form_01(dossier: Dossier) -> dict:
    _require_received(dossier, 1)
    documents = [
        {"name": d.name, "quantity": _quantity(d), "kind": "Bản giấy" if d.paper_only else "Bản điện tử (quét)"}
        for d in dossier.documents.filter(kind=DossierDocument.Kind.SUBMITTED)
        .select_related("requirement")
        .order_by("created_at", "id")
    ]
    fees = [
        {"name": fee.name, "amount": format_money(fee.amount) if fee.amount else "Không thu"}
        for fee in dossier.version.fees.all()
    ]
    appointment = dossier.original_due_at or dossier.due_at
    changed = dossier.due_at if dossier.due_at and dossier.due_at != appointment else None
    qr = segno.make(dossier.code, error="m")
    return {
        "letterhead": letterhead(dossier.receiving_agency, dossier.received_at),
        "documents": documents,
        "fees": fees,
        "deadline": deadline_label(dossier.deadline_value, dossier.deadline_unit or DeadlineUnit.WORKING_DAYS),
        "received": moment_text(dossier.received_at),
        "appointment": moment_text(appointment),
        "appointment_changed": moment_text(changed) if changed else "",
        "collect_place": _collect_place(dossier),
        "register_year": dossier.register_year,
        "register_number": f"{dossier.register_number:02d}" if dossier.register_number else "",
        "receiver": _official_name(dossier.received_by),
        "qr_uri": qr.svg_data_uri(scale=4, border=2),
    }


# --- Form 02 --------------------------------------------------------------------------------------
def _form_02(dossier: Dossier) -> dict:
    wait = (
        dossier.waits.filter(kind__in=[DossierWait.Kind.SUPPLEMENT_BEFORE_RECEIPT, DossierWait.Kind.SUPPLEMENT])
        .select_related("requested_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    if wait is None:
        raise _not_applicable(
            "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)."
        )
    official = wait.requested_by
    membership = official.current_membership() if official is not None else None
    return {
        "letterhead": letterhead(dossier.receiving_agency, wait.requested_at),
        "items": [str(item) for item in wait.items],
        "reason": wait.reason,
        "clock_note": WAIT_EFFECT_TEXT.get(wait.effect, ""),
        "requested": moment_text(wait.requested_at),
        "official": _official_name(official),
        "official_agency": membership.agency.name if membership is not None else dossier.receiving_agency.name,
        "official_phone": getattr(official, "phone", ""),
        "official_email": getattr(official, "email", ""),
    }


# --- Form 03 --------------------------------------------------------------------------------------
def _form_03(dossier: Dossier) -> dict:
    event = (
        dossier.events.filter(transition__in=[Transition.REFUSE, Transition.STOP])
        .select_related("agency__parent", "agency__administrative_unit")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        raise _not_applicable(
            "Hồ sơ không bị từ chối tiếp nhận hay dừng giải quyết nên không có phiếu từ chối (mẫu 03)."
        )
    agency = event.agency or dossier.receiving_agency
    return {
        "letterhead": letterhead(agency, event.at),
        "agency_name": agency.name,
        "at_desk": event.transition == Transition.REFUSE,
        "reasons": [line.strip() for line in event.note.splitlines() if line.strip()],
        "official": event.actor_name,
    }


# --- Form 04 --------------------------------------------------------------------------------------
def _form_04(dossier: Dossier) -> dict:
    event = (
        dossier.events.filter(transition=Transition.APOLOGISE)
        .select_related("agency__parent", "agency__administrative_unit")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        raise _not_applicable("Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả nên không in được mẫu 04.")
    agency = event.agency or dossier.receiving_agency
    return {
        "letterhead": letterhead(agency, event.at),
        "agency_name": agency.name,
        "received_day": format_date(dossier.received_at),
        "receiving_agency": dossier.receiving_agency.name,
        "due_before": moment_text(event.due_before),
        "due_after": moment_text(event.due_after),
        "reason": event.note,
        "official": event.actor_name,
    }


# --- Form 05 --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HandOver:
    """One row of Form 05: who handed the dossier to whom, when, how timely, and a note."""

    giver: str
    receiver: str
    at: datetime
    giver_person: str
    receiver_person: str
    result: str
    note: str

    @property
    def moment(self) -> str:
        """'10 giờ 00, ngày 19/11/2026' (the table column is narrow on A5)."""
        local = timezone.localtime(self.at)
        return f"{local:%H} giờ {local:%M}, ngày {local:%d/%m/%Y}"


_HAND_OVERS = {Transition.RECEIVE, Transition.STEP_COMPLETE, Transition.COMPLETE}
_TO_APPLICANT = {
    Transition.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    Transition.REQUEST_PAYMENT: "Thông báo thực hiện nghĩa vụ tài chính",
    Transition.APOLOGISE: "Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)",
    Transition.WITHDRAW: "Người nộp rút hồ sơ",
    Transition.STOP: "Dừng giải quyết hồ sơ",
}
_FROM_APPLICANT = {
    Transition.SUPPLEMENT_RECEIVED: "Nhận hồ sơ bổ sung",
    Transition.PAYMENT_DONE: "Người nộp đã thực hiện nghĩa vụ tài chính",
}


def _names(steps: list[DossierStep]) -> str:
    return "; ".join(dict.fromkeys(s.agency.name for s in steps))


def _people(steps: list[DossierStep]) -> str:
    return ", ".join(dict.fromkeys(s.assignee.get_full_name() for s in steps if s.assignee is not None))


def control_rows(dossier: Dossier) -> list[HandOver]:
    """Form 05 rows from the processing trail, after receipt, in order."""
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order", "position"))
    by_id = {s.pk: s for s in steps}
    groups: dict[int, list[DossierStep]] = defaultdict(list)
    for step in steps:
        groups[step.order].append(step)
    applicant = dossier.applicant_name
    desk = dossier.receiving_agency.name
    rows = []
    # Transitions before receipt (submission, Form 02 before receipt) are not in any of the sets below.
    for event in dossier.events.select_related("agency").order_by("at", "id"):
        agency = event.agency.name if event.agency is not None else desk
        source, target = by_id.get(event.from_step_id), by_id.get(event.to_step_id)
        if event.transition in _HAND_OVERS and (source is not None or event.transition == Transition.RECEIVE):
            if target is not None:
                receivers = groups[target.order]
            elif source is not None and not source.is_lead:
                receivers = [s for s in groups[source.order] if s.is_lead]  # the opinion goes to the lead
            else:
                receivers = []
            if event.transition == Transition.RECEIVE:
                note = "Tiếp nhận hồ sơ, chuyển giải quyết"
            else:
                note = f"{source.name}: {event.note}" if event.note else source.name
                if not receivers:
                    note += " (chờ các cơ quan cùng bước)"
            rows.append(
                HandOver(
                    giver=source.agency.name if source is not None else desk,
                    receiver=_names(receivers),
                    at=dossier.received_at if event.transition == Transition.RECEIVE else event.at,
                    giver_person=event.actor_name,
                    receiver_person=_people(receivers),
                    result=TIMELINESS_TEXT.get(source.timeliness, "") if source is not None else "",
                    note=note,
                )
            )
        elif event.transition in _TO_APPLICANT:
            rows.append(HandOver(agency, applicant, event.at, event.actor_name, "", "", _join(_TO_APPLICANT, event)))
        elif event.transition in _FROM_APPLICANT:
            rows.append(HandOver(applicant, agency, event.at, "", event.actor_name, "", _join(_FROM_APPLICANT, event)))
        elif event.transition == Transition.RETURN_RESULT:
            rows.append(
                HandOver(
                    agency,
                    applicant,
                    event.at,
                    event.actor_name,
                    applicant,
                    TIMELINESS_TEXT.get(dossier.timeliness, ""),
                    RESULT_CHANNEL_TEXT.get(dossier.result_channel, "Trả kết quả"),
                )
            )
    return rows


def _join(labels: dict, event: DossierEvent) -> str:
    return f"{labels[event.transition]}: {event.note}" if event.note else labels[event.transition]


def _form_05(dossier: Dossier) -> dict:
    _require_received(dossier, 5)
    steps = list(dossier.steps.select_related("agency").order_by("order", "position"))
    lead = [s for s in steps if s.is_lead]
    consulted = [s for s in steps if not s.is_lead]
    return {
        "letterhead": letterhead(dossier.receiving_agency, dossier.received_at),
        "received": moment_text(dossier.received_at),
        "appointment": moment_text(dossier.original_due_at or dossier.due_at),
        "appointment_changed": moment_text(dossier.due_at)
        if dossier.due_at and dossier.original_due_at and dossier.due_at != dossier.original_due_at
        else "",
        "handling_agencies": _names(lead),
        "consulted_agencies": _names(consulted),
        "rows": control_rows(dossier),
    }


_BUILDERS = {1: _form_01, 2: _form_02, 3: _form_03, 4: _form_04, 5: _form_05}
