"""The XML signature (XMLDSig) of an edXML envelope by the sending agency's seal (QCVN 102:2016 §Signature).

One profile only, and nothing else is accepted on receipt:

- one ``ds:Signature`` as the last child of ``edXMLHeader``;
- one ``Reference URI=""`` (the whole envelope) with the transforms enveloped-signature then
  exclusive C14N, digest SHA-256;
- ``SignedInfo`` canonicalised with exclusive C14N, signed RSA PKCS#1 v1.5 SHA-256 or ECDSA SHA-256;
- ``KeyInfo/X509Data/X509Certificate``: the signing certificate first, then its chain.

Signing goes through a pyHanko ``Signer`` (``sign_raw``), so the seal may be a PKCS#12 file or a
PKCS#11 token. A single whole-document reference at a fixed place leaves no room for signature
wrapping: what is verified is the document that is then read.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
from dataclasses import dataclass

from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from lxml import etree

from .edxml import NAMESPACE

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"


def _ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


def _c14n(element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _parse(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _header(root):
    return root.find(f"{{{NAMESPACE}}}edXMLHeader")


def _document_digest(root, signature=None) -> bytes:
    """SHA-256 of the envelope without its signature (enveloped-signature, then exclusive C14N)."""
    if signature is None:
        return hashlib.sha256(_c14n(root)).digest()
    # Taken out and put back (cheaper than copying a large envelope). The enveloped-signature
    # transform drops the element only: the text after it stays, so it is kept in place meanwhile.
    parent, previous, tail = signature.getparent(), signature.getprevious(), signature.tail or ""
    index = parent.index(signature)
    before = previous.tail if previous is not None else parent.text
    if previous is not None:
        previous.tail = (before or "") + tail
    else:
        parent.text = (before or "") + tail
    parent.remove(signature)
    try:
        return hashlib.sha256(_c14n(root)).digest()
    finally:
        if previous is not None:
            previous.tail = before
        else:
            parent.text = before
        parent.insert(index, signature)
        signature.tail = tail or None


def envelope_sign(data: bytes, signer) -> bytes:
    """``data`` (an edXML envelope) with a ``ds:Signature`` by ``signer`` (a pyHanko Signer) in its header."""
    root = _parse(data)
    header = _header(root)
    if header is None or next(root.iter(_ds("Signature")), None) is not None:
        raise ValueError("not an unsigned edXML envelope")
    certificate = signer.signing_cert
    public = x509.load_der_x509_certificate(certificate.dump()).public_key()
    method = ECDSA_SHA256 if isinstance(public, ec.EllipticCurvePublicKey) else RSA_SHA256
    digest = _document_digest(root)

    signature = etree.SubElement(header, _ds("Signature"), nsmap={"ds": DS})
    signed_info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(signed_info, _ds("CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _ds("SignatureMethod"), Algorithm=method)
    reference = etree.SubElement(signed_info, _ds("Reference"), URI="")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    etree.SubElement(transforms, _ds("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(transforms, _ds("Transform"), Algorithm=EXC_C14N)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=SHA256)
    etree.SubElement(reference, _ds("DigestValue")).text = base64.b64encode(digest).decode("ascii")
    value = asyncio.run(signer.async_sign_raw(_c14n(signed_info), "sha256"))
    if method == ECDSA_SHA256:  # XMLDSig wants r || s, pyHanko gives DER
        r, s = decode_dss_signature(value)
        size = (public.key_size + 7) // 8
        value = r.to_bytes(size) + s.to_bytes(size)
    etree.SubElement(signature, _ds("SignatureValue")).text = base64.b64encode(value).decode("ascii")
    x509_data = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    chain = [certificate, *(c for c in signer.cert_registry if c.dump() != certificate.dump())]
    for cert in chain:
        etree.SubElement(x509_data, _ds("X509Certificate")).text = base64.b64encode(cert.dump()).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class EnvelopeSignature:
    """What the check of an envelope's signature found; ``message`` is Vietnamese."""

    present: bool
    intact: bool = False  # digest and signature value check out
    trusted: bool = False  # and the certificate chains to the trust roots, usable for signatures
    signer: str = ""
    message: str = ""
    certificate: a_x509.Certificate | None = None

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.trusted


def _broken(message: str) -> EnvelopeSignature:
    return EnvelopeSignature(present=True, message=message)


def _algorithm(parent, tag: str) -> str:
    element = parent.find(_ds(tag))
    return element.get("Algorithm", "") if element is not None else ""


