"""The signature check page: an official uploads a PDF and reads the verdict; nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.signing import actions
from apps.signing.models import SignedFile
from apps.signing.selectors import signed_file_read

pytestmark = pytest.mark.django_db
URL = "/lam-viec/ky-so/kiem-tra/"


@pytest.fixture
def handler(db):
    return UserFactory(roles=[Role.HANDLER])


def test_the_url_is_the_one_in_the_brief():
    assert reverse("signing:verify") == URL


def test_page_shows_the_upload_form(client, handler):
    client.force_login(handler)

    response = client.get(URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_a_signed_pdf_gets_its_verdict_and_nothing_is_stored(client, handler, signing_settings, decision):
    signed = signed_file_read(
        actions.document_sign_seal(actor=None, pdf=decision, name="phu-luc.pdf", reference="12/QĐ-UBND")
    )
    stored = SignedFile.objects.count()
    client.force_login(handler)

    response = client.post(URL, {"tep": SimpleUploadedFile("ban-ky.pdf", signed, "application/pdf")})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Chữ ký hợp lệ" in text and "Ủy ban nhân dân tỉnh Hà Tĩnh" in text and "ban-ky.pdf" in text
    assert SignedFile.objects.count() == stored


def test_a_tampered_pdf_says_modified(client, handler, signing_settings, decision):
    signed = signed_file_read(actions.document_sign_seal(actor=None, pdf=decision, name="x.pdf", reference="1/TB"))
    index = signed.index(b"Pages")
    tampered = signed[:index] + b"Pagez" + signed[index + 5 :]
    client.force_login(handler)

    response = client.post(URL, {"tep": SimpleUploadedFile("x.pdf", tampered, "application/pdf")})

    assert "Tài liệu đã bị sửa sau khi ký" in response.content.decode()


def test_an_unsigned_pdf_says_so(client, handler, signing_settings, decision):
    client.force_login(handler)

    response = client.post(URL, {"tep": SimpleUploadedFile("x.pdf", decision, "application/pdf")})

    assert "Tệp không có chữ ký số." in response.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused_by_content(client, handler, signing_settings):
    client.force_login(handler)

    response = client.post(URL, {"tep": SimpleUploadedFile("gia.pdf", b"\x89PNG\r\n\x1a\n....", "application/pdf")})

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_the_htmx_request_gets_only_the_verdict_partial(client, handler, signing_settings, decision):
    client.force_login(handler)

    response = client.post(
        URL, {"tep": SimpleUploadedFile("x.pdf", decision, "application/pdf")}, headers={"HX-Request": "true"}
    )

    assert b"<html" not in response.content and "Tệp không có chữ ký số." in response.content.decode()


def test_anonymous_and_applicants_cannot_use_the_page(client, db):
    assert client.get(URL).status_code == 302
    applicant = UserFactory(kind="applicant")
    client.force_login(applicant)
    assert client.get(URL).status_code == 403
