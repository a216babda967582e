"""Messages to the applicant at the status changes they must hear about (SMS and e-mail).

Texts are written once here; SMS text stays ASCII (Vietnamese without marks) so it fits one or two
SMS on every network. Sent on commit through the core messaging adapters.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from apps.core.folding import strip_marks
from apps.core.messaging import send_email, send_sms
from apps.core.working_days import VN_TZ

from .models import Dossier

MESSAGES = {
    "registered": (
        "Đã nhận hồ sơ trực tuyến",
        "Hồ sơ “{procedure}” của {name} đã được gửi tới {agency}. Bộ phận một cửa sẽ kiểm tra và báo kết quả.",
    ),
    "received": (
        "Hồ sơ {code} đã được tiếp nhận",
        "Hồ sơ {code} (“{procedure}”) đã được tiếp nhận. Hẹn trả kết quả: {due}. Mã tra cứu: {secret}.",
    ),
    "ask_to_complete": (
        "Hồ sơ cần bổ sung trước khi tiếp nhận",
        "Hồ sơ “{procedure}” còn thiếu giấy tờ. Vui lòng xem phiếu yêu cầu bổ sung và nộp đủ để được tiếp nhận.",
    ),
    "refused": (
        "Hồ sơ không được tiếp nhận",
        "Hồ sơ “{procedure}” không được tiếp nhận. Lý do ghi trong phiếu từ chối (mẫu 03).",
    ),
    "supplement_requested": (
        "Hồ sơ {code} cần bổ sung",
        "Hồ sơ {code} cần bổ sung giấy tờ. Vui lòng xem phiếu yêu cầu bổ sung (mẫu 02) và nộp bổ sung.",
    ),
    "supplement_received": (
        "Đã nhận bổ sung hồ sơ {code}",
        "Đã nhận đủ bổ sung hồ sơ {code}. Hẹn trả kết quả mới: {due}.",
    ),
    "payment_requested": (
        "Hồ sơ {code}: cần thực hiện nghĩa vụ tài chính",
        "Hồ sơ {code} đang chờ thực hiện nghĩa vụ tài chính. Thời gian chờ không tính vào thời hạn giải quyết.",
    ),
    "apology": (
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
        "{agency} xin lỗi vì hồ sơ {code} chưa giải quyết kịp hạn. Ngày hẹn trả mới: {due}.",
    ),
    "done": (
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ {code} đã có kết quả. Mời nhận tại {agency} hoặc tải kết quả điện tử trên Cổng dịch vụ công.",
    ),
    "returned": ("Đã trả kết quả hồ sơ {code}", "Hồ sơ {code} đã được trả kết quả. Mời đánh giá mức độ hài lòng."),
    "withdrawn": ("Hồ sơ {code} đã được rút", "Hồ sơ {code} đã được rút theo yêu cầu của người nộp."),
    "stopped": ("Hồ sơ {code} dừng xử lý", "Hồ sơ {code} đã dừng xử lý. Lý do xem tại Cổng dịch vụ công."),
}


_silent: ContextVar[bool] = ContextVar("dossier_notifications_silent", default=False)


@contextmanager
def silenced():
    """No message to applicants inside this block (importing history: they were told back then)."""
    token = _silent.set(True)
    try:
        yield
    finally:
        _silent.reset(token)


def dossier_notify(dossier: Dossier, event: str) -> None:
    """Send the applicant the message of ``event`` (once the current transaction commits)."""
    if _silent.get():
        return
    subject, body = MESSAGES[event]
    values = {
        "code": dossier.code or "",
        "procedure": dossier.procedure.name,
        "name": dossier.applicant_name,
        "agency": str(dossier.receiving_agency),
        "due": f"{dossier.due_at.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y}" if dossier.due_at else "",
        "secret": dossier.tracking_secret,
    }
    subject, body = subject.format(**values), body.format(**values)
    if dossier.applicant_phone:
        send_sms(to=dossier.applicant_phone, body=strip_marks(body)[:300])
    if dossier.applicant_email:
        send_email(to=dossier.applicant_email, subject=subject, body=body)
