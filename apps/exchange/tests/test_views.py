"""The exchange log page: scoped to the official's agency, filters, downloads, a receipt that verifies."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UserFactory
from apps.exchange.actions import outbox_run, package_receive, package_send
from apps.exchange.edxml import package_build
from apps.exchange.models import IncomingPackage, Kind, OutgoingPackage
from apps.exchange.receipts import package_verify, receipt_seal

from .conftest import PROVINCE_ID, make_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchanged(commune, province, commune_clerk):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    package_send(
        actor=commune_clerk,
        agency=commune,
        package=make_package(document_id="H27.31-2026-0002", number="16", subject="Kế hoạch phòng chống bão lũ"),
    )
    outbox_run()
    outbox_run()
    return OutgoingPackage.objects.get(kind=Kind.DOCUMENT, document_id="H27.31-2026-0001")


def test_the_log_lists_what_the_agency_sent_with_the_recipients_status(client, commune_clerk, exchanged):
    client.force_login(commune_clerk)

    response = client.get(reverse("exchange:log"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "15/BC-UBND" in page and "16/BC-UBND" in page and "Đã đến" in page
    assert "<script>" not in page and " style=" not in page


def test_the_log_filters_by_direction_and_searches_by_subject(client, province_clerk, exchanged):
    client.force_login(province_clerk)

    response = client.get(reverse("exchange:log"), {"huong": "den", "q": "bão lũ"})

    page = response.content.decode()
    assert "16/BC-UBND" in page and "15/BC-UBND" not in page


def test_the_log_filters_by_status(client, commune_clerk, exchanged):
    client.force_login(commune_clerk)

    page = client.get(reverse("exchange:log"), {"huong": "di", "trang_thai": "3"}).content.decode()

    assert "15/BC-UBND" not in page and "16/BC-UBND" not in page


def test_the_receiver_answers_accepted_from_the_page_and_the_sender_sees_it(
    client, province_clerk, commune_clerk, exchanged
):
    incoming = IncomingPackage.objects.get(document_id="H27.31-2026-0001")
    client.force_login(province_clerk)

    response = client.post(reverse("exchange:answer", args=["den", incoming.uuid]), {"trang_thai": "3"})

    assert response.status_code == 302
    outbox_run()
    client.force_login(commune_clerk)
    page = client.get(reverse("exchange:detail", args=["di", exchanged.uuid])).content.decode()
    assert "Đã đến" in page and "Đã tiếp nhận" in page


def test_the_package_downloads_as_it_was_sent(client, commune_clerk, exchanged):
    client.force_login(commune_clerk)

    response = client.get(reverse("exchange:package-download", args=["di", exchanged.uuid]))

    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == exchanged.sha256


def test_a_package_of_another_agency_is_not_found(client, exchanged):
    stranger = UserFactory(roles=[Role.CLERK], agency=AgencyFactory("Sở Khác"))
    client.force_login(stranger)
    incoming = IncomingPackage.objects.get(document_id="H27.31-2026-0001")

    for name, direction, uuid in (
        ("exchange:detail", "di", exchanged.uuid),
        ("exchange:package-download", "di", exchanged.uuid),
        ("exchange:receipt-download", "di", exchanged.uuid),
        ("exchange:detail", "den", incoming.uuid),
    ):
        assert client.get(reverse(name, args=[direction, uuid])).status_code == 404
    assert client.post(reverse("exchange:answer", args=["den", incoming.uuid]), {"trang_thai": "3"}).status_code == 404
    assert "15/BC-UBND" not in client.get(reverse("exchange:log")).content.decode()


def test_an_official_without_the_permission_is_refused(client, commune):
    desk = UserFactory(roles=[Role.DESK_OFFICER], agency=commune)
    client.force_login(desk)

    assert client.get(reverse("exchange:log")).status_code == 403


def test_a_sealed_receipt_verifies_and_a_changed_package_does_not(client, commune_clerk, exchanged, signing_settings):
    receipt_seal(direction="out", package_uuid=exchanged.uuid)
    exchanged.refresh_from_db()
    assert exchanged.receipt is not None and exchanged.receipt.original_sha256

    client.force_login(commune_clerk)
    page = client.post(reverse("exchange:detail", args=["di", exchanged.uuid])).content.decode()
    assert "Dấu băm SHA-256 của gói tin khớp với bản lưu" in page and "Chữ ký hợp lệ" in page
    receipt = client.get(reverse("exchange:receipt-download", args=["di", exchanged.uuid]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    exchanged.content = bytes(exchanged.content).replace(b"BC-UBND", b"BC-UBNX", 1)
    verification = package_verify(exchanged)
    assert not verification.ok and not verification.hash_ok and verification.receipt_ok


def test_receipt_is_sealed_once_for_a_received_package(exchanged, signing_settings):
    incoming = IncomingPackage.objects.get(document_id="H27.31-2026-0001")

    first = receipt_seal(direction="in", package_uuid=incoming.uuid)
    again = receipt_seal(direction="in", package_uuid=incoming.uuid)

    incoming.refresh_from_db()
    assert first == again == incoming.receipt.sha256
    assert package_verify(incoming).ok


def test_the_log_query_count_does_not_grow_with_the_rows(client, commune_clerk, exchanged, commune):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(commune_clerk)
    client.get(reverse("exchange:log"))  # the first request of a session loads it and its device
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("exchange:log"))
    for n in range(3, 8):
        package_send(
            actor=commune_clerk, agency=commune, package=make_package(document_id=f"H27.31-2026-{n:04d}", number=str(n))
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("exchange:log")).content.decode()

    assert "07/BC-UBND" in page or "7/BC-UBND" in page
    assert len(many) == len(few)


def test_the_log_shows_quarantined_packages_with_their_reason(client, province_clerk, province):
    client.force_login(province_clerk)
    assert "Gói tin bị từ chối" not in client.get(reverse("exchange:log")).content.decode()

    content = package_build(make_package())
    package_receive(content=content, transport="direct", recipient=PROVINCE_ID)
    package_receive(content=content, transport="direct", recipient=PROVINCE_ID)

    page = client.get(reverse("exchange:log")).content.decode()
    assert "Gói tin bị từ chối" in page and "Gói tin trùng" in page


def test_the_axis_pushes_a_package_with_its_token(client, settings, commune, province):
    settings.EXCHANGE_INBOUND_TOKEN = "ma-bi-mat-truc"
    content = package_build(make_package())
    url = reverse("exchange:inbound")

    assert client.post(url, content, content_type="application/xml").status_code == 404
    assert (
        client.post(url, content, content_type="application/xml", headers={"Authorization": "Bearer sai"}).status_code
        == 404
    )
    ok = client.post(url, content, content_type="application/xml", headers={"Authorization": "Bearer ma-bi-mat-truc"})
    again = client.post(
        url, content, content_type="application/xml", headers={"Authorization": "Bearer ma-bi-mat-truc"}
    )
    bad = client.post(url, b"<x/>", content_type="application/xml", headers={"Authorization": "Bearer ma-bi-mat-truc"})

    assert (ok.status_code, again.status_code, bad.status_code) == (200, 200, 422)
    assert "không gian tên" in bad.content.decode()
    assert IncomingPackage.objects.get().agency == province


def test_the_sender_asks_for_a_document_back_from_the_page(client, commune_clerk, exchanged):
    client.force_login(commune_clerk)
    url = reverse("exchange:recall", args=["di", exchanged.uuid])

    empty = client.post(url, {"ly_do": ""}, follow=True)
    client.post(url, {"ly_do": "Sai số liệu"})
    outbox_run()

    assert "Cần nêu lý do yêu cầu lấy lại văn bản." in empty.content.decode()
    assert IncomingPackage.objects.get(document_id=exchanged.document_id).status_code == 13


def test_the_log_filters_by_date_and_says_when_a_date_is_wrong(client, commune_clerk, exchanged):
    client.force_login(commune_clerk)
    today = timezone.localdate()

    in_range = client.get(reverse("exchange:log"), {"tu_ngay": f"{today:%d/%m/%Y}", "den_ngay": f"{today:%d/%m/%Y}"})
    later = client.get(reverse("exchange:log"), {"tu_ngay": f"{today + timedelta(days=1):%d/%m/%Y}"})
    wrong = client.get(reverse("exchange:log"), {"tu_ngay": "31/02/2026"})

    assert "15/BC-UBND" in in_range.content.decode()
    assert "15/BC-UBND" not in later.content.decode()
    assert wrong.status_code == 200 and "Một số điều kiện lọc không hợp lệ" in wrong.content.decode()


def test_a_receipt_is_not_sealed_while_signing_is_off(settings, exchanged):
    from apps.exchange.tasks import receipt_seal as receipt_task

    settings.SIGNING_ENABLED = False

    assert receipt_task.call("out", str(exchanged.uuid)) == ""
    exchanged.refresh_from_db()
    assert exchanged.receipt is None


def test_a_quarantined_package_downloads_as_it_came_only_in_scope(client, province_clerk, province):
    from apps.exchange.models import QuarantinedPackage

    package_receive(content=b"<khong-hop-le", transport="direct", recipient=PROVINCE_ID)
    kept = QuarantinedPackage.objects.get()
    url = reverse("exchange:quarantined-download", args=[kept.uuid])

    client.force_login(province_clerk)
    assert client.get(url).content == b"<khong-hop-le"
    client.force_login(UserFactory(roles=[Role.CLERK], agency=AgencyFactory("Sở Khác")))
    assert client.get(url).status_code == 404


# --- signature verdicts of the files a package carries -------------------------------------------------
@pytest.fixture
def signed_incoming(signing_settings, commune, province, commune_clerk):
    from apps.exchange.edxml import Attachment
    from apps.signing.actions import document_sign_seal
    from apps.signing.selectors import signed_file_read
    from apps.signing.tests.documents import decision_pdf

    sealed = signed_file_read(
        document_sign_seal(actor=None, pdf=decision_pdf(paragraphs=1), name="qd.pdf", reference="15/BC-UBND")
    )
    files = (
        Attachment(content_id="att-1", name="bao-cao.pdf", content_type="application/pdf", data=sealed),
        Attachment(content_id="att-2", name="phu-luc.pdf", content_type="application/pdf", data=b"%PDF-1.7 hong"),
        Attachment(content_id="att-3", name="bang-so-lieu.xlsx", content_type="application/vnd.ms-excel", data=b"x"),
    )
    package_send(actor=commune_clerk, agency=commune, package=make_package(attachments=files))
    outbox_run()
    return IncomingPackage.objects.get(document_id="H27.31-2026-0001")


def test_the_received_package_shows_the_verdict_of_each_pdf(client, province_clerk, signed_incoming):
    from apps.signing.models import SignatureVerdict

    client.force_login(province_clerk)
    url = reverse("exchange:detail", args=["den", signed_incoming.uuid])

    page = client.get(url).content.decode()

    assert "bao-cao.pdf" in page and "Chữ ký số hợp lệ" in page and "Ủy ban nhân dân tỉnh Hà Tĩnh" in page
    assert "phu-luc.pdf" in page and "Không đọc được tệp PDF" in page
    assert "bang-so-lieu.xlsx" in page and "Không phải tệp PDF" in page
    assert SignatureVerdict.objects.count() == 2


def test_the_verdicts_are_stored_and_not_computed_again(client, province_clerk, signed_incoming, monkeypatch):
    client.force_login(province_clerk)
    url = reverse("exchange:detail", args=["den", signed_incoming.uuid])
    client.get(url)

    def fail(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr("apps.signing.verdicts.signature_validate", fail)
    page = client.get(url).content.decode()

    assert "Chữ ký số hợp lệ" in page
