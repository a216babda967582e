"""The organisation's seal on a PKCS#11 token: SoftHSM2 stands in for the HSM.

Skipped only when SoftHSM2 (Debian ``softhsm2``) or pkcs11-tool (``opensc``) is not installed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from apps.signing import actions, keys
from apps.signing.models import SignedFile
from apps.signing.selectors import signed_file_read
from apps.signing.validation import Verdict, signature_validate

MODULE = next(
    (
        p
        for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
        if Path(p).exists()
    ),
    None,
)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"),
        reason="SoftHSM2 and opensc are not installed (apt-get install softhsm2 opensc)",
    ),
]
TOKEN, PIN, LABEL = "egov-con-dau", "123456", "con-dau"


@pytest.fixture
def token(tmp_path, monkeypatch, pki):
    """A SoftHSM2 token holding the seal's key and certificate (and the intermediate)."""
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    (tmp_path / "key.pem").write_bytes(pki.seal.key_pem())
    (tmp_path / "cert.der").write_bytes(pki.seal.der)
    (tmp_path / "ca.der").write_bytes(pki.ca.intermediate.issued.der)

    def run(*args):
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321")
    run(
        "softhsm2-util",
        "--import",
        str(tmp_path / "key.pem"),
        "--token",
        TOKEN,
        "--label",
        LABEL,
        "--id",
        "01",
        "--pin",
        PIN,
    )
    for path, label, object_id in ((tmp_path / "cert.der", LABEL, "01"), (tmp_path / "ca.der", "trung-gian", "02")):
        run(
            "pkcs11-tool", "--module", MODULE, "--token-label", TOKEN, "--login", "--pin", PIN,
            "--write-object", str(path), "--type", "cert", "--label", label, "--id", object_id,
        )  # fmt: skip
    return keys.Pkcs11SealSigner(MODULE, TOKEN, PIN, LABEL)


def test_the_token_seal_signs_and_the_signature_validates(signing_settings, token, decision):
    assert token.certificate.subject.native["common_name"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"

    signed_file = actions.document_sign_seal(
        actor=None, pdf=decision, name="phu-luc.pdf", reference="15/QĐ-UBND", seal=token, level="B-LT"
    )

    (report,) = signature_validate(signed_file_read(signed_file))
    assert report.verdict == Verdict.VALID and report.level == "B-LT"
    assert signed_file.kind == SignedFile.Kind.ATTACHMENT


def test_the_configured_token_is_chosen_over_the_pkcs12_file(signing_settings, token):
    signing_settings.SIGNING_PKCS11_MODULE = MODULE
    signing_settings.SIGNING_PKCS11_TOKEN = TOKEN
    signing_settings.SIGNING_PKCS11_PIN = PIN
    signing_settings.SIGNING_PKCS11_KEY_LABEL = LABEL

    assert isinstance(keys.seal_signer(), keys.Pkcs11SealSigner)


def test_a_wrong_pin_fails_without_storing_anything(signing_settings, token, decision):
    wrong = keys.Pkcs11SealSigner(MODULE, TOKEN, "000000", LABEL)

    with pytest.raises(Exception):  # noqa: B017 - python-pkcs11's PinIncorrect
        actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="1/TB", seal=wrong)

    assert not SignedFile.objects.exists()
