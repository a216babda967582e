"""Check every signature in a PDF and say in Vietnamese what it means.

pyHanko's validator does the work: integrity of the signed bytes, the signer's certificate chain
to the configured trust roots, revocation (CRLs/OCSP in the document, at hand, or fetched when
allowed), the signature timestamp, and the modification analysis of what was added after each
signature. This module turns its status into one verdict per signature, worst problem first.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from asn1crypto import crl as a_crl
from asn1crypto import x509 as a_x509
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)


class Verdict(StrEnum):
    VALID = "valid"
    MODIFIED = "modified"
    INVALID = "invalid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNTRUSTED = "untrusted"


VERDICT_TEXT = {
    Verdict.VALID: "Chữ ký hợp lệ",
    Verdict.MODIFIED: "Tài liệu đã bị sửa sau khi ký",
    Verdict.INVALID: "Chữ ký không hợp lệ",
    Verdict.REVOKED: "Chứng thư số đã bị thu hồi",
    Verdict.EXPIRED: "Chứng thư số đã hết hạn tại thời điểm ký",
    Verdict.NOT_YET_VALID: "Chứng thư số chưa có hiệu lực tại thời điểm ký",
    Verdict.UNTRUSTED: "Chứng thư số không được tin cậy",
}

MODIFICATION_TEXT = {
    ModificationLevel.NONE: "không có thay đổi nào sau khi ký",
    ModificationLevel.LTA_UPDATES: "sau khi ký chỉ thêm dữ liệu kiểm tra dài hạn (chứng thư, CRL, dấu thời gian)",
    ModificationLevel.FORM_FILLING: "sau khi ký chỉ thêm chữ ký, con dấu hoặc điền biểu mẫu (được phép)",
    ModificationLevel.ANNOTATIONS: "sau khi ký có thêm ghi chú (annotation)",
    ModificationLevel.OTHER: "sau khi ký có nội dung bị thay đổi hoặc thêm vào",
}


@dataclass
class ValidationReport:
    """One signature's checks and its verdict."""

    field_name: str
    verdict: Verdict
    signer_subject: str = ""
    signer_common_name: str = ""
    issuer: str = ""
    serial: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None
    signing_time: datetime | None = None  # as claimed by the signer
    timestamp_time: datetime | None = None  # from the RFC 3161 token, if any
    timestamp_trusted: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked_at: datetime | None = None
    coverage: str = ""
    modification_level: str = ""
    docmdp_ok: bool | None = None
    has_revocation_info: bool = False
    level: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def verdict_text(self) -> str:
        return VERDICT_TEXT[self.verdict]

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def best_time(self) -> datetime | None:
        return self.timestamp_time if self.timestamp_trusted else self.signing_time


def _name(name: a_x509.Name) -> str:
    return name.human_friendly


def _cn(cert: a_x509.Certificate) -> str:
    return cert.subject.native.get("common_name", "") or _name(cert.subject)


def signature_validate(
    pdf: bytes,
    *,
    trust_roots: list[a_x509.Certificate] | None = None,
    other_certs: list[a_x509.Certificate] | None = None,
    crls: list[a_crl.CertificateList] | None = None,
    allow_fetching: bool | None = None,
    moment: datetime | None = None,
) -> list[ValidationReport]:
    """A report per signature of ``pdf`` (empty if it has none); configuration fills what is not given.

    Raises ``ValueError`` with a Vietnamese message when the file is not a readable PDF.
    """
    from . import keys
    from .conf import signing_settings

    config = signing_settings()
    trust_roots = keys.trust_roots(config) if trust_roots is None else trust_roots
    other_certs = keys.intermediates(config) if other_certs is None else other_certs
    crls = keys.crls_at_hand(config) if crls is None else crls
    allow_fetching = config.fetch_revocation if allow_fetching is None else allow_fetching
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
        dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    except (PdfReadError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"Tệp không đọc được như một tệp PDF ({type(error).__name__}).") from None
    kwargs = {
        "trust_roots": trust_roots,
        "other_certs": list(other_certs),
        "crls": list(crls),
        "allow_fetching": allow_fetching,
        "revocation_mode": "soft-fail",
        "moment": moment,
    }
    reports = []
    for embedded in signatures:
        reports.append(_report(embedded, _context(kwargs, dss), has_dss=dss is not None, kwargs=kwargs, dss=dss))
    return reports


def _context(kwargs, dss, **overrides) -> ValidationContext:
    kwargs = {**kwargs, **overrides}
    return dss.as_validation_context(kwargs) if dss is not None else ValidationContext(**kwargs)


