"""edXML packages and status messages of QCVN 102:2016/BTTTT: build, validate, parse.

Every package is checked twice against ``schema/edxml.xsd`` (after it is built and when it
arrives). Before the schema, the checks a sender most often fails (namespace, mandatory fields,
agency identifiers, base64, attachment size) run first so the refusal names the field in Vietnamese.
"""

import base64
import binascii
import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from apps.organizations.errors import OrganizationsError
from apps.organizations.identifiers import agency_identifier_validate

from .errors import ExchangeError, ExchangeErrorCode

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
SCHEMA_PATH = Path(__file__).with_name("schema") / "edxml.xsd"
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class Priority(IntEnum):
    NORMAL = 0  # thường
    URGENT = 1  # khẩn
    VERY_URGENT = 2  # thượng khẩn
    EXPRESS = 3  # hỏa tốc
    EXPRESS_TIMED = 4  # hỏa tốc hẹn giờ


class SteeringType(IntEnum):
    NONE = 0  # không chỉ đạo
    STEERING = 1  # chỉ đạo
    STEERING_REPORT = 2  # báo cáo chỉ đạo


class BusinessDocType(IntEnum):
    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


class StatusCode(IntEnum):
    ARRIVED = 1
    REFUSED = 2
    ACCEPTED = 3
    ASSIGNED = 4
    PROCESSING = 5
    DONE = 6
    RECALL_REQUESTED = 13
    RECALLED = 15
    RECALL_REFUSED = 16


STATUS_TEXT = {
    StatusCode.ARRIVED: "Đã đến",
    StatusCode.REFUSED: "Từ chối",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Đã phân công",
    StatusCode.PROCESSING: "Đang xử lý",
    StatusCode.DONE: "Hoàn thành",
    StatusCode.RECALL_REQUESTED: "Yêu cầu lấy lại",
    StatusCode.RECALLED: "Lấy lại thành công",
    StatusCode.RECALL_REFUSED: "Từ chối lấy lại",
}


@dataclass(frozen=True)
class Organ:
    organ_id: str
    name: str = ""
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""


@dataclass(frozen=True)
class Attachment:
    content_id: str
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Trace:
    organ_id: str
    timestamp: datetime


@dataclass(frozen=True)
class Package:
    """One official document as it travels between agencies (the MessageHeader and the files)."""

    sender: Organ
    recipients: tuple[Organ, ...]
    document_id: str
    code_number: str
    code_notation: str
    place: str
    promulgation_date: date
    type_code: str
    type_name: str
    subject: str
    signer_competence: str
    signer_position: str
    signer_name: str
    due_date: date | None = None
    priority: int = Priority.NORMAL
    promulgation_amount: int = 1
    page_amount: int = 1
    steering_type: int = SteeringType.NONE
    business_doc_type: int = BusinessDocType.NEW
    business_reason: str = ""
    traces: tuple[Trace, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    content: str = ""

    @property
    def code(self) -> str:
        return f"{self.code_number}/{self.code_notation}"


@dataclass(frozen=True)
class StatusMessage:
    """A recipient's word on a document it received (đã đến, đã tiếp nhận …)."""

    sender: Organ
    response_to_organ_id: str
    response_to_document_id: str
    status_code: int
    timestamp: datetime
    description: str = ""
    response_to_code: str = ""
    staff: str = ""
    department: str = ""
    extra: dict = field(default_factory=dict)


# --- build --------------------------------------------------------------------------------------
def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, _q(tag))
    if text is not None:
        element.text = str(text)
    return element


