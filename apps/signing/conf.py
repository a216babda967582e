"""Signing configuration, read from Django settings first and ``EGOV_*`` variables second.

The project's settings package does not know this app; it reads its own variables here with the
same typed reader, so a wrong deployment names the variable in its error:

- ``EGOV_SIGNING_ENABLED`` (default: on in the embedded default, off in production);
- ``EGOV_SIGNING_P12`` and ``EGOV_SIGNING_P12_PASSWORD``: the organisation's seal as a PKCS#12 file;
- ``EGOV_SIGNING_PKCS11_MODULE``, ``EGOV_SIGNING_PKCS11_TOKEN``, ``EGOV_SIGNING_PKCS11_PIN``,
  ``EGOV_SIGNING_PKCS11_KEY_LABEL``: the seal on an HSM token instead (wins over the PKCS#12 file);
- ``EGOV_TSA_URL``: the RFC 3161 timestamp authority (production must set it);
- ``EGOV_TRUST_ROOTS``: PEM/DER files or folders of trusted root certificates, comma separated;
- ``EGOV_SIGNING_CRLS``: a folder of CRLs at hand (DER or PEM) for B-LT and validation;
- ``EGOV_SIGNING_FETCH_REVOCATION``: let the validator fetch CRLs/OCSP over the network.

The embedded default needs none of them: a demo CA, a demo seal and a demo timestamp authority
are made under ``var/signing/`` at first use (see ``embedded.py``). They are for trying the
platform only; the documentation says production must configure real ones.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from egov.settings.env import ConfigError, Env


@dataclass(frozen=True)
class SigningSettings:
    enabled: bool
    production: bool
    data_dir: Path
    p12_path: Path | None
    p12_password: str
    pkcs11_module: str
    pkcs11_token: str
    pkcs11_pin: str
    pkcs11_key_label: str
    tsa_url: str
    trust_roots: tuple[Path, ...]
    crl_dir: Path | None
    fetch_revocation: bool

    @property
    def uses_pkcs11(self) -> bool:
        return bool(self.pkcs11_module)

    @property
    def embedded_demo(self) -> bool:
        """No seal key configured: the demo seal under var/signing/ is used (never in production)."""
        return not self.production and not self.uses_pkcs11 and self.p12_path is None


def _setting(name: str, default):
    return getattr(settings, "SIGNING_" + name, default)


def signing_settings() -> SigningSettings:
    """The signing configuration in force (Django settings ``SIGNING_*`` override the variables)."""
    env = Env()
    production = getattr(settings, "PRODUCTION", False)
    p12 = _setting("P12", env.str("SIGNING_P12"))
    crl_dir = _setting("CRLS", env.str("SIGNING_CRLS"))
    roots = _setting("TRUST_ROOTS", env.list("TRUST_ROOTS"))
    return SigningSettings(
        enabled=_setting("ENABLED", env.bool("SIGNING_ENABLED", not production)),
        production=production,
        data_dir=Path(_setting("DATA_DIR", Path(settings.DATA_DIR) / "signing")),
        p12_path=Path(p12) if p12 else None,
        p12_password=_setting("P12_PASSWORD", env.str("SIGNING_P12_PASSWORD")),
        pkcs11_module=_setting("PKCS11_MODULE", env.str("SIGNING_PKCS11_MODULE")),
        pkcs11_token=_setting("PKCS11_TOKEN", env.str("SIGNING_PKCS11_TOKEN")),
        pkcs11_pin=_setting("PKCS11_PIN", env.str("SIGNING_PKCS11_PIN")),
        pkcs11_key_label=_setting("PKCS11_KEY_LABEL", env.str("SIGNING_PKCS11_KEY_LABEL", "con-dau")),
        tsa_url=_setting("TSA_URL", env.str("TSA_URL")),
        trust_roots=tuple(Path(p) for p in roots),
        crl_dir=Path(crl_dir) if crl_dir else None,
        fetch_revocation=_setting("FETCH_REVOCATION", env.bool("SIGNING_FETCH_REVOCATION", production)),
    )


def check_startup(config: SigningSettings | None = None) -> None:
    """Stop start-up with a clear message when production signing is on but not configured."""
    try:
        config = config or signing_settings()
    except ConfigError as error:
        raise ImproperlyConfigured(str(error)) from None
    if not (config.enabled and config.production):
        return
    problems = []
    if config.uses_pkcs11:
        if not Path(config.pkcs11_module).is_file():
            problems.append(f"không thấy thư viện PKCS#11 EGOV_SIGNING_PKCS11_MODULE={config.pkcs11_module}")
        if not config.pkcs11_token or not config.pkcs11_pin:
            problems.append("thiếu EGOV_SIGNING_PKCS11_TOKEN hoặc EGOV_SIGNING_PKCS11_PIN")
    elif config.p12_path is None:
        problems.append("thiếu EGOV_SIGNING_P12 (tệp PKCS#12 của con dấu cơ quan)")
    elif not config.p12_path.is_file():
        problems.append(f"không thấy tệp PKCS#12 EGOV_SIGNING_P12={config.p12_path}")
    elif not config.p12_password:
        problems.append("thiếu EGOV_SIGNING_P12_PASSWORD")
    if not config.tsa_url:
        problems.append("thiếu EGOV_TSA_URL (máy chủ dấu thời gian RFC 3161)")
    if not config.trust_roots:
        problems.append("thiếu EGOV_TRUST_ROOTS (chứng thư gốc tin cậy)")
    for path in config.trust_roots:
        if not path.exists():
            problems.append(f"không thấy chứng thư gốc {path}")
    if problems:
        raise ImproperlyConfigured(
            "Ký số đang bật (EGOV_SIGNING_ENABLED) nhưng cấu hình chưa đủ: "
            + "; ".join(problems)
            + ". Đặt EGOV_SIGNING_ENABLED=false nếu chưa dùng ký số."
        )
