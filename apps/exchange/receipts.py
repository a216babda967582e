"""Proof of exchange: a one-page receipt naming the package's SHA-256, sealed and time-stamped.

The receipt is a small PDF sealed with the platform's seal through ``apps.signing`` (PAdES B-T);
the package hash also travels in the PDF's keywords so a check can compare it without OCR.
"""

import io
from dataclasses import dataclass, field
from html import escape

from django.db import transaction
from django.utils import timezone

from apps.audit.actions import audit_record
from apps.signing.actions import document_sign_seal
from apps.signing.errors import SigningError
from apps.signing.selectors import signed_file_read
from apps.signing.validation import signature_validate

from .actions import sha256
from .models import IncomingPackage, OutgoingPackage

_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Biên nhận trao đổi văn bản điện tử</title><meta name="keywords" content="sha256:{digest}">
<style>{faces}
@page {{ size: A5; margin: 14mm 12mm; }}
body {{ font-family: "{family}"; font-size: 11pt; }}
h1 {{ font-size: 13pt; text-align: center; }}
td {{ padding: 1mm 2mm; vertical-align: top; }}
.hash {{ font-family: monospace; font-size: 8pt; word-break: break-all; }}
</style></head><body>
<h1>BIÊN NHẬN {direction} VĂN BẢN ĐIỆN TỬ<br>(QCVN 102:2016/BTTTT)</h1>
<table>
<tr><td>Số, ký hiệu</td><td>{code}</td></tr>
<tr><td>Mã văn bản</td><td>{document_id}</td></tr>
<tr><td>Trích yếu</td><td>{subject}</td></tr>
<tr><td>Cơ quan gửi</td><td>{sender}</td></tr>
<tr><td>Cơ quan nhận</td><td>{recipient}</td></tr>
<tr><td>Thời điểm</td><td>{moment}</td></tr>
<tr><td>SHA-256 gói tin</td><td class="hash">{digest}</td></tr>
</table></body></html>"""


def _pdf(**values) -> bytes:
    from weasyprint import HTML

    from apps.dossiers.printing.rendering import FONT_FAMILY, fetcher, font_faces

    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{f["uri"]}"); '
        f"font-weight: {f['weight']}; font-style: {f['style']}; }}"
        for f in font_faces()
    )
    html = _PAGE.format(faces=faces, family=FONT_FAMILY, **{k: escape(str(v)) for k, v in values.items()})
    return HTML(string=html, url_fetcher=fetcher()).write_pdf()


def _load(direction: str, uuid):
    model = OutgoingPackage if direction == "out" else IncomingPackage
    return model.objects.select_for_update().select_related("agency").filter(uuid=uuid).first()


@transaction.atomic
def receipt_seal(*, direction: str, package_uuid) -> str:
    """Seal the receipt of one sent ("out") or received ("in") package, once; return the receipt's SHA-256."""
    package = _load(direction, package_uuid)
    if package is None:
        return ""
    if package.receipt_id:
        return package.receipt.sha256
    moment = timezone.localtime(getattr(package, "received_at", None) or package.created_at)
    if direction == "out":
        sender, recipient = f"{package.agency.name} ({package.agency.identifier})", package.recipient_identifier
    else:
        sender, recipient = package.sender_identifier, f"{package.agency.name} ({package.agency.identifier})"
    code = f"{package.code_number}/{package.code_notation}"
    pdf = _pdf(
        direction="GỬI" if direction == "out" else "NHẬN",
        code=code,
        document_id=package.document_id,
        subject=package.subject,
        sender=sender,
        recipient=recipient,
        moment=f"{moment:%d/%m/%Y %H:%M:%S}",
        digest=package.sha256,
    )
    signed = document_sign_seal(actor=None, pdf=pdf, name=f"bien-nhan-{direction}-{package.uuid}.pdf", reference=code)
    package.receipt = signed
    package.save(update_fields=["receipt", "updated_at"])
    audit_record(
        actor=None,
        action="exchange.receipt",
        target=package,
        agency=package.agency,
        after={"receipt_sha256": signed.sha256, "package_sha256": package.sha256},
    )
    return signed.sha256


def _keywords(pdf: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view.get("/Info")
    return str(info.get_object().get("/Keywords", "")) if info is not None else ""


@dataclass
class Verification:
    hash_ok: bool
    receipt_ok: bool
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.receipt_ok


def package_verify(package) -> Verification:
    """Recompute the package hash and validate the receipt's seal and the hash it names."""
    messages = []
    hash_ok = sha256(bytes(package.content)) == package.sha256
    messages.append(
        "Dấu băm SHA-256 của gói tin khớp với bản lưu."
        if hash_ok
        else "Dấu băm SHA-256 của gói tin KHÔNG khớp với bản lưu: gói tin đã bị thay đổi."
    )
    receipt_ok = False
    if package.receipt_id is None:
        messages.append("Gói tin chưa có biên nhận được ký số.")
    else:
        try:
            pdf = signed_file_read(package.receipt)
            reports = signature_validate(pdf)
        except (SigningError, ValueError) as error:
            messages.append(str(error))
        else:
            names_hash = _keywords(pdf) == f"sha256:{package.sha256}"
            receipt_ok = bool(reports) and all(r.ok for r in reports) and names_hash
            messages.extend(f"Biên nhận: {r.verdict_text}." for r in reports)
            if not names_hash:
                messages.append("Biên nhận không ghi đúng dấu băm của gói tin.")
    return Verification(hash_ok=hash_ok, receipt_ok=receipt_ok, messages=messages)
