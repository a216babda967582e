"""Stored signature verdicts: validated once per file and trust configuration, shown on the dossier page."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.dossiers.actions import DocumentInput, dossier_receive, dossier_result_attach
from apps.dossiers.tests.conftest import register, world  # noqa: F401 - fixtures
from apps.signing import actions, keys
from apps.signing.models import SignatureVerdict
from apps.signing.selectors import signed_file_read, verdicts_for_contents
from apps.signing.tests.conftest import P12_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(signing_settings, decision) -> bytes:
    return signed_file_read(
        actions.document_sign_seal(actor=None, pdf=decision, name="phu-luc.pdf", reference="12/QĐ-UBND")
    )


def _contents(*files: bytes, calls: list | None = None) -> dict:
    def reader(data):
        def read():
            if calls is not None:
                calls.append(1)
            return data

        return read

    return {hashlib.sha256(f).hexdigest(): reader(f) for f in files}


def test_a_sealed_pdf_is_valid_with_its_signer(sealed):
    (verdict,) = verdicts_for_contents(_contents(sealed)).values()

    assert verdict.overall == "valid" and verdict.ok and verdict.tone == "success"
    (line,) = verdict.signatures
    assert line.signer == "Ủy ban nhân dân tỉnh Hà Tĩnh" and line.trusted and line.intact
    assert line.level == "B-T" and line.signed_at is not None and line.timestamp_trusted
    assert any("nguyên vẹn" in d for d in line.details)


def test_a_verdict_is_computed_once_then_read_from_the_store(sealed):
    calls: list = []
    verdicts_for_contents(_contents(sealed, calls=calls))

    with CaptureQueriesContext(connection) as queries:
        again = verdicts_for_contents(_contents(sealed, calls=calls))

    assert calls == [1]  # the second call did not even read the file
    assert len(queries) == 1 and SignatureVerdict.objects.count() == 1
    assert next(iter(again.values())).overall == "valid"


def test_tampered_unsigned_and_unreadable_files(sealed, decision):
    tampered = sealed.replace(b"/Producer", b"/Produces", 1)
    if tampered == sealed:  # the producer string is outside the signed range on some renderers
        middle = len(sealed) // 3
        tampered = sealed[:middle] + bytes([sealed[middle] ^ 1]) + sealed[middle + 1 :]

    verdicts = verdicts_for_contents(_contents(tampered, decision, b"khong phai pdf"))

    by_file = {k: v.overall for k, v in verdicts.items()}
    assert by_file[hashlib.sha256(tampered).hexdigest()] == "invalid"
    assert by_file[hashlib.sha256(decision).hexdigest()] == "unsigned"
    assert by_file[hashlib.sha256(b"khong phai pdf").hexdigest()] == "unreadable"


def test_a_seal_from_an_unknown_ca_is_intact_but_not_trusted(signing_settings, pki, decision, tmp_path):
    (tmp_path / "la.p12").write_bytes(pki.stranger.pkcs12(P12_PASSWORD.encode()))
    stranger_seal = keys.P12SealSigner(tmp_path / "la.p12", P12_PASSWORD)
    signed = signed_file_read(
        actions.document_sign_seal(
            actor=None, pdf=decision, name="x.pdf", reference="1/TB", seal=stranger_seal, level="B-B"
        )
    )

    (verdict,) = verdicts_for_contents(_contents(signed)).values()

    assert verdict.overall == "untrusted" and verdict.tone == "warning"
    assert verdict.signatures[0].intact and not verdict.signatures[0].trusted


def test_new_trust_roots_mean_a_new_verdict(sealed, signing_settings, tmp_path):
    verdicts_for_contents(_contents(sealed))
    (tmp_path / "empty-roots").mkdir()
    signing_settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "empty-roots")]

    (verdict,) = verdicts_for_contents(_contents(sealed)).values()

    assert verdict.overall == "untrusted"
    assert SignatureVerdict.objects.count() == 2


def test_a_file_whose_bytes_changed_in_storage_is_flagged_and_not_kept(sealed):
    verdicts = verdicts_for_contents({"0" * 64: lambda: sealed})

    assert verdicts["0" * 64].overall == "unreadable"
    assert not SignatureVerdict.objects.exists()


# --- on the dossier page --------------------------------------------------------------------------
@pytest.fixture
def dossier_with_results(world, register, sealed, decision):  # noqa: F811
    dossier = dossier_receive(actor=world.desk, dossier=register())

    def attach(name: str, data: bytes):
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        return dossier_result_attach(
            actor=world.leader, dossier=dossier, document=DocumentInput(name=name, file=upload)
        )

    attach("giay-phep.pdf", sealed)
    return dossier, attach


def test_the_dossier_page_shows_the_verdict_of_its_signed_result(client, world, dossier_with_results):  # noqa: F811
    dossier, _ = dossier_with_results
    client.force_login(world.leader)

    page = client.get(reverse("dossiers:detail", args=[dossier.uuid])).content.decode()

    assert "result-signatures-title" in page
    assert "giay-phep.pdf" in page and "Ủy ban nhân dân tỉnh Hà Tĩnh" in page
    assert SignatureVerdict.objects.get().overall == "valid"


def test_the_dossier_page_reads_all_verdicts_in_one_query(client, world, dossier_with_results, decision):  # noqa: F811
    dossier, attach = dossier_with_results
    client.force_login(world.leader)
    url = reverse("dossiers:detail", args=[dossier.uuid])
    client.get(url)  # first view: validates and stores

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    attach("ban-sao.pdf", decision + b"\n% 1")
    attach("ban-sao-2.pdf", decision + b"\n% 2")
    client.get(url)
    assert count() == one
    assert SignatureVerdict.objects.count() == 3


def test_a_certificate_revoked_in_a_new_crl_means_a_new_verdict(signing_settings, decision, tmp_path):
    from apps.signing.pki import TestPki

    ca = TestPki.make("CA Thu Hồi")
    seal = ca.intermediate.issue("Sở Thử Nghiệm", organization="Sở Thử Nghiệm")
    roots, crls = tmp_path / "own-roots", tmp_path / "own-crls"
    roots.mkdir()
    crls.mkdir()
    (roots / "root.pem").write_bytes(ca.root.issued.pem)
    (crls / "root.crl").write_bytes(ca.root.crl_der())
    (crls / "intermediate.crl").write_bytes(ca.intermediate.crl_der())
    signing_settings.SIGNING_TRUST_ROOTS = [str(roots)]
    signing_settings.SIGNING_CRLS = str(crls)
    (tmp_path / "own.p12").write_bytes(seal.pkcs12(P12_PASSWORD.encode()))
    signer = keys.P12SealSigner(tmp_path / "own.p12", P12_PASSWORD)
    signed = signed_file_read(
        actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="2/TB", seal=signer, level="B-B")
    )
    assert next(iter(verdicts_for_contents(_contents(signed)).values())).overall == "valid"

    (crls / "intermediate.crl").write_bytes(ca.intermediate.crl_der())  # reissued, nothing new revoked
    assert next(iter(verdicts_for_contents(_contents(signed)).values())).overall == "valid"
    assert SignatureVerdict.objects.count() == 1

    ca.intermediate.revoke(seal)
    (crls / "intermediate.crl").write_bytes(ca.intermediate.crl_der())
    (verdict,) = verdicts_for_contents(_contents(signed)).values()

    assert verdict.overall == "invalid" and "thu hồi" in verdict.signatures[0].verdict_text
    assert SignatureVerdict.objects.count() == 2
