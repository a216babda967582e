"""Certificates, the person's hash-then-sign, the server seal, and signed files kept unchanged."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.signing import actions, placement
from apps.signing.errors import SigningError, SigningErrorCode
from apps.signing.models import Level, PendingSignature, SignedFile, SignedFileDerivative, SigningCertificate
from apps.signing.selectors import signed_file_read
from apps.signing.tests.conftest import token_sign
from apps.signing.tests.documents import POSITION, SIGNER_NAME
from apps.signing.validation import Verdict, signature_validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(decision):
    return placement.signature_box_between(decision, above=POSITION, below=SIGNER_NAME)


@pytest.fixture
def certificate(signing_settings, pki, leader):
    return actions.certificate_register(actor=None, official=leader, certificate=pki.bundle(pki.leader))


def _sign_person(leader, certificate, pki, decision, box, *, level=Level.B_T):
    pending = actions.document_sign_prepare(
        actor=leader, pdf=decision, name="quyet-dinh.pdf", certificate=certificate, signature_box=box, level=level
    )
    signature = token_sign(pki.leader, pending.to_sign_digest)
    return actions.document_sign_complete(actor=leader, pending=pending, signature=signature)


# --- certificates -------------------------------------------------------------------------------
def test_register_reads_the_certificate_and_records_it(certificate, leader, pki):
    assert certificate.official == leader
    assert certificate.common_name == "Nguyễn Văn Thử"
    assert certificate.serial == format(pki.leader.certificate.serial_number, "X")
    assert certificate.fingerprint == hashlib.sha256(pki.leader.der).hexdigest()
    assert certificate.is_active and certificate.chain_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert AuditEvent.objects.filter(action="signing.certificate_register", target_uuid=certificate.uuid).exists()


@pytest.mark.parametrize(
    ("which", "code"),
    [
        ("stranger", SigningErrorCode.CERTIFICATE_UNTRUSTED),
        ("expired", SigningErrorCode.CERTIFICATE_UNTRUSTED),
        ("revoked", SigningErrorCode.CERTIFICATE_UNTRUSTED),
        ("garbage", SigningErrorCode.CERTIFICATE_UNREADABLE),
    ],
    ids=["unknown-ca", "expired", "revoked", "not-a-certificate"],
)
def test_register_refuses_bad_certificates_and_stores_nothing(signing_settings, pki, leader, which, code):
    data = b"khong phai chung thu" if which == "garbage" else pki.bundle(getattr(pki, which))

    with pytest.raises(SigningError) as error:
        actions.certificate_register(actor=None, official=leader, certificate=data)

    assert error.value.code == code and error.value.message
    assert not SigningCertificate.objects.exists()


def test_register_twice_is_refused(certificate, pki, other_official):
    with pytest.raises(SigningError, match="đã được đăng ký") as error:
        actions.certificate_register(actor=None, official=other_official, certificate=pki.bundle(pki.leader))
    assert error.value.code == SigningErrorCode.CERTIFICATE_DUPLICATE


def test_revoke_stops_signing(certificate, leader, decision, box):
    actions.certificate_revoke(actor=None, certificate=certificate, reason="Mất thiết bị ký số")

    with pytest.raises(SigningError) as error:
        actions.document_sign_prepare(
            actor=leader, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box
        )

    assert error.value.code == SigningErrorCode.CERTIFICATE_NOT_USABLE
    assert not PendingSignature.objects.exists()
    with pytest.raises(SigningError, match="đã bị thu hồi"):
        actions.certificate_revoke(actor=None, certificate=certificate, reason="lần hai")


# --- the person's signature ---------------------------------------------------------------------
def test_hash_then_sign_round_trip_with_a_software_token(certificate, leader, pki, decision, box):
    signed_file = _sign_person(leader, certificate, pki, decision, box)

    data = signed_file_read(signed_file)
    (report,) = signature_validate(data)
    assert report.verdict == Verdict.VALID and report.signer_common_name == "Nguyễn Văn Thử"
    assert report.timestamp_trusted  # B-T
    assert signed_file.kind == SignedFile.Kind.PERSON and signed_file.level == Level.B_T
    assert signed_file.signer_official == leader and signed_file.signer_certificate == certificate
    assert signed_file.original_sha256 == hashlib.sha256(decision).hexdigest()
    assert PendingSignature.objects.get().completed_at is not None
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "signing.sign_prepare",
        "signing.sign_complete",
        "signing.signed_file_store",
    }


def test_person_b_lt_adds_revocation_info(certificate, leader, pki, decision, box):
    signed_file = _sign_person(leader, certificate, pki, decision, box, level=Level.B_LT)

    (report,) = signature_validate(signed_file_read(signed_file))

    assert report.verdict == Verdict.VALID and report.has_revocation_info and report.level == "B-LT"


def test_signing_with_another_officials_certificate_is_refused(certificate, other_official, decision, box):
    with pytest.raises(SigningError) as error:
        actions.document_sign_prepare(
            actor=other_official, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box
        )

    assert error.value.code == SigningErrorCode.CERTIFICATE_NOT_YOURS
    assert "chứng thư số của người khác" in error.value.message
    assert not PendingSignature.objects.exists()


def test_a_signature_from_another_key_is_refused_and_nothing_is_stored(certificate, leader, pki, decision, box):
    pending = actions.document_sign_prepare(
        actor=leader, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box
    )

    with pytest.raises(SigningError) as error:
        actions.document_sign_complete(
            actor=leader, pending=pending, signature=token_sign(pki.other, pending.to_sign_digest)
        )

    assert error.value.code == SigningErrorCode.SIGNATURE_MISMATCH
    assert not SignedFile.objects.exists()
    pending.refresh_from_db()
    assert pending.completed_at is None


def test_another_official_cannot_complete_a_pending_signature(certificate, leader, other_official, pki, decision, box):
    pending = actions.document_sign_prepare(
        actor=leader, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box
    )

    with pytest.raises(SigningError) as error:
        actions.document_sign_complete(
            actor=other_official, pending=pending, signature=token_sign(pki.leader, pending.to_sign_digest)
        )

    assert error.value.code == SigningErrorCode.CERTIFICATE_NOT_YOURS
    assert not SignedFile.objects.exists()


def test_an_expired_pending_signature_is_refused(certificate, leader, pki, decision, box):
    pending = actions.document_sign_prepare(
        actor=leader, pdf=decision, name="x.pdf", certificate=certificate, signature_box=box
    )
    PendingSignature.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(SigningError, match="quá hạn"):
        actions.document_sign_complete(
            actor=leader, pending=pending, signature=token_sign(pki.leader, pending.to_sign_digest)
        )


def test_a_file_that_is_not_a_pdf_is_refused(certificate, leader, box):
    with pytest.raises(SigningError) as error:
        actions.document_sign_prepare(
            actor=leader, pdf=b"\x89PNG\r\n", name="anh.png", certificate=certificate, signature_box=box
        )
    assert error.value.code == SigningErrorCode.NOT_A_PDF


# --- the organisation's seal --------------------------------------------------------------------
def test_person_then_seal_gives_two_valid_signatures_and_two_stored_files(certificate, leader, pki, decision, box):
    person = _sign_person(leader, certificate, pki, decision, box)

    sealed = actions.document_sign_seal(
        actor=leader, pdf=signed_file_read(person), name="quyet-dinh.pdf", signature_box=box, level=Level.B_LT
    )

    reports = {r.field_name: r for r in signature_validate(signed_file_read(sealed))}
    assert set(reports) == {"ChuKyCaNhan", "ConDau"}
    assert all(r.verdict == Verdict.VALID for r in reports.values())
    assert reports["ConDau"].level == "B-LT"
    assert sealed.kind == SignedFile.Kind.SEAL and "Ủy ban nhân dân tỉnh Hà Tĩnh" in sealed.seal_subject
    assert sealed.original_sha256 == person.sha256


def test_attachment_needs_its_reference(signing_settings, decision):
    with pytest.raises(SigningError) as error:
        actions.document_sign_seal(actor=None, pdf=decision, name="phu-luc.pdf")
    assert error.value.code == SigningErrorCode.REFERENCE_MISSING


def test_b_lt_without_revocation_data_is_refused(signing_settings, decision, tmp_path):
    signing_settings.SIGNING_CRLS = str(tmp_path / "khong-co")

    with pytest.raises(SigningError) as error:
        actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="12/QĐ-UBND", level=Level.B_LT)

    assert error.value.code == SigningErrorCode.LEVEL_UNAVAILABLE
    assert not SignedFile.objects.exists()


# --- stored bytes -------------------------------------------------------------------------------
def test_stored_bytes_are_reread_unchanged_and_derivatives_are_separate(
    signing_settings, decision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_file = actions.document_sign_seal(
            actor=None, pdf=decision, name="phu-luc.pdf", reference="12/QĐ-UBND", level=Level.B_T
        )

    with signed_file.file.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == signed_file.sha256 and len(stored) == signed_file.size
    derivatives = {d.kind: d for d in signed_file.derivatives.all()}
    assert set(derivatives) == {SignedFileDerivative.Kind.THUMBNAIL, SignedFileDerivative.Kind.TEXT}
    with derivatives["thumbnail"].file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with derivatives["text"].file.open("rb") as handle:
        assert "QUYẾT ĐỊNH" in handle.read().decode()
    assert derivatives["thumbnail"].file.name != signed_file.file.name
    with signed_file.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == signed_file.sha256  # deriving did not touch it


def test_a_stored_file_changed_behind_our_back_is_refused_on_read(signing_settings, decision):
    signed_file = actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="12/QĐ-UBND")
    with open(signed_file.file.path, "r+b") as handle:  # noqa: PTH123
        handle.seek(100)
        handle.write(b"X")

    with pytest.raises(SigningError) as error:
        signed_file_read(signed_file)

    assert error.value.code == SigningErrorCode.STORED_FILE_CHANGED


def test_the_embedded_default_seals_with_its_demo_ca_and_tsa(settings, tmp_path, decision):
    """No signing variable at all: a demo CA, seal and TSA are made under the data folder and trusted."""
    settings.SIGNING_DATA_DIR = tmp_path / "signing"

    signed_file = actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="03/TB-UBND")

    (report,) = signature_validate(signed_file_read(signed_file))
    assert report.verdict == Verdict.VALID and report.timestamp_trusted
    assert (tmp_path / "signing" / "demo" / "demo-seal.p12").stat().st_mode & 0o777 == 0o600


def test_sealing_does_not_log_the_untrusted_path_of_its_own_integrity_check(signing_settings, decision, caplog):
    import logging

    with caplog.at_level(logging.WARNING):
        actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="3/TB")

    assert not [r for r in caplog.records if r.name.startswith("pyhanko.sign.validation")]
    logger = logging.getLogger("pyhanko.sign.validation.generic_cms")
    assert logger.filters == []  # taken off again
