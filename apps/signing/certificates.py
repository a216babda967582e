"""Read certificates as officials and administrators hand them over (PEM with its chain, or DER)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem as a_pem
from asn1crypto import x509 as a_x509


@dataclass(frozen=True)
class CertificateInfo:
    certificate: a_x509.Certificate
    chain: list[a_x509.Certificate]  # intermediates handed over with it, leaf excluded
    subject: str
    common_name: str
    serial: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint: str

    @property
    def der(self) -> bytes:
        return self.certificate.dump()

    @property
    def chain_pem(self) -> str:
        return "".join(a_pem.armor("CERTIFICATE", c.dump()).decode("ascii") for c in self.chain)


def certificate_read(data: bytes) -> CertificateInfo:
    """The first certificate of a PEM bundle (the rest is its chain) or a DER certificate.

    Raises ``ValueError`` when the bytes hold no readable certificate.
    """
    if a_pem.detect(data):
        certs = [
            a_x509.Certificate.load(der) for kind, _, der in a_pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
        ]
    else:
        certs = [a_x509.Certificate.load(data)]
    if not certs:
        raise ValueError("no certificate")
    leaf = certs[0]
    leaf.native  # noqa: B018 - parses the whole structure now, so broken bytes fail here
    return CertificateInfo(
        certificate=leaf,
        chain=certs[1:],
        subject=leaf.subject.human_friendly[:500],
        common_name=(leaf.subject.native.get("common_name") or "")[:200],
        serial=format(leaf.serial_number, "X"),
        issuer=leaf.issuer.human_friendly[:500],
        not_before=leaf.not_valid_before,
        not_after=leaf.not_valid_after,
        fingerprint=hashlib.sha256(leaf.dump()).hexdigest(),
    )


def chain_read(chain_pem: str) -> list[a_x509.Certificate]:
    if not chain_pem:
        return []
    return [a_x509.Certificate.load(der) for _, _, der in a_pem.unarmor(chain_pem.encode("ascii"), multiple=True)]
