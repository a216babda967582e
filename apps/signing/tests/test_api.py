"""The hash-then-sign API through HTTP: the reference client with a software token (PKCS#12 and
SoftHSM2 over PKCS#11) against a live server, and every refusal answered in Vietnamese with nothing stored."""

import base64
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
import uuid
from unittest import mock

import pytest
from asn1crypto import crl as a_crl
from asn1crypto import pem as a_pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from apps.audit.models import AuditEvent
from apps.signing import actions
from apps.signing.models import PendingSignature, SignedFile
from apps.signing.selectors import signed_file_read
from apps.signing.tests.conftest import token_sign
from apps.signing.tests.documents import POSITION, SIGNER_NAME
from apps.signing.tests.test_pkcs11 import MODULE
from apps.signing.token_client import ClientError, Pkcs12Token, SigningClient, digest_to_sign, sign_pdf
from egov.api import api_token_for

pytestmark = pytest.mark.django_db
API = "/api/v1/signing"
FIELDS = {"position": POSITION, "signer_name": SIGNER_NAME, "level": "B-T"}


@pytest.fixture
def certificate(signing_settings, pki, leader):
    return actions.certificate_register(actor=None, official=leader, certificate=pki.bundle(pki.leader))


@pytest.fixture
def bearer(leader):
    return {"Authorization": f"Bearer {api_token_for(leader)}"}


@pytest.fixture
def p12_token(tmp_path, pki):
    path = tmp_path / "token.p12"
    path.write_bytes(pki.leader.pkcs12(b"1234"))
    return Pkcs12Token(path, "1234")


def _pyhanko_status(pdf: bytes, pki):
    """pyHanko's own validator, with the test root as the only trust anchor and the test CRLs."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (embedded,) = reader.embedded_regular_signatures
    context = ValidationContext(
        trust_roots=[pki.ca.root.issued.a_cert],
        other_certs=[pki.ca.intermediate.issued.a_cert],
        crls=[a_crl.CertificateList.load(d) for d in pki.ca.crls_der()],
        allow_fetching=False,
    )
    return validate_pdf_signature(embedded, context)


# --- end to end over a real HTTP server ------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_reference_client_signs_with_a_pkcs12_token_over_http(
    live_server, certificate, leader, p12_token, pki, decision
):
    client = SigningClient(f"{live_server.url}/api/v1", api_token_for(leader))

    result, signed = sign_pdf(client, p12_token, decision, name="quyet-dinh.pdf", fields=FIELDS)

    stored = SignedFile.objects.get()
    assert result["verdict"] == "valid" and result["verdict_text"] == "Chữ ký hợp lệ"
    assert signed == signed_file_read(stored) and result["sha256"] == hashlib.sha256(signed).hexdigest()
    assert stored.signer_official == leader and stored.signer_certificate == certificate
    status = _pyhanko_status(signed, pki)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Nguyễn Văn Thử"
    assert status.timestamp_validity is not None and status.timestamp_validity.valid  # B-T
    actions_seen = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"signing.sign_prepare", "signing.sign_complete", "signing.signed_file_store"} <= actions_seen


def _ec_certificate(pki, common_name: str):
    """An ECDSA P-256 certificate from the test CA (some USB tokens hold EC keys)."""
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = pki.ca.intermediate.issued
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.DER)


@pytest.fixture(params=["rsa", "ecdsa"])
def softhsm_token(request, tmp_path, monkeypatch, pki, certificate, leader):
    """The official's key on a SoftHSM2 token, standing in for their USB token (RSA, or ECDSA P-256)."""
    if MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"):
        pytest.skip("SoftHSM2 and opensc are not installed (apt-get install softhsm2 opensc)")
    if request.param == "rsa":
        key_pem, cert_der = pki.leader.key_pem(), pki.leader.der
    else:
        key_pem, cert_der = _ec_certificate(pki, "Nguyễn Văn Thử")
        actions.certificate_register(
            actor=None,
            official=leader,
            certificate=a_pem.armor("CERTIFICATE", cert_der) + pki.ca.intermediate.issued.pem,
        )
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.der").write_bytes(cert_der)

    def run(*args):
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", "usb-token", "--pin", "1111", "--so-pin", "999999")
    run("softhsm2-util", "--import", str(tmp_path / "key.pem"), "--token", "usb-token", "--label", "ky-so",
        "--id", "01", "--pin", "1111")  # fmt: skip
    run("pkcs11-tool", "--module", MODULE, "--token-label", "usb-token", "--login", "--pin", "1111",
        "--write-object", str(tmp_path / "cert.der"), "--type", "cert", "--label", "ky-so", "--id", "01")  # fmt: skip
    return {"module": MODULE, "token": "usb-token", "pin": "1111", "label": "ky-so", "cert_der": cert_der}


