"""Make a small certificate authority: root, intermediate, signers, a TSA, CRLs.

Used by the tests (a test CA made at test time, never committed) and by the embedded default,
which makes a demo seal and a demo timestamp authority under ``var/signing/`` at first use.
No production key is ever made here: production brings its own PKCS#12 file or HSM token.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from asn1crypto import crl as a_crl
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CRL_URL = "http://ca.egov.invalid/{name}.crl"


def _name(common_name: str, organization: str = "egov Hà Tĩnh (thử nghiệm)") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Tĩnh"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass
class Issued:
    """A certificate with its private key, in both the cryptography and asn1crypto forms."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)  # issuers up to (not incl.) the root

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def a_cert(self) -> a_x509.Certificate:
        return a_x509.Certificate.load(self.der)

    @property
    def a_key(self) -> a_keys.PrivateKeyInfo:
        return a_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def pkcs12(self, passphrase: bytes, name: bytes = b"egov") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name, self.key, self.certificate, self.chain or None, serialization.BestAvailableEncryption(passphrase)
        )


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in folded if ch.isascii())


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ski(key) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


class Authority:
    """A CA that issues certificates and CRLs (a root, or an intermediate under another one)."""

    def __init__(self, name: str, *, parent: Authority | None = None, now: dt.datetime | None = None):
        self.now = now or dt.datetime.now(dt.UTC)
        self.slug = "-".join(_ascii(name).lower().split())
        self.parent = parent
        self.revoked: list[tuple[int, dt.datetime]] = []
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=365))
            .not_valid_after(self.now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None if parent is None else 0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(_ski(key), critical=False)
        )
        if parent is None:
            self.issued = Issued(builder.issuer_name(_name(name)).sign(key, hashes.SHA256()), key)
        else:
            builder = builder.issuer_name(parent.issued.certificate.subject).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.issued.key.public_key()), critical=False
            )
            builder = builder.add_extension(_crl_dp(parent.slug), critical=False)
            certificate = builder.sign(parent.issued.key, hashes.SHA256())
            self.issued = Issued(certificate, key, [parent.issued.certificate, *parent.issued.chain][:-1] or [])
        self.chain_above = [] if parent is None else [parent.issued.certificate, *parent.chain_above]

    @property
    def certificate(self) -> x509.Certificate:
        return self.issued.certificate

    @property
    def root(self) -> Authority:
        return self if self.parent is None else self.parent.root

    def issue(
        self,
        common_name: str,
        *,
        organization: str = "egov Hà Tĩnh (thử nghiệm)",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        purpose: str = "signing",
    ) -> Issued:
        """An end-entity certificate: ``purpose`` is ``signing`` (officials, seals) or ``timestamping``."""
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organization))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or self.now - dt.timedelta(days=30))
            .not_valid_after(not_after or self.now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_ski(key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issued.key.public_key()), False)
            .add_extension(_crl_dp(self.slug), critical=False)
        )
        if purpose == "timestamping":
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
        certificate = builder.sign(self.issued.key, hashes.SHA256())
        return Issued(certificate, key, [self.certificate, *self.chain_above][:-1] if self.parent else [])

    def revoke(self, issued: Issued, *, when: dt.datetime | None = None) -> None:
        self.revoked.append((issued.certificate.serial_number, when or self.now - dt.timedelta(minutes=5)))

    def crl(self, *, this_update: dt.datetime | None = None) -> x509.CertificateRevocationList:
        this_update = this_update or self.now - dt.timedelta(hours=1)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(this_update)
            .next_update(this_update + dt.timedelta(days=7))
            .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issued.key.public_key()), critical=False
            )
        )
        for serial, when in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.issued.key, hashes.SHA256())

    def crl_der(self) -> bytes:
        return self.crl().public_bytes(serialization.Encoding.DER)

    def a_crl(self) -> a_crl.CertificateList:
        return a_crl.CertificateList.load(self.crl_der())


def _crl_dp(slug: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(CRL_URL.format(name=slug))],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


@dataclass
class TestPki:
    """A root, an intermediate under it, and helpers to issue what a test needs."""

    root: Authority
    intermediate: Authority

    @classmethod
    def make(cls, name: str = "CA Thử nghiệm") -> TestPki:
        root = Authority(f"{name} Gốc")
        return cls(root=root, intermediate=Authority(f"{name} Trung gian", parent=root))

    def crls_der(self) -> list[bytes]:
        return [self.root.crl_der(), self.intermediate.crl_der()]


TestPki.__test__ = False  # type: ignore[attr-defined]  # not a pytest class
