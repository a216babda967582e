"""The certificate register page: officials register their own, administrators their agency's.

Checked (readable, valid now, trusted chain, issued for signatures), scoped, audited.
"""

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UserFactory
from apps.audit.models import AuditEvent
from apps.core import menu
from apps.signing import actions
from apps.signing.models import SigningCertificate

pytestmark = pytest.mark.django_db
URL = "/lam-viec/ky-so/chung-thu/"


def _upload(data: bytes, name: str = "chung-thu.pem") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/x-pem-file")


@pytest.fixture
def agency(db):
    return AgencyFactory("Sở Tư pháp")


@pytest.fixture
def admin(agency):
    return UserFactory(full_name="Quản Trị Sở", roles=[Role.SYSADMIN], agency=agency)


@pytest.fixture
def colleague(agency):
    return UserFactory(full_name="Trần Văn Đồng", roles=[Role.HEAD_OF_UNIT], agency=agency)


def test_the_url_and_the_menu_entry(leader):
    assert reverse("signing:certificates") == URL
    assert "signing.certificates" in [e.key for e in menu.entries_for(leader)]
    assert "signing.certificates" not in [e.key for e in menu.entries_for(UserFactory(roles=[Role.HANDLER]))]


def test_an_official_registers_their_own_certificate(client, signing_settings, pki, leader):
    client.force_login(leader)

    response = client.post(URL, {"tep": _upload(pki.bundle(pki.leader))})

    assert response.status_code == 302
    record = SigningCertificate.objects.get()
    assert record.official == leader and record.registered_by == leader
    assert AuditEvent.objects.filter(action="signing.certificate_register", target_uuid=record.uuid).exists()
    page = client.get(URL).content.decode()
    assert record.serial in page and "Nguyễn Văn Thử" in page


def test_a_der_certificate_is_accepted(client, signing_settings, pki, leader):
    # DER carries no chain: here the trusted root issued the certificate directly.
    issued = pki.ca.root.issue("Nguyễn Văn Thử")
    client.force_login(leader)

    response = client.post(URL, {"tep": _upload(issued.der, "chung-thu.cer")})

    assert response.status_code == 302, response.context["form"].errors
    assert SigningCertificate.objects.get().fingerprint == hashlib.sha256(issued.der).hexdigest()


def _key_encipherment_only(pki) -> bytes:
    """A certificate from the trusted CA but issued for encryption, not signatures."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = pki.ca.intermediate.issued
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Chỉ Mã Hoá")]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, True, False, False, False, False, False, False), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM) + issuer.pem


@pytest.mark.parametrize(
    ("which", "fragment"),
    [
        pytest.param("garbage", "Không đọc được chứng thư số", id="not-a-certificate"),
        pytest.param("expired", "hết hạn", id="expired"),
        pytest.param("stranger", "không được tin cậy", id="unknown-ca"),
        pytest.param("revoked", "thu hồi", id="revoked"),
        pytest.param("encryption", "không dùng để ký số", id="not-for-signatures"),
        pytest.param("root", "không dùng để ký số", id="a-ca-certificate"),
        pytest.param("private-key", "private key", id="private-key-uploaded"),
    ],
)
def test_bad_certificates_are_refused_with_a_message_and_nothing_is_stored(
    client, signing_settings, pki, leader, which, fragment
):
    data = {
        "garbage": b"-----BEGIN CERTIFICATE-----\nkhong phai\n-----END CERTIFICATE-----\n",
        "encryption": _key_encipherment_only(pki) if which == "encryption" else b"",
        "root": pki.ca.root.issued.pem,
        "private-key": pki.leader.key_pem() + pki.leader.pem,
    }.get(which) or pki.bundle(getattr(pki, which))
    client.force_login(leader)

    response = client.post(URL, {"tep": _upload(data)})

    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not SigningCertificate.objects.exists()
    assert not AuditEvent.objects.filter(action="signing.certificate_register").exists()


def test_an_official_sees_only_their_own_certificates(client, signing_settings, pki, leader, colleague):
    actions.certificate_register(actor=None, official=colleague, certificate=pki.bundle(pki.other))
    client.force_login(leader)

    page = client.get(URL).content.decode()

    assert "Trần Văn Đồng" not in page


def test_an_official_cannot_register_for_someone_else(client, signing_settings, pki, leader, colleague):
    client.force_login(leader)

    response = client.post(URL, {"tep": _upload(pki.bundle(pki.other)), "can_bo": colleague.pk})

    assert response.status_code == 302  # the field is not offered: the certificate is the caller's
    assert SigningCertificate.objects.get().official == leader


def test_an_administrator_registers_and_sees_their_agencys_certificates(
    client, signing_settings, pki, admin, colleague, other_official
):
    elsewhere = actions.certificate_register(actor=None, official=other_official, certificate=pki.bundle(pki.leader))
    client.force_login(admin)

    response = client.post(URL, {"tep": _upload(pki.bundle(pki.other)), "can_bo": colleague.pk})

    assert response.status_code == 302
    record = SigningCertificate.objects.get(official=colleague)
    assert record.registered_by == admin
    page = client.get(URL).content.decode()
    assert record.serial in page
    assert elsewhere.serial not in page  # another agency's official


def test_an_administrator_cannot_register_for_another_agencys_official(
    client, signing_settings, pki, admin, other_official
):
    client.force_login(admin)

    response = client.post(URL, {"tep": _upload(pki.bundle(pki.other)), "can_bo": other_official.pk})

    assert response.status_code == 400
    assert not SigningCertificate.objects.exists()


def test_revoking_stops_the_certificate_and_is_audited(client, signing_settings, pki, leader):
    record = actions.certificate_register(actor=None, official=leader, certificate=pki.bundle(pki.leader))
    client.force_login(leader)

    response = client.post(reverse("signing:certificate-revoke", args=[record.uuid]), {"ly_do": "Mất USB token"})

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None and not record.is_active and record.revocation_reason == "Mất USB token"
    assert AuditEvent.objects.filter(action="signing.certificate_revoke", target_uuid=record.uuid).exists()


def test_revoking_without_a_reason_changes_nothing(client, signing_settings, pki, leader):
    record = actions.certificate_register(actor=None, official=leader, certificate=pki.bundle(pki.leader))
    client.force_login(leader)

    response = client.post(reverse("signing:certificate-revoke", args=[record.uuid]), {"ly_do": ""}, follow=True)

    assert "Cần ghi lý do" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is None


def test_another_officials_certificate_cannot_be_revoked(client, signing_settings, pki, leader, colleague):
    record = actions.certificate_register(actor=None, official=colleague, certificate=pki.bundle(pki.other))
    client.force_login(leader)

    response = client.post(reverse("signing:certificate-revoke", args=[record.uuid]), {"ly_do": "thử"})

    assert response.status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_officials_without_a_signing_role_are_forbidden(client):
    client.force_login(UserFactory(roles=[Role.HANDLER]))

    assert client.get(URL).status_code == 403


def test_the_list_does_not_query_per_row(client, signing_settings, pki, admin, agency):
    client.force_login(admin)

    def count() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return [q["sql"] for q in queries]

    client.get(URL)  # the first visit saves the session; not a per-row cost

    official = UserFactory(roles=[Role.HEAD_OF_UNIT], agency=agency)
    actions.certificate_register(actor=admin, official=official, certificate=pki.bundle(pki.leader))
    one = count()
    for issued in (pki.other, pki.seal):
        official = UserFactory(roles=[Role.HEAD_OF_UNIT], agency=agency)
        actions.certificate_register(actor=admin, official=official, certificate=pki.bundle(issued))
    assert len(count()) == len(one)
