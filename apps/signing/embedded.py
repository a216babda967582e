"""The demo seal and timestamp authority of the embedded default, made at first use.

With no signing variable set (the embedded default), signing still works for trying the
platform: a demo root CA, a demo organisation seal (PKCS#12) and a demo TSA are made once into
``var/signing/`` and reused. The demo root is trusted only in that mode. Production configures a
real seal (``EGOV_SIGNING_P12`` or a PKCS#11 token), a real TSA (``EGOV_TSA_URL``) and real trust
roots (``EGOV_TRUST_ROOTS``); see apps/signing/README.md.
"""

import logging
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .conf import SigningSettings

logger = logging.getLogger(__name__)

DEMO_SEAL_NAME = "Con dấu thử nghiệm - egov Hà Tĩnh"


@dataclass(frozen=True)
class DemoMaterial:
    folder: Path

    @property
    def root_pem(self) -> Path:
        return self.folder / "demo-root.pem"

    @property
    def seal_p12(self) -> Path:
        return self.folder / "demo-seal.p12"

    @property
    def seal_password(self) -> str:
        return (self.folder / "demo-seal.password").read_text().strip()

    @property
    def tsa_cert(self) -> Path:
        return self.folder / "demo-tsa.pem"

    @property
    def tsa_key(self) -> Path:
        return self.folder / "demo-tsa.key"

    @property
    def chain_pem(self) -> Path:
        return self.folder / "demo-chain.pem"


def demo_material(config: SigningSettings) -> DemoMaterial:
    """The demo CA, seal and TSA under ``<data dir>/demo``, made now if missing."""
    folder = config.data_dir / "demo"
    material = DemoMaterial(folder)
    if material.tsa_key.exists():
        return material
    from .pki import TestPki

    logger.warning(
        "Tạo CA, con dấu và máy chủ dấu thời gian THỬ NGHIỆM trong %s; production phải cấu hình "
        "EGOV_SIGNING_P12 (hoặc PKCS#11), EGOV_TSA_URL và EGOV_TRUST_ROOTS.",
        folder,
    )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="demo-", dir=config.data_dir))
    pki = TestPki.make("CA Demo egov")
    seal = pki.intermediate.issue(DEMO_SEAL_NAME, organization="Ủy ban nhân dân tỉnh Hà Tĩnh (demo)")
    tsa = pki.intermediate.issue("TSA Demo egov", purpose="timestamping")
    password = secrets.token_urlsafe(24)
    (staging / "demo-root.pem").write_bytes(pki.root.issued.pem)
    (staging / "demo-chain.pem").write_bytes(pki.intermediate.issued.pem)
    (staging / "demo-seal.p12").write_bytes(seal.pkcs12(password.encode()))
    (staging / "demo-seal.password").write_text(password)
    (staging / "demo-tsa.pem").write_bytes(tsa.pem + pki.intermediate.issued.pem)
    (staging / "demo-tsa.key").write_bytes(tsa.key_pem())
    for secret in ("demo-seal.p12", "demo-seal.password", "demo-tsa.key"):
        (staging / secret).chmod(0o600)
    try:
        staging.rename(folder)  # atomic: a concurrent first use keeps the other's copy
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return material


def load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_private_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)