@pytest.mark.django_db(transaction=True)
def test_management_command_signs_with_a_pkcs11_token(
    live_server, certificate, leader, softhsm_token, pki, decision, tmp_path
):
    """The token software runs as its own process, as on the official's machine (and so SoftHSM2 is
    initialised there with this test's token directory, not in the test process)."""
    (tmp_path / "in.pdf").write_bytes(decision)
    env = {
        **os.environ,
        "EGOV_API_TOKEN": api_token_for(leader),
        "EGOV_TOKEN_PIN": softhsm_token["pin"],
        "DJANGO_SETTINGS_MODULE": "egov.settings.test",
    }

    done = subprocess.run(
        [
            sys.executable, "manage.py", "token_sign",
            "--server", f"{live_server.url}/api/v1",
            "--pdf", str(tmp_path / "in.pdf"),
            "--out", str(tmp_path / "out.pdf"),
            "--position", POSITION,
            "--signer-name", SIGNER_NAME,
            "--pkcs11-module", softhsm_token["module"],
            "--pkcs11-token", softhsm_token["token"],
            "--pkcs11-key-label", softhsm_token["label"],
        ],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    signed = (tmp_path / "out.pdf").read_bytes()
    assert "Chữ ký hợp lệ" in done.stdout
    stored = SignedFile.objects.get()
    assert signed == signed_file_read(stored)
    assert hashlib.sha256(softhsm_token["cert_der"]).hexdigest() == stored.signer_certificate.fingerprint
    status = _pyhanko_status(signed, pki)
    assert status.intact and status.valid and status.trusted


@pytest.mark.django_db(transaction=True)
def test_management_command_reports_a_refusal(live_server, certificate, leader, tmp_path, pki):
    (tmp_path / "in.pdf").write_bytes(b"%PDF-1.7 hong")
    (tmp_path / "t.p12").write_bytes(pki.leader.pkcs12(b"1"))
    env = {"EGOV_API_TOKEN": api_token_for(leader), "EGOV_TOKEN_PIN": "1"}
    arguments = [
        *("--server", f"{live_server.url}/api/v1", "--pdf", str(tmp_path / "in.pdf")),
        *("--out", str(tmp_path / "out.pdf"), "--box", "0,100,100,300,160", "--p12", str(tmp_path / "t.p12")),
    ]

    with pytest.raises(CommandError, match="PDF"), mock.patch.dict(os.environ, env):
        call_command("token_sign", *arguments)

    assert not (tmp_path / "out.pdf").exists() and not SignedFile.objects.exists()


# --- refusals (Django's test client: the same HTTP stack, no server thread) -----------------------------


def _prepare(client, bearer, decision, certificate, **extra):
    data = {"pdf": io.BytesIO(decision), "certificate": str(certificate.uuid), **FIELDS, **extra}
    data["pdf"].name = "quyet-dinh.pdf"
    return client.post(f"{API}/sessions", data, headers=bearer)


def _complete(client, bearer, session_id, signature: bytes):
    return client.post(
        f"{API}/sessions/{session_id}/complete",
        {"signature": base64.b64encode(signature).decode()},
        content_type="application/json",
        headers=bearer,
    )


def _refused(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"] and any(
        ch in body["message"] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    )
    assert not SignedFile.objects.exists()
    return body


def test_prepare_answers_the_digest_of_the_signed_attributes(client, bearer, certificate, decision):
    response = _prepare(client, bearer, decision, certificate)

    assert response.status_code == 201, response.content
    session = response.json()
    pending = PendingSignature.objects.get(uuid=session["id"])
    assert base64.b64decode(session["to_sign_digest"]) == pending.to_sign_digest
    assert hashlib.sha256(base64.b64decode(session["signed_attributes"])).digest() == pending.to_sign_digest
    assert session["certificate_fingerprint"] == certificate.fingerprint
    assert AuditEvent.objects.filter(action="signing.sign_prepare", target_uuid=pending.uuid).exists()


def test_a_signature_by_another_key_is_refused(client, bearer, certificate, decision, pki):
    session = _prepare(client, bearer, decision, certificate).json()
    signature = token_sign(pki.other, base64.b64decode(session["to_sign_digest"]))

    _refused(_complete(client, bearer, session["id"], signature), 400, "signature_mismatch")

    refusal = AuditEvent.objects.get(action="signing.sign_refused")
    assert str(refusal.target_uuid) == session["id"]
    assert PendingSignature.objects.get(uuid=session["id"]).completed_at is None


def test_the_client_refuses_to_sign_for_a_certificate_not_on_its_token(
    client, bearer, certificate, decision, pki, tmp_path
):
    session = _prepare(client, bearer, decision, certificate).json()
    (tmp_path / "other.p12").write_bytes(pki.other.pkcs12(b"1"))

    with pytest.raises(ClientError, match="chứng thư số khác"):
        digest_to_sign(session, Pkcs12Token(tmp_path / "other.p12", "1"))


def test_a_signature_over_a_tampered_digest_is_refused(client, bearer, certificate, decision, pki):
    session = _prepare(client, bearer, decision, certificate).json()
    tampered = hashlib.sha256(b"mot tai lieu khac").digest()

    _refused(_complete(client, bearer, session["id"], token_sign(pki.leader, tampered)), 400, "signature_mismatch")


def test_the_client_refuses_a_digest_that_is_not_the_one_of_the_attributes(
    client, bearer, certificate, decision, p12_token
):
    session = _prepare(client, bearer, decision, certificate).json()
    session["to_sign_digest"] = base64.b64encode(hashlib.sha256(b"khac").digest()).decode()

    with pytest.raises(ClientError, match="không khớp"):
        digest_to_sign(session, p12_token)


def test_an_expired_session_is_refused(client, bearer, certificate, decision, pki):
    session = _prepare(client, bearer, decision, certificate).json()
    PendingSignature.objects.filter(uuid=session["id"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    signature = token_sign(pki.leader, base64.b64decode(session["to_sign_digest"]))

    body = _refused(_complete(client, bearer, session["id"], signature), 410, "pending_expired")

    assert "quá hạn" in body["message"]
    assert AuditEvent.objects.filter(action="signing.sign_refused").count() == 1


def test_a_replayed_completion_is_refused_and_stores_nothing_more(client, bearer, certificate, decision, pki):
    session = _prepare(client, bearer, decision, certificate).json()
    signature = token_sign(pki.leader, base64.b64decode(session["to_sign_digest"]))
    first = _complete(client, bearer, session["id"], signature)
    assert first.status_code == 201, first.content
    stored = SignedFile.objects.get()

    again = _complete(client, bearer, session["id"], signature)

    assert again.status_code == 409 and again.json()["code"] == "pending_done"
    assert SignedFile.objects.get() == stored
    assert AuditEvent.objects.filter(action="signing.sign_complete").count() == 1


def test_another_officials_certificate_cannot_be_used(client, certificate, decision, other_official):
    bearer = {"Authorization": f"Bearer {api_token_for(other_official)}"}

    _refused(_prepare(client, bearer, decision, certificate), 403, "certificate_not_yours")

    assert not PendingSignature.objects.exists()


def test_another_official_cannot_complete_the_session(client, bearer, certificate, decision, pki, other_official):
    session = _prepare(client, bearer, decision, certificate).json()
    signature = token_sign(pki.leader, base64.b64decode(session["to_sign_digest"]))

    response = _complete(client, {"Authorization": f"Bearer {api_token_for(other_official)}"}, session["id"], signature)

    _refused(response, 404, "pending_not_found")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        pytest.param({"position": "GIÁM ĐỐC"}, "Không tìm thấy chỗ ký", id="lines-not-in-the-pdf"),
        pytest.param({"page": "0", "x1": "100"}, "Cần đủ trang", id="half-a-box"),
        pytest.param({"level": "B-X"}, "Mức chữ ký", id="unknown-level"),
    ],
)
def test_bad_placement_is_refused(client, bearer, certificate, decision, extra, fragment):
    response = _prepare(client, bearer, decision, certificate, **extra)

    assert response.status_code == 400 and fragment in response.json()["message"]
    assert not PendingSignature.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused(client, bearer, certificate):
    response = _prepare(client, bearer, b"GIF89a khong phai pdf", certificate)

    _refused(response, 400, "not_a_pdf")


def test_bad_base64_is_refused(client, bearer, certificate, decision):
    session = _prepare(client, bearer, decision, certificate).json()

    response = client.post(
        f"{API}/sessions/{session['id']}/complete",
        {"signature": "@@@"},
        content_type="application/json",
        headers=bearer,
    )

    assert response.status_code == 400 and "base64" in response.json()["message"]


def test_without_a_token_nothing_happens(client, certificate, decision):
    assert _prepare(client, {}, decision, certificate).status_code == 401
    assert not PendingSignature.objects.exists()


def test_a_clerk_without_the_signing_role_is_forbidden(client, certificate, decision):
    from apps.accounts.roles import Role
    from apps.accounts.tests.factories import UserFactory

    clerk = UserFactory(roles=[Role.CLERK])

    response = client.get(f"{API}/certificates", headers={"Authorization": f"Bearer {api_token_for(clerk)}"})

    assert response.status_code == 403


def test_certificates_lists_only_the_callers_usable_ones(client, bearer, certificate, other_official, pki):
    actions.certificate_register(actor=None, official=other_official, certificate=pki.bundle(pki.other))

    response = client.get(f"{API}/certificates", headers=bearer)

    assert [c["fingerprint"] for c in response.json()] == [certificate.fingerprint]


def test_signed_file_download_is_only_for_its_signer(client, bearer, certificate, decision, pki, other_official):
    session = _prepare(client, bearer, decision, certificate).json()
    done = _complete(client, bearer, session["id"], token_sign(pki.leader, base64.b64decode(session["to_sign_digest"])))
    path = done.json()["download"]

    assert client.get(path, headers=bearer).content == signed_file_read(SignedFile.objects.get())
    stranger = {"Authorization": f"Bearer {api_token_for(other_official)}"}
    assert client.get(path, headers=stranger).status_code == 404


def test_openapi_documents_the_signing_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {p for p in paths if p.startswith(f"{API}/")} == {
        f"{API}/certificates",
        f"{API}/sessions",
        f"{API}/sessions/{{session_id}}/complete",
        f"{API}/signed-files/{{file_id}}/pdf",
    }


def test_expired_unfinished_sessions_are_purged(client, bearer, certificate, decision, pki):
    from apps.signing.tasks import pending_signatures_expire

    done = _prepare(client, bearer, decision, certificate).json()
    _complete(client, bearer, done["id"], token_sign(pki.leader, base64.b64decode(done["to_sign_digest"])))
    stale = _prepare(client, bearer, decision, certificate).json()
    fresh = _prepare(client, bearer, decision, certificate).json()
    PendingSignature.objects.filter(uuid__in=[done["id"], stale["id"]]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    assert pending_signatures_expire.call() == {"deleted": 1}

    assert set(PendingSignature.objects.values_list("uuid", flat=True).order_by()) == {
        uuid.UUID(done["id"]),
        uuid.UUID(fresh["id"]),
    }
    assert AuditEvent.objects.get(action="signing.pending_purge").changes


@pytest.mark.django_db(transaction=True)
def test_two_completions_racing_store_one_signed_file(certificate, leader, decision, pki):
    """The same signature posted twice at once (a double click, a retry): one signed file, one refusal."""
    import threading

    from django.db import connection, connections

    from apps.signing.errors import SigningError

    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    from apps.signing import placement

    box = placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)
    pending = actions.document_sign_prepare(
        actor=leader, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box, level="B-B"
    )
    signature = token_sign(pki.leader, pending.to_sign_digest)
    barrier, outcomes = threading.Barrier(2), []

    def complete():
        try:
            barrier.wait(timeout=10)
            actions.document_sign_complete(actor=leader, pending=pending, signature=signature)
            outcomes.append("stored")
        except SigningError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["pending_done", "stored"]
    assert SignedFile.objects.count() == 1


def test_a_certificate_revoked_between_prepare_and_complete_cannot_finish(client, bearer, certificate, decision, pki):
    session = _prepare(client, bearer, decision, certificate).json()
    actions.certificate_revoke(actor=None, certificate=certificate, reason="Mất USB token")
    signature = token_sign(pki.leader, base64.b64decode(session["to_sign_digest"]))

    body = _refused(_complete(client, bearer, session["id"], signature), 400, "certificate_not_usable")

    assert "thu hồi" in body["message"]
    assert AuditEvent.objects.filter(action="signing.sign_refused").count() == 1
    assert _prepare(client, bearer, decision, certificate).status_code == 403


# --- the workspace's own session (second factor passed) with its CSRF token -----------------------------
def _session_client(user, *, verified=True):
    from conftest import EgovClient

    browser = EgovClient(enforce_csrf_checks=True)
    browser.force_login(user, verified=verified)
    browser.get("/lam-viec/ky-so/chung-thu/")  # a workspace page sets the CSRF cookie
    return browser


def test_a_signed_in_official_prepares_with_the_session_and_csrf_token(certificate, leader, decision):
    browser = _session_client(leader)
    token = browser.cookies["csrftoken"].value
    data = {"pdf": io.BytesIO(decision), "certificate": str(certificate.uuid), **FIELDS}
    data["pdf"].name = "quyet-dinh.pdf"

    without = browser.post(f"{API}/sessions", dict(data))
    data["pdf"].seek(0)
    with_token = browser.post(f"{API}/sessions", data, headers={"X-CSRFToken": token})

    assert without.status_code in {401, 403}
    assert with_token.status_code == 201, with_token.content
    assert PendingSignature.objects.count() == 1


def test_a_session_without_the_second_factor_cannot_use_the_api(certificate, leader):
    browser = _session_client(leader, verified=False)

    response = browser.get(f"{API}/certificates")

    assert response.status_code in {302, 401, 403}
    assert not response.content.startswith(b"[")
