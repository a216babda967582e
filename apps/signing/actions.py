"""Every state change of the signing app: certificates, signatures, signed files.

The organisation's seal is applied by the server (``document_sign_seal``); a person signs on their
own USB token in two steps (``document_sign_prepare`` then ``document_sign_complete``). Every
signed result is checked by the validator before it is stored, and stored once, unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import threading
import uuid as uuid_module
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from apps.accounts.models import User
from apps.audit.actions import audit_record

from . import appearance, images, keys, pades, placement
from .certificates import certificate_read, chain_read
from .conf import signing_settings
from .errors import SigningError, SigningErrorCode
from .models import Level, PendingSignature, SignedFile, SigningCertificate

PENDING_LIFETIME = timedelta(minutes=15)
PERSON_FIELD = "ChuKyCaNhan"
SEAL_FIELD = "ConDau"
ATTACHMENT_FIELD = "KyTepDinhKem"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _require_enabled() -> None:
    if not signing_settings().enabled:
        raise SigningError(SigningErrorCode.SIGNING_DISABLED, "Chức năng ký số chưa được bật trên hệ thống này.")


def _require_pdf(pdf: bytes) -> list[str]:
    """Field names already in the PDF; refuse what is not a readable, unencrypted PDF."""
    if not pdf.startswith(b"%PDF-"):
        raise SigningError(SigningErrorCode.NOT_A_PDF, "Tệp cần ký không phải PDF (kiểm tra theo nội dung).")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.security_handler is not None:
            raise SigningError(SigningErrorCode.NOT_A_PDF, "Tệp PDF có mật khẩu: không ký được.")
        # Indexing resolves indirect objects; .get() would not.
        form = reader.root["/AcroForm"] if "/AcroForm" in reader.root else {}  # noqa: SIM401
        fields = form["/Fields"] if "/Fields" in form else []  # noqa: SIM401
        return [str(f.get_object().get("/T", "")) for f in fields]
    except (PdfReadError, KeyError, TypeError, ValueError):
        raise SigningError(SigningErrorCode.NOT_A_PDF, "Tệp PDF hỏng cấu trúc: không ký được.") from None


def _free_field(existing: list[str], base: str) -> str:
    name, n = base, 1
    while name in existing:
        n += 1
        name = f"{base}{n}"
    return name


def _validation_context(extra_certs=(), *, moment=None) -> ValidationContext:
    config = signing_settings()
    return ValidationContext(
        trust_roots=keys.trust_roots(config),
        other_certs=[*keys.intermediates(config), *extra_certs],
        crls=keys.crls_at_hand(config),
        allow_fetching=config.fetch_revocation,
        revocation_mode="soft-fail",
        moment=moment,
    )


def _revocation_at_hand() -> bool:
    config = signing_settings()
    return config.fetch_revocation or bool(keys.crls_at_hand(config))


# --- certificates ---------------------------------------------------------------------------------
@transaction.atomic
def certificate_register(*, actor, official: User, certificate: bytes) -> SigningCertificate:
    """Register an official's signing certificate (PEM with its chain, or DER), checked against the trust roots."""
    try:
        info = certificate_read(certificate)
    except (ValueError, TypeError):
        raise SigningError(
            SigningErrorCode.CERTIFICATE_UNREADABLE, "Không đọc được chứng thư số (cần tệp PEM hoặc DER)."
        ) from None
    if not official.is_official:
        raise SigningError(SigningErrorCode.CERTIFICATE_NOT_OFFICIAL, "Chỉ đăng ký chứng thư số cho cán bộ, công chức.")
    if SigningCertificate.objects.filter(fingerprint=info.fingerprint).exists():
        raise SigningError(SigningErrorCode.CERTIFICATE_DUPLICATE, "Chứng thư số này đã được đăng ký.")
    if not _usable_for_signatures(info.certificate):
        raise SigningError(
            SigningErrorCode.CERTIFICATE_UNSUITABLE,
            "Chứng thư số này không dùng để ký số (thiếu mục đích “chữ ký số” trong Key Usage) "
            "hoặc là chứng thư của tổ chức cấp chứng thư.",
        )
    problem = _chain_problem(info.certificate, info.chain)
    if problem:
        raise SigningError(SigningErrorCode.CERTIFICATE_UNTRUSTED, problem)
    record = SigningCertificate.objects.create(
        official=official,
        certificate_der=info.der,
        chain_pem=info.chain_pem,
        subject=info.subject,
        common_name=info.common_name,
        serial=info.serial,
        issuer=info.issuer,
        not_before=info.not_before,
        not_after=info.not_after,
        fingerprint=info.fingerprint,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="signing.certificate_register",
        target=record,
        after={
            "official": str(official.uuid),
            "subject": info.subject,
            "serial": info.serial,
            "not_after": info.not_after.isoformat(),
            "fingerprint": info.fingerprint,
        },
    )
    return record