def _verify_value(public, method: str, value: bytes, data: bytes) -> bool:
    try:
        if method == RSA_SHA256 and isinstance(public, rsa.RSAPublicKey):
            public.verify(value, data, padding.PKCS1v15(), hashes.SHA256())
            return True
        if method == ECDSA_SHA256 and isinstance(public, ec.EllipticCurvePublicKey):
            half = len(value) // 2
            der = encode_dss_signature(int.from_bytes(value[:half]), int.from_bytes(value[half:]))
            public.verify(der, data, ec.ECDSA(hashes.SHA256()))
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def envelope_verify(data: bytes, *, validation_context=None) -> EnvelopeSignature:
    """Check the envelope's signature: the profile above, the digest, the value, then the certificate chain."""
    try:
        root = _parse(data)
    except etree.XMLSyntaxError:
        return _broken("Gói tin không phải XML hợp lệ.")
    signatures = list(root.iter(_ds("Signature")))
    if not signatures:
        return EnvelopeSignature(present=False, message="Gói tin không có chữ ký số XML của cơ quan gửi.")
    header = _header(root)
    if (
        len(signatures) > 1
        or header is None
        or signatures[0].getparent() is not header
        or header[-1] is not signatures[0]
    ):
        return _broken("Chữ ký số XML không đúng vị trí (một phần tử Signature, cuối edXMLHeader).")
    signature = signatures[0]
    signed_info = signature.find(_ds("SignedInfo"))
    references = signed_info.findall(_ds("Reference")) if signed_info is not None else []
    if signed_info is None or len(references) != 1 or references[0].get("URI") != "":
        return _broken('Chữ ký số XML phải ký toàn bộ gói tin (một Reference URI="").')
    reference = references[0]
    transforms = [t.get("Algorithm") for t in reference.iterfind(f"{_ds('Transforms')}/{_ds('Transform')}")]
    method = _algorithm(signed_info, "SignatureMethod")
    if (
        _algorithm(signed_info, "CanonicalizationMethod") != EXC_C14N
        or method not in {RSA_SHA256, ECDSA_SHA256}
        or transforms != [ENVELOPED, EXC_C14N]
        or _algorithm(reference, "DigestMethod") != SHA256
    ):
        return _broken("Chữ ký số XML dùng thuật toán không được chấp nhận (cần exc-c14n, SHA-256, RSA/ECDSA).")
    try:
        expected = base64.b64decode(reference.findtext(_ds("DigestValue")) or "", validate=True)
        value = base64.b64decode(signature.findtext(_ds("SignatureValue")) or "", validate=True)
        certificates = [
            a_x509.Certificate.load(base64.b64decode("".join(c.text.split()), validate=True))
            for c in signature.iterfind(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
        ]
        leaf = certificates[0]
        public = x509.load_der_x509_certificate(leaf.dump()).public_key()
    except (binascii.Error, ValueError, IndexError, AttributeError):
        return _broken("Chữ ký số XML thiếu hoặc hỏng giá trị chữ ký, dấu băm hay chứng thư số.")
    signer = leaf.subject.human_friendly
    if _document_digest(root, signature) != expected:
        return _broken("Nội dung gói tin đã bị thay đổi sau khi cơ quan gửi ký (dấu băm không khớp).")
    if not _verify_value(public, method, value, _c14n(signed_info)):
        return _broken("Giá trị chữ ký số XML không đúng với chứng thư số kèm theo.")
    trusted, problem = _chain_trusted(leaf, certificates[1:], validation_context)
    return EnvelopeSignature(
        present=True,
        intact=True,
        trusted=trusted,
        signer=signer,
        certificate=leaf,
        message=f"Gói tin được ký bởi {signer}." if trusted else problem,
    )


def _chain_trusted(leaf, chain, validation_context) -> tuple[bool, str]:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        InvalidCertificateError,
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    if validation_context is None:
        from apps.signing import keys

        validation_context = ValidationContext(
            trust_roots=keys.trust_roots(), other_certs=keys.intermediates(), crls=keys.crls_at_hand(),
            allow_fetching=False, revocation_mode="soft-fail",
        )  # fmt: skip
    validator = CertificateValidator(leaf, intermediate_certs=chain, validation_context=validation_context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except ExpiredError:
        return False, "Chữ ký số XML nguyên vẹn nhưng chứng thư số của cơ quan gửi đã hết hạn."
    except RevokedError:
        return False, "Chữ ký số XML nguyên vẹn nhưng chứng thư số của cơ quan gửi đã bị thu hồi."
    except (PathBuildingError, PathValidationError, InvalidCertificateError):
        return False, "Chữ ký số XML nguyên vẹn nhưng chứng thư số không dẫn tới chứng thư gốc tin cậy."
    return True, ""
