"""Verdicts on incoming signed PDFs: valid, modified after signing, untrusted, expired, revoked."""

import io

import pytest
from pyhanko.pdf_utils.generic import NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from apps.signing import appearance, images, keys, pades, placement
from apps.signing.tests.documents import POSITION, SIGNER_NAME
from apps.signing.validation import Verdict, signature_validate


def _sign(pki, decision, issued, *, ca=None, level=pades.Level.B_T):
    ca = ca or pki.ca
    chain = [issued.a_cert, ca.intermediate.issued.a_cert]
    signer = SimpleSigner(issued.a_cert, issued.a_key, SimpleCertificateStore.from_certs(chain))
    box = placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)
    return pades.sign(
        decision,
        signer=signer,
        field_name="ChuKy",
        box=box,
        style=appearance.image_style(images.signature_image(issued.certificate.serial_number)),
        level=level,
        timestamper=keys.timestamper() if level != pades.Level.B_B else None,
    )


@pytest.fixture
def valid_pdf(signing_settings, pki, decision):
    return _sign(pki, decision, pki.leader)


def test_a_good_signature_is_valid(valid_pdf):
    (report,) = signature_validate(valid_pdf)

    assert report.verdict == Verdict.VALID and report.verdict_text == "Chữ ký hợp lệ"
    assert (report.intact, report.valid, report.trusted) == (True, True, True)
    assert report.signer_common_name == "Nguyễn Văn Thử"
    assert report.timestamp_time is not None and report.timestamp_trusted and report.level == "B-T"
    assert report.modification_level == "NONE" and report.coverage == "ENTIRE_FILE"


def test_bytes_changed_inside_the_signed_range_say_modified(valid_pdf):
    index = valid_pdf.index(b"Pages")  # inside the first byte range
    tampered = valid_pdf[:index] + b"Pagez" + valid_pdf[index + 5 :]

    (report,) = signature_validate(tampered)

    assert report.verdict == Verdict.MODIFIED and report.verdict_text == "Tài liệu đã bị sửa sau khi ký"
    assert not report.intact
    assert any("byte" in line for line in report.details)


def test_an_incremental_update_adding_content_says_modified(valid_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(valid_pdf))
    writer.add_stream_to_page(0, writer.add_object(_stream(b"BT /F1 24 Tf 100 700 Td (Da sua) Tj ET")))
    writer.root[NameObject("/Lang")] = TextStringObject("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    (report,) = signature_validate(out.getvalue())

    assert report.intact  # the signed bytes are still there …
    assert report.verdict == Verdict.MODIFIED  # … but content was added after signing
    assert report.modification_level == "OTHER"


def _stream(data: bytes):
    from pyhanko.pdf_utils.generic import StreamObject

    return StreamObject(stream_data=data)


def test_a_certificate_from_an_unknown_ca_is_untrusted(signing_settings, pki, decision):
    pdf = _sign(pki, decision, pki.stranger, ca=pki.stranger_ca)

    (report,) = signature_validate(pdf)

    assert report.verdict == Verdict.UNTRUSTED and report.verdict_text == "Chứng thư số không được tin cậy"
    assert report.intact and report.valid and not report.trusted


def test_a_certificate_expired_before_signing_says_expired(signing_settings, pki, decision):
    pdf = _sign(pki, decision, pki.expired)

    (report,) = signature_validate(pdf)

    assert report.verdict == Verdict.EXPIRED
    assert report.verdict_text == "Chứng thư số đã hết hạn tại thời điểm ký"


def test_a_revoked_certificate_says_revoked(signing_settings, pki, decision):
    pdf = _sign(pki, decision, pki.revoked)

    (report,) = signature_validate(pdf)

    assert report.verdict == Verdict.REVOKED and report.verdict_text == "Chứng thư số đã bị thu hồi"
    assert report.revoked_at is not None


def test_an_unsigned_pdf_has_no_report(signing_settings, decision):
    assert signature_validate(decision) == []


def test_garbage_is_refused_with_a_vietnamese_message(signing_settings):
    with pytest.raises(ValueError, match="không đọc được"):
        signature_validate(b"%PDF-1.7\nkhong phai pdf")
