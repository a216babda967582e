"""Signing with the Decree 30 layout through pyHanko, checked with pyHanko's validator, poppler and pixels."""

import io
import subprocess

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from apps.signing import appearance, images, keys, pades, placement
from apps.signing.tests.conftest import token_sign
from apps.signing.tests.documents import POSITION, SIGNER_NAME

PNG_DPI = 72  # one pixel per point: boxes read directly as pixels


def _vc(pki) -> ValidationContext:
    return ValidationContext(
        trust_roots=[pki.ca.root.issued.a_cert],
        crls=[pki.ca.root.a_crl(), pki.ca.intermediate.a_crl()],
        allow_fetching=False,
    )


def _seal_signer(pki) -> SimpleSigner:
    chain = [pki.seal.a_cert, pki.ca.intermediate.issued.a_cert]
    return SimpleSigner(pki.seal.a_cert, pki.seal.a_key, SimpleCertificateStore.from_certs(chain))


def _signed_decision(pki, decision, tsa) -> tuple[bytes, placement.SignatureBox]:
    """The decision signed by the person (hash-then-sign, B-T) then sealed (B-LT)."""
    box = placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)
    chain = [pki.ca.intermediate.issued.a_cert]
    prepared = pades.prepare_external(
        decision,
        certificate=pki.leader.a_cert,
        chain=chain,
        field_name="ChuKyCaNhan",
        box=box,
        style=appearance.image_style(images.signature_image("lanh-dao")),
        timestamper=tsa,
    )
    signed = pades.finish_external(
        prepared,
        certificate=pki.leader.a_cert,
        chain=chain,
        signature=token_sign(pki.leader, prepared.to_sign_digest),
        timestamper=tsa,
    )
    sealed = pades.sign(
        signed,
        signer=_seal_signer(pki),
        field_name="ConDau",
        box=placement.seal_box(box),
        style=appearance.image_style(images.seal_image("Ủy ban nhân dân tỉnh Hà Tĩnh")),
        level=pades.Level.B_LT,
        timestamper=tsa,
        validation_context=_vc(pki),
    )
    return sealed, box


@pytest.fixture
def tsa(signing_settings):
    return keys.timestamper()


@pytest.fixture
def signed(pki, decision, tsa):
    return _signed_decision(pki, decision, tsa)


def test_signature_box_lies_between_position_and_name_on_the_last_page(decision):
    box = placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)

    assert box.page == 1
    assert 60 < box.height < 90  # the 30 mm gap less the margins
    assert box.x1 > 300  # the signature block is on the right half


def test_person_and_seal_signatures_are_intact_valid_and_trusted_for_pyhanko(pki, signed):
    pdf, _ = signed
    reader = PdfFileReader(io.BytesIO(pdf))

    statuses = {s.field_name: validate_pdf_signature(s, _vc(pki)) for s in reader.embedded_signatures}

    assert set(statuses) == {"ChuKyCaNhan", "ConDau"}
    for status in statuses.values():
        assert (status.intact, status.valid, status.trusted, status.docmdp_ok) == (True, True, True, True)
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted  # B-T
    assert statuses["ConDau"].coverage == SignatureCoverageLevel.ENTIRE_REVISION  # the DSS update follows
    assert statuses["ChuKyCaNhan"].signing_cert.subject.native["common_name"] == "Nguyễn Văn Thử"


def test_b_lt_embeds_the_crls_in_the_document_security_store(signed):
    pdf, _ = signed
    dss = PdfFileReader(io.BytesIO(pdf)).root["/DSS"]

    assert len(dss["/CRLs"]) >= 2 and len(dss["/Certs"]) >= 2


def test_b_b_has_no_timestamp(pki, decision):
    box = placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)
    pdf = pades.sign(
        decision,
        signer=_seal_signer(pki),
        field_name="ConDau",
        box=placement.seal_box(box),
        style=appearance.image_style(images.seal_image("Sở Xây dựng")),
        level=pades.Level.B_B,
    )

    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], _vc(pki))

    assert status.bottom_line and status.timestamp_validity is None


def test_pdfsig_reports_both_signatures_as_valid(signed):
    pdf, _ = signed

    out = subprocess.run(["pdfsig", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
    if "Signature #" not in out:  # older poppler reads no stdin
        out = _pdfsig_file(pdf)

    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert "ChuKyCaNhan" in out and "ConDau" in out


def _pdfsig_file(pdf: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdfsig", handle.name], capture_output=True, check=False).stdout.decode()


def _page_png(pdf: bytes, page: int, *, dpi: int = PNG_DPI) -> Image.Image:
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1), "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def _count(image: Image.Image, box: tuple[float, float, float, float], test) -> int:
    """Pixels matching ``test`` inside ``box`` given in PDF points (origin bottom-left)."""
    x1, y1, x2, y2 = box
    height = image.height
    crop = image.crop((int(x1), int(height - y2), int(x2), int(height - y1)))
    data = crop.tobytes()
    return sum(1 for i in range(0, len(data), 3) if test(data[i : i + 3]))


def _blue(p):
    return p[2] > 120 and p[0] < 90 and p[1] < 110


def _red(p):
    return p[0] > 150 and p[1] < 90 and p[2] < 90


def test_rendered_page_shows_the_blue_signature_in_the_box_and_the_red_seal_on_its_left_third(signed, tmp_path):
    pdf, box = signed
    image = _page_png(pdf, box.page)
    image.save(tmp_path / "trang-ky.png")  # kept for a person to look at when this fails
    seal = placement.seal_box(box)
    right_two_thirds = (box.x1 + box.width / 3, box.y1, box.x2, box.y2)
    left_of_signature = (seal.x1, seal.y1, box.x1, seal.y2)

    assert _count(image, right_two_thirds, _blue) > 150  # the signature shows beside the seal
    assert _count(image, left_of_signature, _red) > 100  # the seal sticks out left of the signature
    assert _count(image, (box.x1, box.y1, box.x1 + box.width / 3, box.y2), _red) > 100  # and covers its left third
    assert _count(image, (box.x1 + box.width / 2, box.y1, box.x2, box.y2), _red) == 0  # not the rest
    above_position = (box.x1, box.y2 + 40, box.x2, box.y2 + 120)
    assert _count(image, above_position, _blue) + _count(image, above_position, _red) == 0


def test_attachment_is_signed_top_right_of_page_one_with_reference_and_iso_time(pki, decision, tsa):
    pdf = pades.sign(
        decision,
        signer=_seal_signer(pki),
        field_name="KyTepDinhKem",
        box=placement.attachment_box(decision),
        style=appearance.attachment_style("12/QĐ-UBND"),
        level=pades.Level.B_T,
        timestamper=tsa,
    )
    page_width = 595.28

    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-x", "300", "-y", "0", "-W", "300", "-H", "40", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()

    assert "Số: 12/QĐ-UBND — " in text
    stamp = text.split("— ", 1)[1].strip()
    assert len(stamp) == 25 and stamp.endswith("+07:00") and stamp[10] == "T"  # 2026-11-27T09:15:00+07:00
    box = placement.attachment_box(decision)
    assert box.page == 0 and box.x2 == pytest.approx(page_width - 15 * placement.MM, abs=0.5)
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], _vc(pki))
    assert status.bottom_line
