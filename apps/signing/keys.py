"""Where keys, timestamps and trust come from: the seal signer, the TSA and the trust roots.

``SealSigner`` is the interface the actions use for the organisation's seal; two adapters
implement it: a PKCS#12 file (``P12SealSigner``) and a PKCS#11 token in an HSM
(``Pkcs11SealSigner``). A person's key never reaches the server: officials sign on their own USB
token through the hash-then-sign flow (``pades.prepare_external``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from asn1crypto import crl as a_crl
from asn1crypto import pem as a_pem
from asn1crypto import x509 as a_x509
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .conf import SigningSettings, signing_settings
from .embedded import demo_material


class SealSigner(Protocol):
    """The organisation's seal key, wherever it lives."""

    label: str

    @property
    def certificate(self) -> a_x509.Certificate: ...

    def session(self) -> contextlib.AbstractContextManager[Signer]:
        """A pyHanko signer usable inside the ``with`` block (a token session is closed after it)."""
        ...


class P12SealSigner:
    """The seal in a PKCS#12 file on the server (the embedded default and small deployments)."""

    label = "PKCS#12"

    def __init__(self, path: Path, password: str):
        self.path = Path(path)
        self.password = password

    @property
    def signer(self) -> SimpleSigner:
        stat = self.path.stat()
        return _load_p12(str(self.path), stat.st_mtime_ns, stat.st_size, self.password)

    @property
    def certificate(self) -> a_x509.Certificate:
        return self.signer.signing_cert

    @contextlib.contextmanager
    def session(self) -> Iterator[Signer]:
        yield self.signer


@functools.lru_cache(maxsize=8)
def _load_p12(path: str, mtime_ns: int, size: int, password: str) -> SimpleSigner:
    # Opening a PKCS#12 file runs its key derivation: once per file version, not per signature.
    signer = SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)
    if signer is None:
        raise ImproperlyConfigured(f"Không mở được tệp PKCS#12 của con dấu {path} (sai mật khẩu hoặc tệp hỏng).")
    return signer


class Pkcs11SealSigner:
    """The seal on a PKCS#11 token (an HSM, or SoftHSM2 in tests), through pyHanko's pkcs11 module."""

    label = "PKCS#11"

    def __init__(self, module: str, token_label: str, pin: str, key_label: str, cert_label: str | None = None):
        self.module = module
        self.token_label = token_label
        self.pin = pin
        self.key_label = key_label
        self.cert_label = cert_label or key_label

    @contextlib.contextmanager
    def session(self) -> Iterator[Signer]:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        pkcs11_session = open_pkcs11_session(
            self.module, token_criteria=TokenCriteria(label=self.token_label), user_pin=self.pin
        )
        try:
            # other_certs_to_pull=None: the chain stored on the token goes into the signature too
            yield PKCS11Signer(
                pkcs11_session, cert_label=self.cert_label, key_label=self.key_label, other_certs_to_pull=None
            )
        finally:
            pkcs11_session.close()

    @property
    def certificate(self) -> a_x509.Certificate:
        with self.session() as signer:
            return signer.signing_cert


def seal_signer(config: SigningSettings | None = None) -> SealSigner:
    """The configured seal: PKCS#11 token if set, else the PKCS#12 file, else the embedded demo seal."""
    config = config or signing_settings()
    if config.uses_pkcs11:
        return Pkcs11SealSigner(config.pkcs11_module, config.pkcs11_token, config.pkcs11_pin, config.pkcs11_key_label)
    if config.p12_path is not None:
        return P12SealSigner(config.p12_path, config.p12_password)
    if config.production:
        raise ImproperlyConfigured("Chưa cấu hình con dấu (EGOV_SIGNING_P12 hoặc EGOV_SIGNING_PKCS11_MODULE).")
    demo = demo_material(config)
    return P12SealSigner(demo.seal_p12, demo.seal_password)


def timestamper(config: SigningSettings | None = None) -> TimeStamper:
    """``HTTPTimeStamper`` on ``EGOV_TSA_URL``; the demo in-process TSA when no URL is set (not in production)."""
    config = config or signing_settings()
    if config.tsa_url:
        return HTTPTimeStamper(config.tsa_url, timeout=10)
    if config.production:
        raise ImproperlyConfigured("Chưa cấu hình máy chủ dấu thời gian EGOV_TSA_URL.")
    demo = demo_material(config)
    stat = demo.tsa_key.stat()
    return _demo_tsa(str(demo.tsa_cert), str(demo.tsa_key), stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _demo_tsa(cert_path: str, key_path: str, mtime_ns: int) -> TimeStamper:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    certs = read_certificates(Path(cert_path))
    return DummyTimeStamper(
        tsa_cert=certs[0],
        tsa_key=_pkcs8(Path(key_path)),
        certs_to_embed=SimpleCertificateStore.from_certs(certs),
    )


def _pkcs8(path: Path):
    from asn1crypto import keys as a_keys
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return a_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


# --- trust --------------------------------------------------------------------------------------
def read_certificates(path: Path) -> list[a_x509.Certificate]:
    """Every certificate in a PEM (one or more) or DER file."""
    data = path.read_bytes()
    if a_pem.detect(data):
        return [
            a_x509.Certificate.load(der) for kind, _, der in a_pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
        ]
    return [a_x509.Certificate.load(data)]


def _files(paths) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in {".pem", ".crt", ".cer", ".der"}))
        elif path.is_file():
            found.append(path)
    return found


def trust_roots(config: SigningSettings | None = None) -> list[a_x509.Certificate]:
    """The configured roots (``EGOV_TRUST_ROOTS``), plus the demo root in the embedded default."""
    config = config or signing_settings()
    roots = [cert for path in _files(config.trust_roots) for cert in read_certificates(path)]
    if not config.production and not config.trust_roots:
        roots.extend(read_certificates(demo_material(config).root_pem))
    return roots


def intermediates(config: SigningSettings | None = None) -> list[a_x509.Certificate]:
    """Intermediate certificates at hand (the demo chain in the embedded default)."""
    config = config or signing_settings()
    if not config.production and not config.trust_roots:
        return read_certificates(demo_material(config).chain_pem)
    return []


def crls_at_hand(config: SigningSettings | None = None) -> list[a_crl.CertificateList]:
    """CRLs from ``EGOV_SIGNING_CRLS`` (files ending .crl, DER or PEM)."""
    config = config or signing_settings()
    if config.crl_dir is None or not config.crl_dir.is_dir():
        return []
    crls = []
    for path in sorted(config.crl_dir.glob("*.crl")):
        data = path.read_bytes()
        if a_pem.detect(data):
            data = a_pem.unarmor(data)[2]
        crls.append(a_crl.CertificateList.load(data))
    return crls
