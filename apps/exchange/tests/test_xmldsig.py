"""The XMLDSig of an edXML envelope: signed with the seal, checked on receipt; tampering and odd profiles refused."""

import base64
import datetime as dt

import pytest
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from apps.exchange.edxml import package_build, package_parse
from apps.exchange.xmldsig import DS, envelope_sign, envelope_verify
from apps.signing import keys
from apps.signing.tests.conftest import P12_PASSWORD

from .conftest import make_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(signing_settings):
    return keys.seal_signer().signer


@pytest.fixture
def signed(seal) -> bytes:
    return envelope_sign(package_build(make_package()), seal)


def test_a_signed_envelope_verifies_and_still_parses_against_the_schema(signed):
    check = envelope_verify(signed)

    assert check.ok and check.present and check.intact and check.trusted
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" in check.signer
    assert package_parse(signed).document_id == "H27.31-2026-0001"
    header = etree.fromstring(signed).find("{http://www.mic.gov.vn/TBT/QCVN_102_2016}edXMLHeader")
    assert etree.QName(header[-1]).localname == "Signature"


def test_an_unsigned_envelope_says_so():
    check = envelope_verify(package_build(make_package()))

    assert not check.present and not check.ok and "không có chữ ký" in check.message


def _swap(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("tamper", "fragment"),
    [
        pytest.param(
            lambda d: _swap(d, "Báo cáo kết quả".encode(), "Báo cáo giả mạo".encode()), "đã bị thay đổi", id="subject"
        ),
        pytest.param(lambda d: _swap(d, b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA"), "Giá trị", id="value"),
        pytest.param(
            lambda d: _swap(d, b"xmldsig-more#rsa-sha256", b"xmldsig-more#rsa-sha512"), "thuật toán", id="algorithm"
        ),
        pytest.param(lambda d: _swap(d, b'URI=""', b'URI="#khac"'), "toàn bộ gói tin", id="reference"),
    ],
)
def test_tampering_is_found(signed, tamper, fragment):
    check = envelope_verify(tamper(signed))

    assert check.present and not check.intact and not check.ok
    assert fragment in check.message


def test_a_second_signature_or_a_moved_one_is_refused(signed):
    root = etree.fromstring(signed)
    signature = next(root.iter(f"{{{DS}}}Signature"))
    root.append(etree.fromstring(etree.tostring(signature)))

    check = envelope_verify(etree.tostring(root))

    assert not check.ok and "vị trí" in check.message


def test_a_seal_from_an_unknown_ca_is_intact_but_not_trusted(signing_settings, pki, tmp_path):
    (tmp_path / "la.p12").write_bytes(pki.stranger.pkcs12(P12_PASSWORD.encode()))
    stranger = keys.P12SealSigner(tmp_path / "la.p12", P12_PASSWORD).signer

    check = envelope_verify(envelope_sign(package_build(make_package()), stranger))

    assert check.intact and not check.trusted and not check.ok
    assert "không dẫn tới chứng thư gốc tin cậy" in check.message


def test_an_ecdsa_seal_signs_and_verifies(signing_settings, pki):
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = pki.ca.intermediate.issued
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "UBND xã Thạch Hà")]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    leaf = a_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    signer = SimpleSigner(
        signing_cert=leaf,
        signing_key=a_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([leaf, issuer.a_cert]),
    )

    signed = envelope_sign(package_build(make_package()), signer)

    assert envelope_verify(signed).ok
    value = etree.fromstring(signed).findtext(f".//{{{DS}}}SignatureValue")
    assert len(base64.b64decode(value)) == 64  # r || s, as XMLDSig wants


def test_signing_an_already_signed_envelope_is_refused(signed, seal):
    with pytest.raises(ValueError):
        envelope_sign(signed, seal)


# --- on the way: package_send seals the envelope, package_receive checks it ---------------------------
def test_a_package_sent_with_signing_on_arrives_with_a_valid_envelope_signature(
    signing_settings, commune, province, commune_clerk
):
    from apps.exchange.actions import outbox_run, package_send
    from apps.exchange.models import IncomingPackage, OutgoingPackage

    (outgoing,) = package_send(actor=commune_clerk, agency=commune, package=make_package())
    outbox_run()

    assert envelope_verify(bytes(OutgoingPackage.objects.get(pk=outgoing.pk).content)).ok
    incoming = IncomingPackage.objects.get()
    assert incoming.envelope_signature == "valid" and "Ủy ban nhân dân tỉnh Hà Tĩnh" in incoming.envelope_signer


def test_a_tampered_signed_package_goes_to_quarantine(signed, province):
    from apps.exchange.actions import package_receive
    from apps.exchange.errors import ExchangeErrorCode
    from apps.exchange.models import IncomingPackage

    tampered = _swap(signed, "Báo cáo kết quả".encode(), "Báo cáo giả mạo".encode())

    result = package_receive(content=tampered, transport="http", recipient=province.identifier)

    assert result.refused and result.quarantined.error_code == ExchangeErrorCode.SIGNATURE_INVALID
    assert "đã bị thay đổi" in result.reason
    assert not IncomingPackage.objects.exists()


def test_an_unsigned_package_is_received_and_marked_unsigned(province):
    from apps.exchange.actions import package_receive

    result = package_receive(content=package_build(make_package()), transport="http", recipient=province.identifier)

    assert result.incoming[0].envelope_signature == "none"


def test_the_received_page_shows_the_envelope_signature(client, signing_settings, commune, province, commune_clerk,
                                                         province_clerk):  # fmt: skip
    from django.urls import reverse

    from apps.exchange.actions import outbox_run, package_send
    from apps.exchange.models import IncomingPackage

    package_send(actor=commune_clerk, agency=commune, package=make_package())
    outbox_run()
    client.force_login(province_clerk)

    page = client.get(reverse("exchange:detail", args=["den", IncomingPackage.objects.get().uuid])).content.decode()

    assert "Hợp lệ, tin cậy" in page


def test_whitespace_around_the_signature_is_part_of_what_was_signed(seal):
    """A sender that pretty-prints: the text after the Signature element stays in the signed content."""
    pretty = etree.tostring(etree.fromstring(package_build(make_package())), pretty_print=True)

    signed = envelope_sign(pretty, seal)
    spaced = signed.replace(b"</ds:Signature>", b"</ds:Signature>\n  ", 1)

    assert envelope_verify(signed).ok
    assert not envelope_verify(spaced).intact  # text added after signing changes the content
