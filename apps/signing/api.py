"""REST endpoints of a person's signature on their USB token (hash-then-sign), under /api/v1/signing/.

The official's token software (``manage.py token_sign`` is the reference client) does:

1. ``GET  /signing/certificates`` — the caller's usable certificates;
2. ``POST /signing/sessions`` (multipart: the PDF and where to sign) — the server lays out the
   signature field and appearance and answers the session id and the digest the token must sign;
3. the token signs that digest on the official's machine (RSA PKCS#1 v1.5 or ECDSA, SHA-256);
4. ``POST /signing/sessions/{id}/complete`` with the signature — the server checks it against the
   official's registered certificate, embeds it with a timestamp, validates and stores the PDF;
5. ``GET  /signing/signed-files/{id}/pdf`` — the signed PDF, byte for byte as stored.

Authenticated like the rest of the API (``Authorization: Bearer <token>``), or by the workspace
session with its CSRF token (``egov/api.py`` mounts the router with both). A refused completion
(wrong key, tampered digest, expired or finished session) answers ``{code, message}`` in
Vietnamese, stores nothing, and is written to the audit trail.
"""

import base64
import binascii
import subprocess
from datetime import datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from . import actions, placement
from .errors import SigningError, SigningErrorCode
from .forms import MAX_VERIFY_BYTES
from .models import Level
from .selectors import (
    SIGN_PERMISSION,
    pending_get_for_official,
    signed_file_get_for_user,
    signed_file_read,
    usable_certificates,
)
from .validation import signature_validate

router = Router(tags=["Ký số"])

ERROR_STATUS = {
    SigningErrorCode.PENDING_NOT_FOUND: 404,
    SigningErrorCode.CERTIFICATE_NOT_YOURS: 403,
    SigningErrorCode.PENDING_DONE: 409,
    SigningErrorCode.PENDING_EXPIRED: 410,
    SigningErrorCode.STORED_FILE_CHANGED: 409,
}
# Refusals of a completion worth an audit event: someone handed over a signature that did not fit.
AUDITED_REFUSALS = {
    SigningErrorCode.SIGNATURE_MISMATCH,
    SigningErrorCode.CERTIFICATE_NOT_YOURS,
    SigningErrorCode.CERTIFICATE_NOT_USABLE,
    SigningErrorCode.PENDING_DONE,
    SigningErrorCode.PENDING_EXPIRED,
    SigningErrorCode.SIGNED_FILE_INVALID,
}


def signing_error_status(error: SigningError) -> int:
    """The HTTP status of a signing rule broken (400 unless the code says otherwise)."""
    return ERROR_STATUS.get(error.code, 400)


class ErrorOut(Schema):
    code: str = Field(description="Stable error code, e.g. signature_mismatch, pending_expired")
    message: str = Field(description="Message in Vietnamese")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class CertificateOut(Schema):
    id: UUID
    subject: str
    serial: str
    issuer: str
    not_after: datetime
    fingerprint: str = Field(description="SHA-256 of the DER certificate, hex")


class SessionOut(Schema):
    id: UUID = Field(description="The signing session, to complete within its lifetime")
    expires_at: datetime
    field_name: str
    digest_algorithm: str = Field(description="Always sha256")
    to_sign_digest: str = Field(description="Base64 of the digest the token signs (SHA-256 of signed_attributes)")
    signed_attributes: str = Field(description="Base64 of the DER CMS signed attributes (for tokens that hash)")
    certificate_fingerprint: str = Field(description="The key that must sign: the token holds its private key")


class CompleteIn(Schema):
    signature: str = Field(max_length=4096, description="Base64 of the token's signature over the digest")


class SignedFileOut(Schema):
    id: UUID
    name: str
    sha256: str
    size: int
    level: str
    signed_at: datetime
    verdict: str = Field(description="Validator's verdict of the new signature: valid, untrusted, …")
    verdict_text: str
    download: str = Field(description="Path of the signed PDF")


def _require_signer(user) -> None:
    if not user.has_perm(SIGN_PERMISSION):
        raise HttpError(403, "Bạn không có vai trò ký số văn bản bằng chứng thư số cá nhân.")


@router.get(
    "/signing/certificates",
    response={200: list[CertificateOut], **ERRORS},
    summary="The caller's certificates that can sign now",
)
def certificates(request: HttpRequest):
    _require_signer(request.auth)
    return [
        {
            "id": c.uuid,
            "subject": c.subject,
            "serial": c.serial,
            "issuer": c.issuer,
            "not_after": c.not_after,
            "fingerprint": c.fingerprint,
        }
        for c in usable_certificates(request.auth)
    ]