def _usable_for_signatures(certificate) -> bool:
    """An end-entity certificate whose key usage (when stated) allows digital signatures."""
    if certificate.ca:
        return False
    usage = certificate.key_usage_value
    return usage is None or bool({"digital_signature", "non_repudiation"} & set(usage.native))


def _chain_problem(certificate, chain) -> str:
    """Why the certificate does not chain to a trusted root now, or "" if it does."""
    validator = CertificateValidator(certificate, intermediate_certs=chain, validation_context=_validation_context())
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except ExpiredError:
        return "Chứng thư số đã hết hạn hoặc chưa có hiệu lực."
    except RevokedError:
        return "Chứng thư số đã bị thu hồi."
    except (PathBuildingError, PathValidationError, InvalidCertificateError):
        return "Chứng thư số không được tin cậy: không dẫn tới chứng thư gốc đã cấu hình."
    return ""


@transaction.atomic
def certificate_revoke(*, actor, certificate: SigningCertificate, reason: str) -> SigningCertificate:
    """Stop an official's certificate from signing (lost token, leave, revoked by the CA)."""
    reason = reason.strip()
    if not reason:
        raise SigningError(SigningErrorCode.REASON_MISSING, "Cần ghi lý do thu hồi chứng thư số.")
    locked = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise SigningError(SigningErrorCode.CERTIFICATE_ALREADY_REVOKED, "Chứng thư số này đã bị thu hồi trước đó.")
    before = {"is_active": locked.is_active, "revoked_at": None}
    locked.is_active = False
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason[:300]
    locked.save(update_fields=["is_active", "revoked_at", "revocation_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="signing.certificate_revoke",
        target=locked,
        before=before,
        after={"is_active": False, "revoked_at": locked.revoked_at.isoformat(), "reason": locked.revocation_reason},
    )
    return locked


def _usable_certificate(actor, certificate: SigningCertificate) -> SigningCertificate:
    certificate = SigningCertificate.objects.get(pk=certificate.pk)  # as it is now, not as the caller read it
    if certificate.official_id != getattr(actor, "pk", None):
        raise SigningError(
            SigningErrorCode.CERTIFICATE_NOT_YOURS,
            "Không được ký bằng chứng thư số của người khác: chỉ dùng chứng thư số đã đăng ký cho chính mình.",
        )
    if not certificate.is_usable_at(timezone.now()):
        raise SigningError(
            SigningErrorCode.CERTIFICATE_NOT_USABLE,
            "Chứng thư số đã hết hạn, chưa có hiệu lực hoặc đã bị thu hồi: không ký được.",
        )
    return certificate


# --- the person's signature (hash-then-sign) ------------------------------------------------------
@transaction.atomic
def document_sign_prepare(
    *,
    actor,
    pdf: bytes,
    name: str,
    certificate: SigningCertificate,
    signature_box: placement.SignatureBox,
    level: str = Level.B_T,
    reason: str = "",
) -> PendingSignature:
    """Lay out the person's signature and return what their token must sign (``to_sign_digest``)."""
    _require_enabled()
    existing = _require_pdf(pdf)
    certificate = _usable_certificate(actor, certificate)
    if level == Level.B_LT and not _revocation_at_hand():
        raise _level_unavailable()
    config = signing_settings()
    leaf = certificate_read(bytes(certificate.certificate_der)).certificate
    field_name = _free_field(existing, PERSON_FIELD)
    prepared = pades.prepare_external(
        pdf,
        certificate=leaf,
        chain=chain_read(certificate.chain_pem),
        field_name=field_name,
        box=signature_box,
        style=appearance.image_style(images.signature_image(str(actor.uuid))),
        timestamper=keys.timestamper(config) if level != Level.B_B else None,
        reason=reason,
    )
    pending = PendingSignature.objects.create(
        official=actor,
        certificate=certificate,
        name=name[:255],
        original_sha256=_sha256(pdf),
        prepared_pdf=prepared.pdf,
        document_digest=prepared.document_digest,
        reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end,
        signed_attrs=prepared.signed_attrs,
        md_algorithm=prepared.md_algorithm,
        field_name=field_name,
        level=level,
        expires_at=timezone.now() + PENDING_LIFETIME,
    )
    audit_record(
        actor=actor,
        action="signing.sign_prepare",
        target=pending,
        after={"name": pending.name, "original_sha256": pending.original_sha256, "certificate": certificate.serial},
    )
    return pending


@transaction.atomic
def document_sign_complete(*, actor, pending: PendingSignature, signature: bytes) -> SignedFile:
    """Embed the token's signature, check the signed PDF, and store it."""
    _require_enabled()
    try:
        locked = PendingSignature.objects.select_for_update().select_related("certificate").get(pk=pending.pk)
    except PendingSignature.DoesNotExist:
        raise SigningError(SigningErrorCode.PENDING_NOT_FOUND, "Không tìm thấy phiên ký này.") from None
    if locked.official_id != getattr(actor, "pk", None):
        raise SigningError(SigningErrorCode.CERTIFICATE_NOT_YOURS, "Phiên ký này không phải của ông/bà.")
    if locked.completed_at is not None:
        raise SigningError(SigningErrorCode.PENDING_DONE, "Phiên ký này đã hoàn tất.")
    if locked.expires_at < timezone.now():
        raise SigningError(SigningErrorCode.PENDING_EXPIRED, "Phiên ký đã quá hạn; hãy ký lại từ đầu.")
    certificate = _usable_certificate(actor, locked.certificate)
    leaf = certificate_read(bytes(certificate.certificate_der)).certificate
    chain = chain_read(certificate.chain_pem)
    if not pades.signature_matches(leaf, bytes(locked.signed_attrs), signature):
        raise SigningError(
            SigningErrorCode.SIGNATURE_MISMATCH,
            "Chữ ký từ thiết bị không khớp với chứng thư số đã đăng ký hoặc với tài liệu đã chuẩn bị.",
        )
    prepared = pades.Prepared(
        pdf=bytes(locked.prepared_pdf),
        document_digest=bytes(locked.document_digest),
        reserved_start=locked.reserved_start,
        reserved_end=locked.reserved_end,
        signed_attrs=bytes(locked.signed_attrs),
        md_algorithm=locked.md_algorithm,
    )
    config = signing_settings()
    signed = pades.finish_external(
        prepared,
        certificate=leaf,
        chain=chain,
        signature=signature,
        timestamper=keys.timestamper(config) if locked.level != Level.B_B else None,
    )
    if locked.level == Level.B_LT:
        signed = pades.add_revocation_info(
            signed, field_name=locked.field_name, validation_context=_validation_context(chain)
        )
    _check_signed(signed, locked.field_name, expected_fingerprint=certificate.fingerprint)
    signed_file = signed_file_store(
        actor=actor,
        data=signed,
        name=locked.name,
        kind=SignedFile.Kind.PERSON,
        level=locked.level,
        field_name=locked.field_name,
        original_sha256=locked.original_sha256,
        signer_official=actor,
        signer_certificate=certificate,
    )
    locked.completed_at = timezone.now()
    locked.prepared_pdf = b""  # the signed file now holds these bytes
    locked.save(update_fields=["completed_at", "prepared_pdf", "updated_at"])
    audit_record(
        actor=actor,
        action="signing.sign_complete",
        target=signed_file,
        after={"sha256": signed_file.sha256, "level": signed_file.level, "certificate": certificate.serial},
    )
    return signed_file


@transaction.atomic
def document_sign_refusal_record(*, actor, pending: PendingSignature, error: SigningError) -> None:
    """Record a refused completion (a signature that did not fit, a replay, a late one) in the audit trail.

    Runs after the refused action rolled back, so the refusal itself is kept; nothing else changes.
    """
    audit_record(
        actor=actor,
        action="signing.sign_refused",
        target_type="signing.pendingsignature",
        target_uuid=pending.uuid,
        target_label=str(pending),
        after={"code": str(error.code), "message": error.message, "certificate": pending.certificate.serial},
    )


@transaction.atomic
def pending_signatures_purge(*, now=None) -> int:
    """Delete signing sessions that expired unfinished (their prepared PDFs can never be completed)."""
    now = now or timezone.now()
    stale = PendingSignature.objects.filter(completed_at__isnull=True, expires_at__lt=now)
    count = stale.count()
    if count:
        stale.delete()
        audit_record(
            actor=None,
            action="signing.pending_purge",
            target_type="signing.pendingsignature",
            target_label="Phiên ký quá hạn",
            after={"deleted": count},
        )
    return count


class _OtherThreadsOnly(logging.Filter):
    def __init__(self):
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread


@contextlib.contextmanager
def _quiet_path_building():
    """Drop pyHanko's "failed to build path" warning (with its traceback) for this thread's check:
    the check after signing has no trust roots on purpose, so the warning would come with every seal."""
    logger, quiet = logging.getLogger("pyhanko.sign.validation.generic_cms"), _OtherThreadsOnly()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _check_signed(pdf: bytes, field_name: str, *, expected_fingerprint: str | None = None) -> None:
    """Refuse to store a signed PDF whose new signature is not intact and valid (or not the expected key).

    Only the new signature's cryptography is checked here (no difference analysis, no revocation
    fetching): earlier revisions were checked when they were signed, and this keeps the seal fast.
    """
    from pyhanko.sign.validation import validate_pdf_signature

    bad = SigningError(SigningErrorCode.SIGNED_FILE_INVALID, "Tệp sau khi ký không kiểm tra được: không lưu.")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = next(s for s in reader.embedded_regular_signatures if s.field_name == field_name)
        # Empty trust roots: only integrity matters here, and the OS trust store takes long to load.
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        with _quiet_path_building():
            status = validate_pdf_signature(embedded, context, skip_diff=True)
    except (StopIteration, PdfReadError, ValueError):
        raise bad from None
    if not (status.intact and status.valid):
        raise bad
    if (
        expected_fingerprint is not None
        and hashlib.sha256(embedded.signer_cert.dump()).hexdigest() != expected_fingerprint
    ):
        raise bad


def _level_unavailable() -> SigningError:
    return SigningError(
        SigningErrorCode.LEVEL_UNAVAILABLE,
        "Chưa có dữ liệu thu hồi (CRL/OCSP) để ký mức B-LT; hãy ký mức B-T.",
    )


# --- the organisation's seal --------------------------------------------------------------------
@transaction.atomic
def document_sign_seal(
    *,
    actor,
    pdf: bytes,
    name: str,
    signature_box: placement.SignatureBox | None = None,
    reference: str = "",
    level: str = Level.B_T,
    agency_name: str = "",
    seal: keys.SealSigner | None = None,
) -> SignedFile:
    """Seal a document with the organisation's key.

    With ``signature_box`` (the person's signature), the red seal overlaps its left third; without
    it the file is an attachment: signed top right of page 1 with ``reference`` (number and symbol)
    and the time in ISO 8601, no image.
    """
    _require_enabled()
    existing = _require_pdf(pdf)
    config = signing_settings()
    if level == Level.B_LT and not _revocation_at_hand():
        raise _level_unavailable()
    seal = seal or keys.seal_signer(config)
    if signature_box is not None:
        kind, field_name = SignedFile.Kind.SEAL, _free_field(existing, SEAL_FIELD)
        box = placement.seal_box(signature_box)
        style = appearance.image_style(images.seal_image(agency_name or _agency_name(actor, seal)))
    else:
        if not reference.strip():
            raise SigningError(SigningErrorCode.REFERENCE_MISSING, "Cần số, ký hiệu của văn bản để ký tệp đính kèm.")
        kind, field_name = SignedFile.Kind.ATTACHMENT, _free_field(existing, ATTACHMENT_FIELD)
        box = placement.attachment_box(pdf)
        style = appearance.attachment_style(reference.strip())
    with seal.session() as signer:
        chain = list(signer.cert_registry)
        signed = pades.sign(
            pdf,
            signer=signer,
            field_name=field_name,
            box=box,
            style=style,
            level=pades.Level(level),
            timestamper=keys.timestamper(config) if level != Level.B_B else None,
            validation_context=_validation_context(chain) if level == Level.B_LT else None,
        )
        subject = signer.signing_cert.subject.human_friendly
    _check_signed(signed, field_name)
    signed_file = signed_file_store(
        actor=actor,
        data=signed,
        name=name,
        kind=kind,
        level=level,
        field_name=field_name,
        original_sha256=_sha256(pdf),
        seal_subject=subject,
    )
    audit_record(
        actor=actor,
        action="signing.seal",
        target=signed_file,
        after={"sha256": signed_file.sha256, "level": level, "kind": kind, "reference": reference.strip()},
    )
    return signed_file


def _agency_name(actor, seal: keys.SealSigner) -> str:
    provider = getattr(actor, "audit_agency", None)
    agency = provider() if callable(provider) else None
    if agency is not None:
        from apps.accounts.selectors import home_agency

        return home_agency(agency).name
    return seal.certificate.subject.native.get("organization_name", "") or "Hà Tĩnh"


# --- storage ------------------------------------------------------------------------------------
@transaction.atomic
def signed_file_store(
    *,
    actor,
    data: bytes,
    name: str,
    kind: str,
    level: str,
    field_name: str,
    original_sha256: str,
    signer_official: User | None = None,
    signer_certificate: SigningCertificate | None = None,
    seal_subject: str = "",
) -> SignedFile:
    """Store signed bytes once, as they are; thumbnail and text are derived after commit."""
    digest = _sha256(data)
    signed_file = SignedFile(
        name=name[:255] or "tai-lieu.pdf",
        kind=kind,
        sha256=digest,
        size=len(data),
        original_sha256=original_sha256,
        signed_at=timezone.now(),
        level=level,
        field_name=field_name,
        signer_official=signer_official,
        signer_certificate=signer_certificate,
        seal_subject=seal_subject[:500],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # A fresh name per file: storage never overwrites a signed file.
    signed_file.file.save(f"{uuid_module.uuid4()}.pdf", ContentFile(data), save=False)
    signed_file.save(force_insert=True)
    audit_record(
        actor=actor,
        action="signing.signed_file_store",
        target=signed_file,
        after={"sha256": digest, "size": len(data), "original_sha256": original_sha256, "level": level},
    )
    from .tasks import signed_file_derive

    transaction.on_commit(partial(signed_file_derive.enqueue, str(signed_file.uuid)))
    return signed_file
