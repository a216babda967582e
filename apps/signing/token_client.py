"""Reference client of the hash-then-sign API: what the token software on an official's machine does.

It talks HTTP to ``/api/v1/signing/`` with the official's API token and signs the digest the
server prepared with a key it holds: a PKCS#12 file (``Pkcs12Token``) or a PKCS#11 token
(``Pkcs11Token``: a USB token's driver, or SoftHSM2 standing in for one). The private key never
leaves the machine; only the signature over the digest is sent back.

Before signing, the client checks that the digest is the SHA-256 of the signed attributes the
server sent and that the server asks for this token's certificate, so a server cannot make the
token sign something else. This module imports nothing from Django: it runs wherever Python,
``cryptography`` (and for PKCS#11 ``python-pkcs11``) are installed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64decode, b64encode
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from cryptography.hazmat.primitives.serialization import pkcs12

# DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2): a token doing raw RSA PKCS#1 v1.5 signs it + digest.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class ClientError(Exception):
    """The server refused (``status``, ``code``, Vietnamese ``message``) or the token could not sign."""

    def __init__(self, message: str, *, status: int = 0, code: str = ""):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def _fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


class Pkcs12Token:
    """A software token: key and certificate in a PKCS#12 file."""

    def __init__(self, path: str | Path, password: str | None):
        key, certificate, _ = pkcs12.load_key_and_certificates(
            Path(path).read_bytes(), password.encode() if password else None
        )
        if key is None or certificate is None:
            raise ClientError("Tệp PKCS#12 không có khoá bí mật và chứng thư số.")
        self._key, self.certificate = key, certificate

    @property
    def fingerprint(self) -> str:
        return _fingerprint(self.certificate)

    def sign_digest(self, digest: bytes) -> bytes:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))
        raise ClientError("Loại khoá không được hỗ trợ (cần RSA hoặc ECDSA).")


class Pkcs11Token:
    """A PKCS#11 token (a USB token's driver, an HSM, SoftHSM2): the key signs inside the token."""

    def __init__(self, module: str, *, token_label: str, pin: str, key_label: str):
        import pkcs11

        self._pkcs11 = pkcs11
        self._token = pkcs11.lib(module).get_token(token_label=token_label)
        self._pin, self._key_label = pin, key_label
        with self._token.open(user_pin=pin) as session:
            found = list(
                session.get_objects(
                    {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE, pkcs11.Attribute.LABEL: key_label}
                )
            )
            if not found:
                found = list(session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE}))
            if not found:
                raise ClientError("Thiết bị ký số không có chứng thư số.")
            self.certificate = x509.load_der_x509_certificate(found[0][pkcs11.Attribute.VALUE])

    @property
    def fingerprint(self) -> str:
        return _fingerprint(self.certificate)

    def sign_digest(self, digest: bytes) -> bytes:
        pkcs11 = self._pkcs11
        with self._token.open(user_pin=self._pin) as session:
            key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=self._key_label)
            if key.key_type == pkcs11.KeyType.RSA:
                return key.sign(SHA256_DIGEST_INFO + digest, mechanism=pkcs11.Mechanism.RSA_PKCS)
            if key.key_type == pkcs11.KeyType.EC:
                raw = key.sign(digest, mechanism=pkcs11.Mechanism.ECDSA)
                half = len(raw) // 2
                return encode_dss_signature(int.from_bytes(raw[:half]), int.from_bytes(raw[half:]))
        raise ClientError("Loại khoá trên thiết bị không được hỗ trợ (cần RSA hoặc ECDSA).")


@dataclass
class SigningClient:
    """The signing API of one egov server, as one official (their API token)."""

    base_url: str  # e.g. https://egov.hatinh.gov.vn/api/v1
    api_token: str
    timeout: float = 120

    def __post_init__(self):
        if urllib.parse.urlsplit(self.base_url).scheme not in {"http", "https"}:
            raise ClientError("Địa chỉ máy chủ phải bắt đầu bằng http:// hoặc https://.")
        self.base_url = self.base_url.rstrip("/")

    def _call(self, method: str, path: str, *, body: bytes | None = None, content_type: str = "") -> bytes:
        request = urllib.request.Request(self.base_url + path, data=body, method=method)  # noqa: S310 - scheme checked
        request.add_header("Authorization", f"Bearer {self.api_token}")
        request.add_header("Accept", "application/json")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = {}
            raise ClientError(
                answer.get("message") or f"Máy chủ trả lỗi HTTP {error.code}.",
                status=error.code,
                code=answer.get("code", ""),
            ) from None

    def certificates(self) -> list[dict]:
        return json.loads(self._call("GET", "/signing/certificates"))

    def prepare(self, pdf: bytes, *, name: str, certificate_id: str, fields: dict[str, str]) -> dict:
        boundary = "egov-" + secrets.token_hex(16)
        parts = []
        for key, value in {"certificate": certificate_id, **fields}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        safe_name = name.replace('"', "").replace("\r", "").replace("\n", "") or "tai-lieu.pdf"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="{safe_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + pdf
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return json.loads(
            self._call(
                "POST",
                "/signing/sessions",
                body=b"".join(parts),
                content_type=f"multipart/form-data; boundary={boundary}",
            )
        )

    def complete(self, session_id: str, signature: bytes) -> dict:
        body = json.dumps({"signature": b64encode(signature).decode("ascii")}).encode()
        return json.loads(
            self._call("POST", f"/signing/sessions/{session_id}/complete", body=body, content_type="application/json")
        )

    def download(self, file_id: str) -> bytes:
        return self._call("GET", f"/signing/signed-files/{file_id}/pdf")


def digest_to_sign(session: dict, token) -> bytes:
    """The digest from a prepared session, after checking it is what the token should sign."""
    digest = b64decode(session["to_sign_digest"])
    attributes = b64decode(session["signed_attributes"])
    if session.get("digest_algorithm") != "sha256" or hashlib.sha256(attributes).digest() != digest:
        raise ClientError("Dấu băm máy chủ gửi không khớp với thuộc tính cần ký: thiết bị không ký.")
    if session.get("certificate_fingerprint") != token.fingerprint:
        raise ClientError("Máy chủ yêu cầu ký bằng một chứng thư số khác với chứng thư trên thiết bị: không ký.")
    return digest


def sign_pdf(client: SigningClient, token, pdf: bytes, *, name: str, fields: dict[str, str]) -> tuple[dict, bytes]:
    """The whole flow: pick the token's registered certificate, prepare, sign, complete, download."""
    mine = [c for c in client.certificates() if c["fingerprint"] == token.fingerprint]
    if not mine:
        raise ClientError("Chứng thư số trên thiết bị chưa được đăng ký cho tài khoản này, hoặc đã hết hiệu lực.")
    session = client.prepare(pdf, name=name, certificate_id=mine[0]["id"], fields=fields)
    signature = token.sign_digest(digest_to_sign(session, token))
    result = client.complete(session["id"], signature)
    return result, client.download(result["id"])
