"""Signature verdicts of stored PDFs, validated once and kept (``SignatureVerdict``) for the pages.

A verdict is keyed by the file's SHA-256 and by the trust configuration in force (a hash of the
trust roots' fingerprints and of the revocations in the CRLs at hand, so a certificate revoked in a
new CRL gets its files validated again): the same bytes under the same roots are not validated twice, whoever
shows them (dossier results, incoming exchange packages, the citizen portal). Reading the verdicts
of any number of files is one query; a file seen for the first time is validated then and stored.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import SignatureVerdict
from .validation import ValidationReport, Verdict, signature_validate

logger = logging.getLogger(__name__)
Overall = SignatureVerdict.Overall

# How each overall verdict looks on a page (the message classes of the design system).
TONE = {
    Overall.VALID: "success",
    Overall.INVALID: "error",
    Overall.UNTRUSTED: "warning",
    Overall.UNSIGNED: "warning",
    Overall.UNREADABLE: "error",
}


@dataclass(frozen=True)
class SignatureLine:
    """One signature of a file, as stored in the verdict."""

    field_name: str
    verdict: str
    verdict_text: str
    signer: str
    signer_subject: str
    issuer: str
    serial: str
    level: str
    signed_at: datetime | None
    timestamp_trusted: bool
    trusted: bool
    intact: bool
    modification_level: str
    details: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID


@dataclass(frozen=True)
class FileVerdict:
    """The verdict of one file: overall, then each signature with its details."""

    sha256: str
    overall: str
    checked_at: datetime
    signatures: tuple[SignatureLine, ...]

    @property
    def text(self) -> str:
        return str(Overall(self.overall).label)

    @property
    def tone(self) -> str:
        return TONE[Overall(self.overall)]

    @property
    def ok(self) -> bool:
        return self.overall == Overall.VALID


_REVOCATIONS: dict[tuple, str] = {}


def _revocations_digest() -> str:
    """A fingerprint of the certificates the CRLs at hand revoke ("" without CRLs). A CRL reissued
    with the same revocations keeps it; a new revocation changes it. Files are read again only when
    the folder's files change (names, sizes, modification times)."""
    from . import keys
    from .conf import signing_settings

    config = signing_settings()
    if config.crl_dir is None or not config.crl_dir.is_dir():
        return ""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(config.crl_dir.glob("*.crl")))
    stamp = (str(config.crl_dir), *stamp)
    digest = _REVOCATIONS.get(stamp)
    if digest is None:
        revoked = sorted(
            f"{crl.issuer.sha256.hex()}:{entry['user_certificate']}"
            for crl in keys.crls_at_hand(config)
            for entry in crl["tbs_cert_list"]["revoked_certificates"].native or []
        )
        digest = hashlib.sha256("\n".join(revoked).encode()).hexdigest() if revoked else ""
        _REVOCATIONS.clear()
        _REVOCATIONS[stamp] = digest
    return digest


def context_key() -> str:
    """A fingerprint of the trust roots in force and of the revocations the CRLs at hand list:
    verdicts made under other roots, or before a certificate was revoked, are not reused."""
    from . import keys

    fingerprints = sorted(hashlib.sha256(root.dump()).hexdigest() for root in keys.trust_roots())
    revocations = _revocations_digest()
    if revocations:  # no CRLs at hand: the key of the roots alone, as verdicts stored before
        fingerprints.append("crl:" + revocations)
    return hashlib.sha256(",".join(fingerprints).encode()).hexdigest()


def _overall(reports: list[ValidationReport]) -> str:
    if not reports:
        return Overall.UNSIGNED
    verdicts = {r.verdict for r in reports}
    if verdicts == {Verdict.VALID}:
        return Overall.VALID
    if verdicts <= {Verdict.VALID, Verdict.UNTRUSTED}:
        return Overall.UNTRUSTED
    return Overall.INVALID


def _as_json(report: ValidationReport) -> dict:
    signed_at = report.best_time
    return {
        "field_name": report.field_name,
        "verdict": report.verdict.value,
        "verdict_text": report.verdict_text,
        "signer": report.signer_common_name or report.signer_subject,
        "signer_subject": report.signer_subject,
        "issuer": report.issuer,
        "serial": report.serial,
        "level": report.level,
        "signed_at": signed_at.isoformat() if signed_at else None,
        "timestamp_trusted": report.timestamp_trusted,
        "trusted": report.trusted,
        "intact": report.intact,
        "modification_level": report.modification_level,
        "details": list(report.details),
    }


def _line(data: dict) -> SignatureLine:
    signed_at = parse_datetime(data["signed_at"]) if data.get("signed_at") else None
    return SignatureLine(**{**data, "signed_at": signed_at, "details": tuple(data.get("details", ()))})


def _from_row(row: SignatureVerdict) -> FileVerdict:
    return FileVerdict(
        sha256=row.sha256,
        overall=row.overall,
        checked_at=row.checked_at,
        signatures=tuple(_line(r) for r in row.reports),
    )


def _validate(data: bytes) -> tuple[str, list[dict]]:
    try:
        reports = signature_validate(data)
    except ValueError:
        return Overall.UNREADABLE, []
    return _overall(reports), [_as_json(r) for r in reports]


def verdicts_for_contents(contents: dict[str, Callable[[], bytes]]) -> dict[str, FileVerdict]:
    """Verdicts by SHA-256 for files given as ``{sha256: read}``; ``read`` is called only for files not seen yet."""
    if not contents:
        return {}
    key = context_key()
    found = {row.sha256: row for row in SignatureVerdict.objects.filter(context_key=key, sha256__in=list(contents))}
    new = []
    for sha256, read in contents.items():
        if sha256 in found:
            continue
        try:
            data = read()
        except OSError:
            logger.warning("file %s could not be read for its signature verdict", sha256[:12])
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            # The stored bytes are not those recorded: say so now, do not keep it as the file's verdict.
            found[sha256] = SignatureVerdict(
                sha256=sha256, context_key=key, overall=Overall.UNREADABLE, reports=[], checked_at=timezone.now()
            )
            continue
        overall, reports = _validate(data)
        row = SignatureVerdict(
            sha256=sha256, context_key=key, overall=overall, reports=reports, checked_at=timezone.now()
        )
        new.append(row)
        found[sha256] = row
    if new:
        SignatureVerdict.objects.bulk_create(new, ignore_conflicts=True)
    return {sha256: _from_row(row) for sha256, row in found.items()}


def _reader(field_file) -> Callable[[], bytes]:
    def read() -> bytes:
        with field_file.open("rb") as handle:
            return handle.read()

    return read


def is_pdf(item) -> bool:
    content_type = getattr(item, "content_type", "") or ""
    name = getattr(item, "name", "") or ""
    return content_type == "application/pdf" or (not content_type and name.lower().endswith(".pdf"))


def verdicts_for_files(files: Iterable) -> dict[str, FileVerdict]:
    """Verdicts by SHA-256 of stored files: objects with ``sha256`` and a ``file`` (a FileField), e.g.
    ``DossierDocument`` or ``SignedFile``. Files without bytes or without a recorded hash are skipped."""
    return verdicts_for_contents(
        {
            item.sha256: _reader(item.file)
            for item in files
            if getattr(item, "sha256", "") and getattr(item, "file", None)
        }
    )
