"""Start-up checks: production signing must be configured, or explicitly off."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.signing.conf import check_startup, signing_settings


def test_production_with_signing_on_and_no_seal_file_stops_with_a_clear_message(settings, tmp_path):
    settings.PRODUCTION = True
    settings.SIGNING_ENABLED = True
    settings.SIGNING_P12 = str(tmp_path / "khong-co.p12")
    settings.SIGNING_PKCS11_MODULE = ""

    with pytest.raises(ImproperlyConfigured, match="EGOV_SIGNING_P12") as error:
        check_startup()

    assert "EGOV_TSA_URL" in str(error.value) and "EGOV_SIGNING_ENABLED=false" in str(error.value)


def test_production_with_signing_off_starts(settings):
    settings.PRODUCTION = True
    settings.SIGNING_ENABLED = False

    check_startup()


def test_production_fully_configured_starts(settings, tmp_path):
    (tmp_path / "seal.p12").write_bytes(b"p12")
    (tmp_path / "root.pem").write_bytes(b"pem")
    settings.PRODUCTION = True
    settings.SIGNING_ENABLED = True
    settings.SIGNING_P12 = str(tmp_path / "seal.p12")
    settings.SIGNING_P12_PASSWORD = "x"
    settings.SIGNING_PKCS11_MODULE = ""
    settings.SIGNING_TSA_URL = "https://tsa.example.invalid"
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "root.pem")]

    check_startup()


def test_the_embedded_default_needs_no_variable(settings):
    settings.PRODUCTION = False
    for name in ("ENABLED", "P12", "TSA_URL", "TRUST_ROOTS", "PKCS11_MODULE"):
        if hasattr(settings, "SIGNING_" + name):
            delattr(settings, "SIGNING_" + name)

    config = signing_settings()

    assert config.enabled and config.embedded_demo
    check_startup(config)