def _box(pdf: bytes, *, above: str, below: str, page, x1, y1, x2, y2) -> placement.SignatureBox:
    coordinates = (page, x1, y1, x2, y2)
    if all(v is not None for v in coordinates):
        if x2 <= x1 or y2 <= y1 or page < 0:
            raise HttpError(400, "Ô chữ ký không hợp lệ (cần x1 < x2, y1 < y2, trang từ 0).")
        return placement.SignatureBox(page, x1, y1, x2, y2)
    if any(v is not None for v in coordinates):
        raise HttpError(400, "Cần đủ trang và toạ độ ô chữ ký (page, x1, y1, x2, y2).")
    if not (above.strip() and below.strip()):
        raise HttpError(400, "Cần chức vụ và họ tên người ký (để tìm ô chữ ký), hoặc toạ độ ô chữ ký.")
    try:
        box = placement.signature_box_between(pdf, above=above, below=below)
    except (subprocess.SubprocessError, SyntaxError, ValueError):  # poppler refusing a broken file
        box = None
    if box is None:
        raise HttpError(400, f"Không tìm thấy chỗ ký giữa dòng “{above.strip()}” và dòng “{below.strip()}” trong tệp.")
    return box


@router.post(
    "/signing/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Prepare a PDF for the caller's USB token",
    description="Multipart: `pdf` (the document), `certificate` (id of the caller's certificate), and where "
    "to sign: `position` and `signer_name` (the lines between which the signature goes, Decree 30 layout) "
    "or `page`, `x1`, `y1`, `x2`, `y2` in PDF points. Answers the digest the token must sign.",
)
def session_prepare(
    request: HttpRequest,
    pdf: File[UploadedFile],
    certificate: Form[UUID],
    position: Form[str] = "",
    signer_name: Form[str] = "",
    page: Form[int | None] = None,
    x1: Form[float | None] = None,
    y1: Form[float | None] = None,
    x2: Form[float | None] = None,
    y2: Form[float | None] = None,
    level: Form[str] = Level.B_T,
    reason: Form[str] = "",
):
    user = request.auth
    _require_signer(user)
    if level not in Level.values:
        raise HttpError(400, "Mức chữ ký phải là B-B, B-T hoặc B-LT.")
    if pdf.size > MAX_VERIFY_BYTES:
        raise HttpError(400, "Tệp lớn hơn 20 MB: không ký được.")
    data = pdf.read()
    chosen = usable_certificates(user).filter(uuid=certificate).first()
    if chosen is None:
        raise SigningError(
            SigningErrorCode.CERTIFICATE_NOT_YOURS,
            "Chứng thư số này không phải của ông/bà, hoặc đã hết hạn hay bị thu hồi: không ký được.",
        )
    if not data.startswith(b"%PDF-"):
        raise SigningError(SigningErrorCode.NOT_A_PDF, "Tệp cần ký không phải PDF (kiểm tra theo nội dung).")
    box = _box(data, above=position, below=signer_name, page=page, x1=x1, y1=y1, x2=x2, y2=y2)
    pending = actions.document_sign_prepare(
        actor=user,
        pdf=data,
        name=pdf.name or "tai-lieu.pdf",
        certificate=chosen,
        signature_box=box,
        level=level,
        reason=reason[:200],
    )
    return Status(
        201,
        {
            "id": pending.uuid,
            "expires_at": pending.expires_at,
            "field_name": pending.field_name,
            "digest_algorithm": pending.md_algorithm,
            "to_sign_digest": base64.b64encode(pending.to_sign_digest).decode("ascii"),
            "signed_attributes": base64.b64encode(bytes(pending.signed_attrs)).decode("ascii"),
            "certificate_fingerprint": chosen.fingerprint,
        },
    )


@router.post(
    "/signing/sessions/{session_id}/complete",
    response={201: SignedFileOut, 409: ErrorOut, 410: ErrorOut, **ERRORS},
    summary="Hand over the token's signature; the server embeds, validates and stores the signed PDF",
)
def session_complete(request: HttpRequest, session_id: UUID, payload: CompleteIn):
    user = request.auth
    _require_signer(user)
    pending = pending_get_for_official(user, session_id)
    if pending is None:
        raise SigningError(SigningErrorCode.PENDING_NOT_FOUND, "Không tìm thấy phiên ký này.")
    try:
        signature = base64.b64decode(payload.signature, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(400, "Chữ ký gửi lên không phải chuỗi base64 hợp lệ.") from None
    try:
        signed_file = actions.document_sign_complete(actor=user, pending=pending, signature=signature)
    except SigningError as error:
        if error.code in AUDITED_REFUSALS:
            actions.document_sign_refusal_record(actor=user, pending=pending, error=error)
        raise
    (report,) = [r for r in signature_validate(signed_file_read(signed_file)) if r.field_name == signed_file.field_name]
    return Status(
        201,
        {
            "id": signed_file.uuid,
            "name": signed_file.name,
            "sha256": signed_file.sha256,
            "size": signed_file.size,
            "level": signed_file.level,
            "signed_at": signed_file.signed_at,
            "verdict": report.verdict.value,
            "verdict_text": report.verdict_text,
            "download": reverse("api:signing-signed-file", kwargs={"file_id": signed_file.uuid}),
        },
    )


@router.get(
    "/signing/signed-files/{file_id}/pdf",
    response={200: None, **ERRORS},
    url_name="signing-signed-file",
    summary="A signed PDF the caller signed, byte for byte as stored",
)
def signed_file_download(request: HttpRequest, file_id: UUID):
    signed_file = signed_file_get_for_user(request.auth, file_id)
    if signed_file is None:
        raise HttpError(404, "Không tìm thấy tệp đã ký.")
    response = HttpResponse(signed_file_read(signed_file), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signed_file.uuid}.pdf"'
    return response