def _report(embedded, context, *, has_dss: bool, kwargs, dss) -> ValidationReport:
    name = embedded.field_name or "(không tên)"
    try:
        status = validate_pdf_signature(embedded, context)
    except (SignatureValidationError, ValueError, PdfReadError) as error:
        logger.info("signature %s could not be validated: %s", name, type(error).__name__)
        return ValidationReport(
            field_name=name, verdict=Verdict.INVALID, details=["Không đọc được cấu trúc chữ ký số."]
        )
    cert = status.signing_cert
    report = ValidationReport(
        field_name=name,
        verdict=Verdict.VALID,
        signer_subject=_name(cert.subject),
        signer_common_name=_cn(cert),
        issuer=_name(cert.issuer),
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        signing_time=status.signer_reported_dt,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=status.coverage.name if status.coverage else "",
        modification_level=status.modification_level.name if status.modification_level else "",
        docmdp_ok=status.docmdp_ok,
    )
    ts = status.timestamp_validity
    if ts is not None:
        report.timestamp_time = ts.timestamp
        report.timestamp_trusted = bool(ts.intact and ts.valid and ts.trusted)
    report.has_revocation_info = has_dss
    report.level = "B-LT" if has_dss and ts is not None else "B-T" if ts is not None else "B-B"
    signed_at = report.best_time
    # A signature made while the certificate was valid stays valid after it expires, if a trusted
    # timestamp proves when it was made: check the chain again at that moment.
    proven = signed_at is not None and report.timestamp_trusted and signed_at <= cert.not_valid_after
    if not status.trusted and proven and _expired_now(status):
        status = validate_pdf_signature(embedded, _context(kwargs, dss, moment=signed_at))
        report.trusted = status.trusted
    if status.revocation_details is not None:
        report.revoked_at = status.revocation_details.revocation_date
    report.verdict = _verdict(report, status)
    report.details = _details(report, status)
    return report


def _expired_now(status) -> bool:
    indication = status.trust_problem_indic
    return indication is not None and "EXPIRED" in indication.name


def _verdict(report: ValidationReport, status) -> Verdict:
    if not report.intact:
        return Verdict.MODIFIED
    if not report.valid:
        return Verdict.INVALID
    if status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return Verdict.MODIFIED
    if status.docmdp_ok is False or status.modification_level == ModificationLevel.OTHER:
        return Verdict.MODIFIED
    signed_at = report.best_time
    if report.revoked_at is not None and (signed_at is None or report.revoked_at <= signed_at):
        return Verdict.REVOKED
    if signed_at is not None and report.not_after is not None and signed_at > report.not_after:
        return Verdict.EXPIRED
    if signed_at is not None and report.not_before is not None and signed_at < report.not_before:
        return Verdict.NOT_YET_VALID
    if not report.trusted:
        return Verdict.UNTRUSTED
    return Verdict.VALID


def _fmt(moment: datetime | None) -> str:
    from apps.core.working_days import VN_TZ

    return moment.astimezone(VN_TZ).strftime("%H:%M:%S %d/%m/%Y") if moment else "không rõ"


def _details(report: ValidationReport, status) -> list[str]:
    lines = [
        "Nội dung đã ký còn nguyên vẹn."
        if report.intact
        else "Dấu băm của nội dung đã ký không khớp: các byte được ký đã bị thay đổi.",
        f"Người ký: {report.signer_subject}.",
        f"Tổ chức cấp: {report.issuer}; số hiệu chứng thư {report.serial}.",
        f"Hiệu lực chứng thư: {_fmt(report.not_before)} – {_fmt(report.not_after)}.",
        f"Thời điểm ký (người ký khai): {_fmt(report.signing_time)}.",
    ]
    if report.timestamp_time is not None:
        trusted = "tin cậy" if report.timestamp_trusted else "KHÔNG tin cậy"
        lines.append(f"Dấu thời gian RFC 3161 ({trusted}): {_fmt(report.timestamp_time)}.")
    else:
        lines.append("Không có dấu thời gian (mức B-B).")
    lines.append(
        "Chuỗi chứng thư dẫn tới chứng thư gốc tin cậy."
        if report.trusted
        else "Chuỗi chứng thư không dẫn tới chứng thư gốc tin cậy đã cấu hình hoặc không còn hiệu lực."
    )
    if report.revoked_at is not None:
        lines.append(f"Chứng thư bị thu hồi lúc {_fmt(report.revoked_at)}.")
    if report.has_revocation_info:
        lines.append("Tài liệu có kho dữ liệu kiểm tra dài hạn (DSS: chứng thư, CRL/OCSP).")
    if status.modification_level is not None:
        lines.append("Sửa đổi: " + MODIFICATION_TEXT[status.modification_level] + ".")
    if status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        lines.append("Chữ ký không bao trùm toàn bộ phiên bản tài liệu đã ký.")
    return lines
