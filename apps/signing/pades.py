"""PAdES signing with pyHanko: the visible layouts of Decree 30/2020 and the three ways to sign.

- ``sign``: the server holds the key (the organisation's seal): one call.
- ``prepare_external`` / ``finish_external``: hash-then-sign for a person's USB token. The server
  lays out the field, reserves room for the signature and computes the CMS signed attributes; the
  token signs their digest on the official's machine; the server checks that signature against
  the registered certificate, then embeds it (pyHanko's interrupted signing).

Levels: B-B (signature only), B-T (plus an RFC 3161 signature timestamp), B-LT (plus the
certificates and CRLs/OCSP needed to validate it later, in the document security store).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from asn1crypto import cms as a_cms
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from apps.core.working_days import VN_TZ

from .placement import SignatureBox

MD_ALGORITHM = "sha256"


class Level(StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"


# --- signing with a key at hand -------------------------------------------------------------------
def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def _metadata(
    field_name: str, level: Level, validation_context: ValidationContext | None, *, reason: str, location: str
) -> PdfSignatureMetadata:
    return PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=MD_ALGORITHM,
        reason=reason or None,
        location=location or None,
        embed_validation_info=level == Level.B_LT,
        validation_context=validation_context if level == Level.B_LT else None,
    )


def sign(
    pdf: bytes,
    *,
    signer: Signer,
    field_name: str,
    box: SignatureBox,
    style: TextStampStyle,
    level: Level = Level.B_T,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    reason: str = "",
    location: str = "",
) -> bytes:
    """The PDF signed in one incremental update (plus one for the DSS at B-LT)."""
    if level != Level.B_B and timestamper is None:
        raise ValueError("B-T and B-LT need a timestamper")
    if level == Level.B_LT and validation_context is None:
        raise ValueError("B-LT needs a validation context with revocation information")
    pdf_signer = PdfSigner(
        _metadata(field_name, level, validation_context, reason=reason, location=location),
        signer=signer,
        timestamper=timestamper if level != Level.B_B else None,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=box.page, box=box.as_tuple()),
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(_writer(pdf), output=output)
    return output.getvalue()


# --- hash-then-sign (a person's USB token) ------------------------------------------------------
@dataclass
class Prepared:
    """A document waiting for a token's signature, and what the token must sign."""

    pdf: bytes  # the document in its final state but for the signature value
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes  # DER of the CMS signed attributes: the token signs these bytes
    md_algorithm: str = MD_ALGORITHM
    extra: dict = field(default_factory=dict)

    @property
    def to_sign_digest(self) -> bytes:
        """The digest the token's key signs (SHA-256 of the DER signed attributes)."""
        return hashlib.new(self.md_algorithm, self.signed_attrs).digest()


def _registry(certificate: a_x509.Certificate, chain: list[a_x509.Certificate]) -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([certificate, *chain])


def _placeholder_length(certificate: a_x509.Certificate) -> int:
    public = x509.load_der_x509_certificate(certificate.dump()).public_key()
    return public.key_size // 8 if isinstance(public, rsa.RSAPublicKey) else 2 * ((public.key_size + 7) // 8) + 9


def prepare_external(
    pdf: bytes,
    *,
    certificate: a_x509.Certificate,
    chain: list[a_x509.Certificate],
    field_name: str,
    box: SignatureBox,
    style: TextStampStyle,
    timestamper: TimeStamper | None,
    reason: str = "",
    location: str = "",
) -> Prepared:
    """Lay out the field and compute the signed attributes for a signature made elsewhere."""
    signer = ExternalSigner(
        certificate, _registry(certificate, chain), signature_value=_placeholder_length(certificate)
    )
    pdf_signer = PdfSigner(
        _metadata(field_name, Level.B_T, None, reason=reason, location=location),
        signer=signer,
        timestamper=timestamper,  # only to reserve room for the timestamp token added at the end
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=box.page, box=box.as_tuple()),
    )

    async def run():
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(_writer(pdf))
        attrs = await signer.signed_attrs(
            digest.document_digest,
            MD_ALGORITHM,
            attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(tz=VN_TZ)),
            use_pades=True,
        )
        return digest, output, attrs

    digest, output, attrs = asyncio.run(run())
    return Prepared(
        pdf=output.getvalue(),
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attrs=attrs.dump(),
    )


def signature_matches(certificate: a_x509.Certificate, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``data`` (the signed attributes) was made by the certificate's key."""
    public = x509.load_der_x509_certificate(certificate.dump()).public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def finish_external(
    prepared: Prepared,
    *,
    certificate: a_x509.Certificate,
    chain: list[a_x509.Certificate],
    signature: bytes,
    timestamper: TimeStamper | None,
) -> bytes:
    """Embed the token's signature (plus a signature timestamp for B-T) into the prepared PDF."""
    signer = ExternalSigner(certificate, _registry(certificate, chain), signature_value=signature)
    signed_attrs = a_cms.CMSAttributes.load(prepared.signed_attrs)
    cms = asyncio.run(
        signer.async_sign_prescribed_attributes(prepared.md_algorithm, signed_attrs, timestamper=timestamper)
    )
    output = io.BytesIO(prepared.pdf)
    PdfTBSDocument.finish_signing(
        output,
        PreparedByteRangeDigest(prepared.document_digest, prepared.reserved_start, prepared.reserved_end),
        cms,
    )
    return output.getvalue()


def add_revocation_info(pdf: bytes, *, field_name: str, validation_context: ValidationContext) -> bytes:
    """Make a signature B-LT after the fact: its chain and CRLs/OCSP into the DSS, one incremental update."""
    from pyhanko.sign.validation import add_validation_info

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    embedded = next(s for s in reader.embedded_regular_signatures if s.field_name == field_name)
    output = io.BytesIO()
    add_validation_info(embedded, validation_context, output=output)
    return output.getvalue()
