"""edXML build → validate → parse, and the Vietnamese refusal of every malformed input."""

import base64
import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from apps.exchange.edxml import (
    NAMESPACE,
    BusinessDocType,
    Organ,
    StatusCode,
    StatusMessage,
    package_build,
    package_parse,
    status_build,
    status_parse,
)
from apps.exchange.errors import ExchangeError, ExchangeErrorCode

from .conftest import COMMUNE_ID, PROVINCE_ID, make_package


def test_a_package_round_trips_through_the_schema():
    package = make_package(business_doc_type=BusinessDocType.UPDATE, business_reason="Sửa số liệu")

    parsed = package_parse(package_build(package))

    assert parsed.document_id == package.document_id and parsed.code == "15/BC-UBND"
    assert parsed.sender.organ_id == COMMUNE_ID and [r.organ_id for r in parsed.recipients] == [PROVINCE_ID]
    assert parsed.promulgation_date == dt.date(2026, 11, 20) and parsed.due_date == dt.date(2026, 12, 15)
    assert (parsed.priority, parsed.steering_type, parsed.promulgation_amount, parsed.page_amount) == (1, 0, 3, 2)
    assert parsed.signer_name == "Nguyễn Văn Ký" and parsed.subject == package.subject
    assert parsed.business_doc_type == BusinessDocType.UPDATE and parsed.business_reason == "Sửa số liệu"
    assert parsed.attachments == package.attachments


def test_the_package_uses_the_qcvn_102_namespace():
    root = etree.fromstring(package_build(make_package()))

    assert root.tag == f"{{{NAMESPACE}}}edXMLEnvelope"
    assert root.find(f".//{{{NAMESPACE}}}TraceHeaderList") is not None


@pytest.mark.parametrize("code", list(StatusCode), ids=lambda c: c.name.lower())
def test_every_status_message_round_trips(code):
    message = StatusMessage(
        sender=Organ(organ_id=PROVINCE_ID),
        response_to_organ_id=COMMUNE_ID,
        response_to_document_id="H27.31-2026-0001",
        status_code=code,
        timestamp=timezone.now().replace(microsecond=0),
        description="Ghi chú",
    )

    parsed = status_parse(status_build(message))

    assert parsed.status_code == code and parsed.response_to_document_id == "H27.31-2026-0001"
    assert parsed.sender.organ_id == PROVINCE_ID and parsed.timestamp == message.timestamp


def _tamper(old: bytes, new: bytes, data: bytes | None = None) -> bytes:
    data = data or package_build(make_package())
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"<khong-phai-xml", ExchangeErrorCode.NOT_XML, "không phải là tài liệu XML"),
        (
            _tamper(NAMESPACE.encode(), b"http://www.go.vn/eDoc"),
            ExchangeErrorCode.WRONG_NAMESPACE,
            "không gian tên",
        ),
        (
            _tamper(b"<edXML:DocumentId>H27.31-2026-0001</edXML:DocumentId>", b""),
            ExchangeErrorCode.FIELD_MISSING,
            "thiếu trường bắt buộc: mã văn bản (DocumentId)",
        ),
        (
            _tamper(b"<edXML:Subject>", b"<edXML:Subject> ").replace(
                "Báo cáo kết quả chuyển đổi số năm 2026".encode(), b""
            ),
            ExchangeErrorCode.FIELD_MISSING,
            "trích yếu (Subject)",
        ),
        (
            _tamper(PROVINCE_ID.encode(), b"000.00.01.27H"),
            ExchangeErrorCode.IDENTIFIER_INVALID,
            "Mã định danh “000.00.01.27H” không hợp lệ",
        ),
        (
            _tamper(COMMUNE_ID.encode(), b"00.00.31.H27"),
            ExchangeErrorCode.IDENTIFIER_INVALID,
            "cần đúng 13 ký tự",
        ),
        (
            _tamper(base64.b64encode(b"%PDF-1.7 demo"), b"%%khong-phai-base64%%"),
            ExchangeErrorCode.BASE64_INVALID,
            "không được mã hóa base64 hợp lệ",
        ),
        (
            _tamper(b"<edXML:Priority>1</edXML:Priority>", b"<edXML:Priority>9</edXML:Priority>"),
            ExchangeErrorCode.SCHEMA_INVALID,
            "không đúng lược đồ edXML",
        ),
        (
            _tamper(b"<edXML:SteeringType>0</edXML:SteeringType>", b"<edXML:SteeringType>3</edXML:SteeringType>"),
            ExchangeErrorCode.SCHEMA_INVALID,
            "SteeringType",
        ),
    ],
    ids=[
        "not-xml",
        "wrong-namespace",
        "missing-document-id",
        "empty-subject",
        "bad-recipient-identifier",
        "short-sender-identifier",
        "bad-base64",
        "priority-out-of-range",
        "steering-type-out-of-range",
    ],
)
def test_bad_packages_are_refused_in_vietnamese(data, code, words):
    with pytest.raises(ExchangeError) as caught:
        package_parse(data)

    assert caught.value.code == code
    assert words in caught.value.message


def test_an_oversized_attachment_is_refused(settings):
    settings.EXCHANGE_MAX_ATTACHMENT_BYTES = 1024
    data = package_build(make_package())
    big = _tamper(base64.b64encode(b"%PDF-1.7 demo"), base64.b64encode(b"x" * 2048), data)

    with pytest.raises(ExchangeError) as caught:
        package_parse(big)

    assert caught.value.code == ExchangeErrorCode.ATTACHMENT_TOO_LARGE
    assert "vượt quá dung lượng cho phép" in caught.value.message


def test_building_refuses_a_wrong_identifier():
    with pytest.raises(ExchangeError) as caught:
        package_build(make_package(recipient="000.01.00.H27"))

    assert caught.value.code == ExchangeErrorCode.IDENTIFIER_INVALID
    assert "thiếu mã của cấp trên trực tiếp" in caught.value.message


def test_an_unknown_status_code_is_refused():
    message = StatusMessage(
        sender=Organ(organ_id=PROVINCE_ID),
        response_to_organ_id=COMMUNE_ID,
        response_to_document_id="X",
        status_code=StatusCode.ACCEPTED,
        timestamp=timezone.now(),
    )
    data = status_build(message).replace(b"<edXML:StatusCode>3<", b"<edXML:StatusCode>7<")

    with pytest.raises(ExchangeError) as caught:
        status_parse(data)

    assert caught.value.code == ExchangeErrorCode.FIELD_INVALID and "Mã trạng thái “7”" in caught.value.message


def test_a_manifest_that_does_not_match_the_attachments_is_refused():
    data = _tamper(b"<edXML:ContentId>att-1</edXML:ContentId>", b"<edXML:ContentId>att-9</edXML:ContentId>")

    with pytest.raises(ExchangeError) as caught:
        package_parse(data)

    assert caught.value.code == ExchangeErrorCode.FIELD_INVALID and "edXMLManifest" in caught.value.message