def _organ(parent, tag: str, organ: Organ) -> None:
    element = _sub(parent, tag)
    _sub(element, "OrganId", organ.organ_id)
    for child, value in (
        ("OrganizationInCharge", organ.in_charge),
        ("OrganName", organ.name),
        ("OrganAdd", organ.address),
        ("Email", organ.email),
        ("Telephone", organ.telephone),
    ):
        if value:
            _sub(element, child, value)


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def package_build(package: Package) -> bytes:
    """The edXML envelope of ``package``, validated against the schema."""
    for organ in (package.sender, *package.recipients):
        _check_identifier(organ.organ_id)
    if not package.recipients:
        raise ExchangeError(ExchangeErrorCode.FIELD_MISSING, "Gói tin phải có ít nhất một cơ quan nhận (To).")
    root = etree.Element(_q("edXMLEnvelope"), nsmap={PREFIX: NAMESPACE})
    header = _sub(root, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    _organ(message, "From", package.sender)
    for recipient in package.recipients:
        _organ(message, "To", recipient)
    _sub(message, "DocumentId", package.document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", package.code_number)
    _sub(code, "CodeNotation", package.code_notation)
    info = _sub(message, "PromulgationInfo")
    _sub(info, "Place", package.place)
    _sub(info, "PromulgationDate", package.promulgation_date.isoformat())
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", package.type_code)
    _sub(doc_type, "TypeName", package.type_name)
    _sub(message, "Subject", package.subject)
    if package.content:
        _sub(message, "Content", package.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", package.signer_competence)
    _sub(signer, "Position", package.signer_position)
    _sub(signer, "FullName", package.signer_name)
    if package.due_date:
        _sub(message, "DueDate", package.due_date.isoformat())
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", int(package.priority))
    _sub(other, "PromulgationAmount", package.promulgation_amount)
    _sub(other, "PageAmount", package.page_amount)
    _sub(message, "SteeringType", int(package.steering_type))
    traces = _sub(header, "TraceHeaderList")
    for trace in package.traces:
        item = _sub(traces, "TraceHeader")
        _sub(item, "OrganId", trace.organ_id)
        _sub(item, "Timestamp", _iso(trace.timestamp))
    business = _sub(traces, "Bussiness")
    _sub(business, "BussinessDocType", int(package.business_doc_type))
    if package.business_reason:
        _sub(business, "BussinessDocReason", package.business_reason)
    manifest = _sub(_sub(root, "edXMLBody"), "edXMLManifest")
    encoded = _sub(root, "AttachmentEncoded")
    for attachment in package.attachments:
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
        item = _sub(encoded, "Attachment")
        _sub(item, "ContentId", attachment.content_id)
        _sub(item, "AttachmentName", attachment.name)
        _sub(item, "ContentType", attachment.content_type)
        _sub(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    _schema_check(etree.fromstring(data))
    return data


def status_build(message: StatusMessage) -> bytes:
    """The edXML status message, validated against the schema."""
    _check_identifier(message.sender.organ_id)
    _check_identifier(message.response_to_organ_id)
    root = etree.Element(_q("Status"), nsmap={PREFIX: NAMESPACE})
    header = _sub(root, "MessageHeader")
    response = _sub(header, "ResponseFor")
    _sub(response, "OrganId", message.response_to_organ_id)
    if message.response_to_code:
        _sub(response, "Code", message.response_to_code)
    _sub(response, "DocumentId", message.response_to_document_id)
    _organ(header, "From", message.sender)
    _sub(header, "StatusCode", int(message.status_code))
    if message.description:
        _sub(header, "Description", message.description)
    _sub(header, "Timestamp", _iso(message.timestamp))
    if message.staff or message.department:
        staff = _sub(header, "StaffInfo")
        if message.department:
            _sub(staff, "Department", message.department)
        if message.staff:
            _sub(staff, "Staff", message.staff)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    _schema_check(etree.fromstring(data))
    return data


# --- validate -----------------------------------------------------------------------------------
@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def _schema_check(root) -> None:
    schema = _schema()
    if not schema.validate(root):
        error = schema.error_log.last_error
        where = error.path.replace(f"{{{NAMESPACE}}}", "") if error is not None else ""
        raise ExchangeError(
            ExchangeErrorCode.SCHEMA_INVALID,
            f"Gói tin không đúng lược đồ edXML (QCVN 102:2016) tại {where}: {error.message if error else ''}",
        )


def _check_identifier(value: str) -> None:
    try:
        agency_identifier_validate(value)
    except OrganizationsError as error:
        raise ExchangeError(ExchangeErrorCode.IDENTIFIER_INVALID, error.message) from None
    if value != value.strip().upper():
        raise ExchangeError(
            ExchangeErrorCode.IDENTIFIER_INVALID, f"Mã định danh “{value}” phải viết hoa, không có khoảng trắng."
        )


def _read_root(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ExchangeError(ExchangeErrorCode.NOT_XML, "Gói tin không phải là tài liệu XML hợp lệ.") from None
    namespace = etree.QName(root).namespace
    if namespace != NAMESPACE:
        raise ExchangeError(
            ExchangeErrorCode.WRONG_NAMESPACE,
            f"Gói tin không dùng không gian tên của QCVN 102:2016 ({NAMESPACE}); "
            f"đang dùng “{namespace or 'không có'}”.",
        )
    return root


def message_kind(data: bytes) -> str:
    """``"package"`` or ``"status"``, after the XML and namespace checks."""
    root = _read_root(data)
    name = etree.QName(root).localname
    if name == "edXMLEnvelope":
        return "package"
    if name == "Status":
        return "status"
    raise ExchangeError(ExchangeErrorCode.WRONG_ROOT, f"Phần tử gốc “{name}” không phải gói tin edXML.")


_FIELD_NAMES = {
    "edXMLHeader/MessageHeader/From/OrganId": "mã định danh cơ quan gửi (From/OrganId)",
    "edXMLHeader/MessageHeader/To/OrganId": "mã định danh cơ quan nhận (To/OrganId)",
    "edXMLHeader/MessageHeader/DocumentId": "mã văn bản (DocumentId)",
    "edXMLHeader/MessageHeader/Code/CodeNumber": "số văn bản (CodeNumber)",
    "edXMLHeader/MessageHeader/Code/CodeNotation": "ký hiệu văn bản (CodeNotation)",
    "edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate": "ngày ban hành (PromulgationDate)",
    "edXMLHeader/MessageHeader/Subject": "trích yếu (Subject)",
    "edXMLHeader/MessageHeader/SignerInfo/FullName": "người ký (SignerInfo/FullName)",
}
_STATUS_FIELDS = {
    "MessageHeader/ResponseFor/OrganId": "mã định danh cơ quan gửi văn bản (ResponseFor/OrganId)",
    "MessageHeader/ResponseFor/DocumentId": "mã văn bản được trả lời (ResponseFor/DocumentId)",
    "MessageHeader/From/OrganId": "mã định danh cơ quan gửi trạng thái (From/OrganId)",
    "MessageHeader/StatusCode": "mã trạng thái (StatusCode)",
    "MessageHeader/Timestamp": "thời điểm (Timestamp)",
}


def _path(path: str) -> str:
    return "/".join(f"{PREFIX}:{part}" for part in path.split("/"))


def _texts(root, path: str) -> list[str]:
    return [(e.text or "").strip() for e in root.findall(_path(path), {PREFIX: NAMESPACE})]


def _text(root, path: str) -> str:
    values = _texts(root, path)
    return values[0] if values else ""


def _require(root, fields: dict[str, str]) -> None:
    for path, label in fields.items():
        if not _text(root, path):
            raise ExchangeError(ExchangeErrorCode.FIELD_MISSING, f"Gói tin thiếu trường bắt buộc: {label}.")


def _max_attachment_bytes() -> int:
    return settings.EXCHANGE_MAX_ATTACHMENT_BYTES


def _decode_attachments(root) -> tuple[Attachment, ...]:
    limit = _max_attachment_bytes()
    attachments = []
    for element in root.findall(_path("AttachmentEncoded/Attachment"), {PREFIX: NAMESPACE}):
        name = _text(element, "AttachmentName") or "(không tên)"
        encoded = "".join(_text(element, "ContentTransferEncoded").split())
        if len(encoded) * 3 // 4 > limit + 3:
            raise ExchangeError(
                ExchangeErrorCode.ATTACHMENT_TOO_LARGE,
                f"Tệp đính kèm “{name}” vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
            )
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ExchangeError(
                ExchangeErrorCode.BASE64_INVALID, f"Tệp đính kèm “{name}” không được mã hóa base64 hợp lệ."
            ) from None
        if len(data) > limit:
            raise ExchangeError(
                ExchangeErrorCode.ATTACHMENT_TOO_LARGE,
                f"Tệp đính kèm “{name}” vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
            )
        attachments.append(
            Attachment(
                content_id=_text(element, "ContentId"),
                name=name,
                content_type=_text(element, "ContentType"),
                data=data,
            )
        )
    return tuple(attachments)


def _organ_read(element) -> Organ:
    return Organ(
        organ_id=_text(element, "OrganId"),
        name=_text(element, "OrganName"),
        in_charge=_text(element, "OrganizationInCharge"),
        address=_text(element, "OrganAdd"),
        email=_text(element, "Email"),
        telephone=_text(element, "Telephone"),
    )


def _int(root, path: str, default: int = 0) -> int:
    value = _text(root, path)
    return int(value) if value else default


def package_parse(data: bytes) -> Package:
    """Validate an incoming edXML package and read it, or raise ``ExchangeError`` in Vietnamese."""
    root = _read_root(data)
    if etree.QName(root).localname != "edXMLEnvelope":
        raise ExchangeError(
            ExchangeErrorCode.WRONG_ROOT, f"Phần tử gốc “{etree.QName(root).localname}” không phải gói tin edXML."
        )
    _require(root, _FIELD_NAMES)
    ns = {PREFIX: NAMESPACE}
    for value in _texts(root, "edXMLHeader/MessageHeader/From/OrganId") + _texts(
        root, "edXMLHeader/MessageHeader/To/OrganId"
    ):
        _check_identifier(value)
    attachments = _decode_attachments(root)
    listed = sorted(_texts(root, "edXMLBody/edXMLManifest/Reference/ContentId"))
    if listed != sorted(a.content_id for a in attachments):
        raise ExchangeError(
            ExchangeErrorCode.FIELD_INVALID,
            "Danh mục tệp (edXMLManifest) không khớp với các tệp đính kèm trong gói tin.",
        )
    _schema_check(root)
    message = root.find(_path("edXMLHeader/MessageHeader"), ns)
    due = _text(message, "DueDate")
    traces = tuple(
        Trace(organ_id=_text(t, "OrganId"), timestamp=datetime.fromisoformat(_text(t, "Timestamp")))
        for t in root.findall(_path("edXMLHeader/TraceHeaderList/TraceHeader"), ns)
    )
    return Package(
        sender=_organ_read(message.find(_path("From"), ns)),
        recipients=tuple(_organ_read(e) for e in message.findall(_path("To"), ns)),
        document_id=_text(message, "DocumentId"),
        code_number=_text(message, "Code/CodeNumber"),
        code_notation=_text(message, "Code/CodeNotation"),
        place=_text(message, "PromulgationInfo/Place"),
        promulgation_date=date.fromisoformat(_text(message, "PromulgationInfo/PromulgationDate")),
        type_code=_text(message, "DocumentType/Type"),
        type_name=_text(message, "DocumentType/TypeName"),
        subject=_text(message, "Subject"),
        content=_text(message, "Content"),
        signer_competence=_text(message, "SignerInfo/Competence"),
        signer_position=_text(message, "SignerInfo/Position"),
        signer_name=_text(message, "SignerInfo/FullName"),
        due_date=date.fromisoformat(due) if due else None,
        priority=_int(message, "OtherInfo/Priority"),
        promulgation_amount=_int(message, "OtherInfo/PromulgationAmount", 1),
        page_amount=_int(message, "OtherInfo/PageAmount", 1),
        steering_type=_int(message, "SteeringType"),
        business_doc_type=_int(root, "edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType"),
        business_reason=_text(root, "edXMLHeader/TraceHeaderList/Bussiness/BussinessDocReason"),
        traces=traces,
        attachments=attachments,
    )


def status_parse(data: bytes) -> StatusMessage:
    """Validate an incoming status message and read it, or raise ``ExchangeError`` in Vietnamese."""
    root = _read_root(data)
    if etree.QName(root).localname != "Status":
        raise ExchangeError(
            ExchangeErrorCode.WRONG_ROOT,
            f"Phần tử gốc “{etree.QName(root).localname}” không phải thông điệp trạng thái edXML.",
        )
    _require(root, _STATUS_FIELDS)
    _check_identifier(_text(root, "MessageHeader/From/OrganId"))
    _check_identifier(_text(root, "MessageHeader/ResponseFor/OrganId"))
    code = _text(root, "MessageHeader/StatusCode")
    if not code.isdigit() or int(code) not in {c.value for c in StatusCode}:
        raise ExchangeError(ExchangeErrorCode.FIELD_INVALID, f"Mã trạng thái “{code}” không có trong QCVN 102:2016.")
    _schema_check(root)
    ns = {PREFIX: NAMESPACE}
    return StatusMessage(
        sender=_organ_read(root.find(_path("MessageHeader/From"), ns)),
        response_to_organ_id=_text(root, "MessageHeader/ResponseFor/OrganId"),
        response_to_document_id=_text(root, "MessageHeader/ResponseFor/DocumentId"),
        response_to_code=_text(root, "MessageHeader/ResponseFor/Code"),
        status_code=int(code),
        description=_text(root, "MessageHeader/Description"),
        timestamp=datetime.fromisoformat(_text(root, "MessageHeader/Timestamp")),
        staff=_text(root, "MessageHeader/StaffInfo/Staff"),
        department=_text(root, "MessageHeader/StaffInfo/Department"),
    )


def sender_of(data: bytes) -> str:
    """The sender's OrganId as written in a package or status message (for quarantine), '' if unreadable."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return ""
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "From":
            for child in element:
                if isinstance(child.tag, str) and etree.QName(child).localname == "OrganId":
                    return (child.text or "").strip()[:13]
    return ""
