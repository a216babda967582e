"""Demo exchange: packages from commune People's Committees to the province and between departments.

Made through the real actions and the direct transport (``package_send``, ``outbox_run``,
``incoming_status_send``, ``package_receive``): the sender sees "đã đến" then the answers, one
package is sent twice and arrives once, one malformed package lands in quarantine. The receipts
are sealed by the ``receipt_seal`` task after commit, as for real packages. Idempotent: a package
already queued is not sent again.
"""

import datetime as dt
import logging

from django.utils import timezone

from apps.core.demo import demo_step
from apps.organizations.models import Agency, Level

from .actions import incoming_status_send, outbox_run, package_receive, package_send
from .edxml import Attachment, Organ, Package, Priority, StatusCode
from .models import IncomingPackage, OutgoingPackage, QuarantinedPackage

logger = logging.getLogger(__name__)

PROVINCE_OFFICE = "000.00.01.H27"  # Văn phòng UBND tỉnh
DEMO_PREFIX = "DEMO-LT"

_ATTACHMENT_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{faces}
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }} body {{ font-family: "{family}"; font-size: 13pt; }}
h1 {{ text-align: center; font-size: 14pt; }}</style></head><body>
<p><b>{sender}</b></p><h1>{title}</h1><p>{body}</p></body></html>"""


def _attachment(sender: str, title: str, body: str, *, reference: str, seal: bool) -> bytes:
    """A one-page PDF, sealed by the platform (top right, with the number and symbol) when ``seal``."""
    from weasyprint import HTML

    from apps.dossiers.printing.rendering import FONT_FAMILY, fetcher, font_faces
    from apps.signing.actions import document_sign_seal
    from apps.signing.errors import SigningError
    from apps.signing.selectors import signed_file_read

    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{f["uri"]}"); '
        f"font-weight: {f['weight']}; font-style: {f['style']}; }}"
        for f in font_faces()
    )
    html = _ATTACHMENT_PAGE.format(faces=faces, family=FONT_FAMILY, sender=sender, title=title, body=body)
    pdf = HTML(string=html, url_fetcher=fetcher()).write_pdf()
    if not seal:
        return pdf
    try:
        return signed_file_read(document_sign_seal(actor=None, pdf=pdf, name="dinh-kem.pdf", reference=reference))
    except SigningError as error:  # signing switched off: the package still travels, unsigned
        logger.info("demo attachment not sealed: %s", error.code)
        return pdf


def _agencies():
    today = timezone.localdate()
    in_force = Agency.objects.valid_on(today).exclude(identifier="")
    province = in_force.filter(identifier=PROVINCE_OFFICE).first()
    communes = list(
        in_force.filter(category=Agency.Category.PEOPLES_COMMITTEE, level=Level.COMMUNE).order_by(
            "administrative_unit__code"
        )[:3]
    )
    departments = list(
        in_force.filter(category=Agency.Category.DEPARTMENT, level=Level.PROVINCE).order_by("identifier")[:2]
    )
    science = in_force.filter(name="Sở Khoa học và Công nghệ").first()
    if science is not None:  # the demo clerk's agency, first
        departments = [science, *(d for d in departments if d != science)][:2]
    return province, communes, departments


def _clerk(agency: Agency):
    """The demo clerk of this agency if there is one (the action's actor), else the system."""
    from apps.accounts.models import User

    return User.objects.filter(username="vanthu", memberships__agency=agency).first()


def _package(number: int, sender: Agency, recipient: Agency, **values) -> Package:
    year = timezone.localdate().year
    return Package(
        sender=Organ(organ_id=sender.identifier, name=sender.name),
        recipients=(Organ(organ_id=recipient.identifier, name=recipient.name),),
        document_id=f"{DEMO_PREFIX}-{sender.identifier}-{year}-{number:04d}",
        code_number=str(number),
        place="Hà Tĩnh",
        promulgation_date=timezone.localdate() - dt.timedelta(days=2),
        signer_competence="TM. Ủy ban nhân dân"
        if sender.category == Agency.Category.PEOPLES_COMMITTEE
        else "KT. Giám đốc",
        signer_position="Chủ tịch" if sender.category == Agency.Category.PEOPLES_COMMITTEE else "Phó Giám đốc",
        signer_name="Nguyễn Văn Ký",
        promulgation_amount=1,
        page_amount=1,
        **values,
    )


def _deliver_all() -> None:
    for _ in range(6):  # package → "đã đến" back → answers → their arrival: a few rounds, each in-process
        if not outbox_run().get("sent"):
            break


def _answer(document_id: str, recipient: Agency, codes: list[tuple[int, str]]) -> None:
    incoming = IncomingPackage.objects.filter(document_id=document_id, agency=recipient).first()
    if incoming is None:
        return
    for code, description in codes:
        incoming_status_send(actor=_clerk(recipient), incoming=incoming, status_code=code, description=description)
        _deliver_all()
        incoming.refresh_from_db()


@demo_step(order=40, label="Liên thông văn bản mẫu (xã → tỉnh, giữa các sở)")
def demo_exchange(report) -> None:
    province, communes, departments = _agencies()
    if province is None or len(communes) < 3 or len(departments) < 2:
        report("bỏ qua: thiếu cơ quan có mã định danh")
        return
    if OutgoingPackage.objects.filter(document_id__startswith=DEMO_PREFIX).exists():
        return
    first, second, third = communes
    science, other = departments
    sealed = _attachment(
        first.name,
        "BÁO CÁO<br>Kết quả chuyển đổi số năm 2026",
        "Ủy ban nhân dân xã báo cáo kết quả thực hiện chuyển đổi số năm 2026 trên địa bàn.",
        reference=f"15/BC-UBND ({first.name})",
        seal=True,
    )
    unsigned = _attachment(
        other.name,
        "GIẤY MỜI<br>Họp góp ý dự thảo kế hoạch",
        "Kính mời đại diện lãnh đạo Sở dự họp góp ý dự thảo kế hoạch.",
        reference="",
        seal=False,
    )
    report_file = Attachment(content_id="att-1", name="bao-cao.pdf", content_type="application/pdf", data=sealed)
    invitation = Attachment(content_id="att-1", name="giay-moi.pdf", content_type="application/pdf", data=unsigned)
    accepted, assigned = (StatusCode.ACCEPTED, ""), (StatusCode.ASSIGNED, "Giao Phòng Kinh tế ngành xử lý")
    processing, done = (StatusCode.PROCESSING, ""), (StatusCode.DONE, "Đã có văn bản trả lời")
    refused = (StatusCode.REFUSED, "Văn bản không thuộc thẩm quyền giải quyết của Văn phòng UBND tỉnh")
    report_type, plan_type, letter_type = ("2", "Báo cáo"), ("3", "Tờ trình"), ("4", "Công văn")
    plans = [
        # (sender, recipient, number, notation, type, subject, attachment, answers by the recipient)
        (first, province, 15, "BC-UBND", report_type, "Báo cáo kết quả chuyển đổi số năm 2026", report_file,
         [accepted, assigned]),
        (second, province, 42, "TTr-UBND", plan_type,
         "Tờ trình đề nghị hỗ trợ kinh phí khắc phục hậu quả bão số 5", report_file, [accepted, processing, done]),
        (third, province, 7, "BC-UBND", report_type, "Báo cáo tình hình giải quyết thủ tục hành chính quý IV",
         report_file, []),
        (science, other, 1203, "SKHCN-VP", letter_type, "Đề nghị góp ý dự thảo Kế hoạch chuyển đổi số năm 2027",
         report_file, [accepted]),
        (other, science, 88, "GM-S", ("5", "Giấy mời"), "Mời họp góp ý dự thảo kế hoạch phòng chống thiên tai",
         invitation, []),
        (first, province, 16, "CV-UBND", letter_type, "Công văn gửi nhầm nơi nhận", report_file, [refused]),
    ]  # fmt: skip
    sent = 0
    for sender, recipient, number, notation, (type_code, type_name), subject, attachment, answers in plans:
        package = _package(
            number,
            sender,
            recipient,
            code_notation=notation,
            type_code=type_code,
            type_name=type_name,
            subject=subject,
            priority=Priority.URGENT if notation.startswith("TTr") else Priority.NORMAL,
            attachments=(attachment,),
        )
        package_send(actor=_clerk(sender), agency=sender, package=package)
        if number == 15:  # sent twice by mistake: it is queued and arrives once
            package_send(actor=_clerk(sender), agency=sender, package=package)
        _deliver_all()
        _answer(package.document_id, recipient, answers)
        sent += 1
    if not QuarantinedPackage.objects.filter(agency=province).exists():
        # What a badly built package from an outside system looks like: refused and kept.
        package_receive(
            content=b'<?xml version="1.0"?><edXMLEnvelope xmlns="urn:sai-khong-gian-ten"/>',
            transport="http",
            recipient=province.identifier,
        )
    report(f"{sent} gói tin, {IncomingPackage.objects.filter(document_id__startswith=DEMO_PREFIX).count()} đã đến")
