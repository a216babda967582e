"""A test PKI made at test time (root, intermediate, officials, seal, TSA, an expired and a revoked
certificate, CRLs) and the signing settings pointing at it. No key is ever committed."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UserFactory
from apps.signing.pki import Issued, TestPki
from apps.signing.tests.documents import decision_pdf

P12_PASSWORD = "mat-khau-con-dau"


@dataclass
class Pki:
    ca: TestPki
    leader: Issued
    other: Issued
    expired: Issued
    revoked: Issued
    seal: Issued
    tsa: Issued
    stranger_ca: TestPki
    stranger: Issued

    def bundle(self, issued: Issued) -> bytes:
        """The PEM an official hands over: their certificate, then the intermediate."""
        return issued.pem + self.ca.intermediate.issued.pem


@pytest.fixture(scope="session")
def pki() -> Pki:
    ca = TestPki.make()
    now = dt.datetime.now(dt.UTC)
    revoked = ca.intermediate.issue("Trần Thị Thu Hồi")
    ca.intermediate.revoke(revoked)
    stranger_ca = TestPki.make("CA Lạ")
    return Pki(
        ca=ca,
        leader=ca.intermediate.issue("Nguyễn Văn Thử"),
        other=ca.intermediate.issue("Lê Văn Khác"),
        expired=ca.intermediate.issue(
            "Phạm Văn Hết Hạn", not_before=now - dt.timedelta(days=800), not_after=now - dt.timedelta(days=2)
        ),
        revoked=revoked,
        seal=ca.intermediate.issue("Ủy ban nhân dân tỉnh Hà Tĩnh", organization="Ủy ban nhân dân tỉnh Hà Tĩnh"),
        tsa=ca.intermediate.issue("TSA Thử nghiệm", purpose="timestamping"),
        stranger_ca=stranger_ca,
        stranger=stranger_ca.intermediate.issue("Người Lạ"),
    )


def write_signing_files(folder: Path, pki: Pki) -> dict:
    """Trust roots, CRLs, the seal's PKCS#12 and the TSA, laid out as a deployment would configure them."""
    roots = folder / "roots"
    crls = folder / "crls"
    demo = folder / "data" / "demo"  # the TSA the embedded default uses when EGOV_TSA_URL is empty
    for path in (roots, crls, demo):
        path.mkdir(parents=True)
    (roots / "root.pem").write_bytes(pki.ca.root.issued.pem)
    (crls / "root.crl").write_bytes(pki.ca.root.crl_der())
    (crls / "intermediate.crl").write_bytes(pki.ca.intermediate.crl_der())
    (folder / "seal.p12").write_bytes(pki.seal.pkcs12(P12_PASSWORD.encode()))
    (demo / "demo-tsa.pem").write_bytes(pki.tsa.pem + pki.ca.intermediate.issued.pem)
    (demo / "demo-tsa.key").write_bytes(pki.tsa.key_pem())
    return {
        "SIGNING_ENABLED": True,
        "SIGNING_DATA_DIR": folder / "data",
        "SIGNING_TRUST_ROOTS": [str(roots)],
        "SIGNING_CRLS": str(crls),
        "SIGNING_P12": str(folder / "seal.p12"),
        "SIGNING_P12_PASSWORD": P12_PASSWORD,
        "SIGNING_TSA_URL": "",
        "SIGNING_FETCH_REVOCATION": False,
        "SIGNING_PKCS11_MODULE": "",
    }


@pytest.fixture
def signing_settings(settings, tmp_path, pki):
    for name, value in write_signing_files(tmp_path, pki).items():
        setattr(settings, name, value)
    return settings


@pytest.fixture(scope="session")
def decision() -> bytes:
    return decision_pdf()


@pytest.fixture
def leader(db):
    return UserFactory(full_name="Nguyễn Văn Thử", roles=[Role.AGENCY_LEADER], agency=AgencyFactory("Sở Xây dựng"))


@pytest.fixture
def other_official(db):
    return UserFactory(full_name="Lê Văn Khác", roles=[Role.AGENCY_LEADER])


def token_sign(issued: Issued, digest: bytes) -> bytes:
    """What the official's USB token does: sign the prepared digest with the private key it holds."""
    return issued.key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
