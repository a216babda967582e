"""After the submit: "my dossiers" (scoped, constant queries), Form 01 once the desk accepts, the
Form 02 supplement sent online (before receipt; during processing with the clock restarted as the
law says), the electronic result with its signature status, and the link to the payment step."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from freezegun import freeze_time

from apps.core.working_days import VN_TZ, get_calendar
from apps.dossiers import actions, clock
from apps.dossiers.actions import ApplicantInput, DocumentInput
from apps.dossiers.models import Dossier, DossierDocument, DossierWait
from apps.dossiers.statuses import Channel, Status
from apps.portal.submission import selectors

from .conftest import committed, pdf_bytes, pdf_upload


def lodge(portal, applicant, *, mandatory_only=True, leave_out=()) -> Dossier:
    """What the portal's submit does, straight through the dossier action (the path is tested apart)."""
    documents = [
        DocumentInput(name=r.name, requirement_id=r.pk, file=pdf_upload(f"tep-{r.order}.pdf"))
        for r in portal.requirements
        if (r.mandatory or not mandatory_only) and r.pk not in leave_out
    ]
    return actions.dossier_register(
        actor=applicant,
        procedure=portal.procedure,
        receiving_agency=portal.department,
        applicant=ApplicantInput(
            name=applicant.full_name, id_number="042090001234", phone="0912345678", email=applicant.email
        ),
        channel=Channel.ONLINE,
        documents=documents,
    )


def page_of(client, dossier):
    return client.get(reverse("portal:my-dossier", args=[dossier.uuid]))


@pytest.fixture(autouse=True)
def urls_loaded(client):
    """Resolve a URL before any frozen clock: loading the API schema under freezegun fails."""
    client.get(reverse("portal:my-dossiers"))


# --- my dossiers ------------------------------------------------------------------------------------
def test_my_dossiers_shows_code_appointment_and_countdown_once_accepted(signed_in, portal, citizen, media):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = lodge(portal, citizen)
        listing = signed_in.get(reverse("portal:my-dossiers")).content.decode()
        assert "Cấp giấy phép xây dựng" in listing
        assert reverse("portal:my-dossier", args=[dossier.uuid]) in listing
        assert signed_in.get(reverse("portal:my-dossier-form", args=[dossier.uuid, 1])).status_code == 404
        actions.dossier_receive(actor=portal.desk, dossier=dossier)
        dossier.refresh_from_db()
    with freeze_time("2026-11-17 09:00:00+07:00"):
        listing = signed_in.get(reverse("portal:my-dossiers")).content.decode()
        detail = page_of(signed_in, dossier).content.decode()
    expected = clock.countdown(get_calendar(), due_at=dossier.due_at, now=datetime(2026, 11, 17, 9, tzinfo=VN_TZ))
    assert expected.startswith("còn ")
    for page in (listing, detail):
        assert dossier.code in page
        assert f"{dossier.due_at.astimezone(VN_TZ):%d/%m/%Y}" in page
        assert expected in page
    assert "Tiếp nhận" in detail or "Received" in detail  # the public trail


def test_form_01_downloads_as_pdf_with_the_dossier_code(signed_in, portal, citizen, media):
    dossier = lodge(portal, citizen)
    actions.dossier_receive(actor=portal.desk, dossier=dossier)
    dossier.refresh_from_db()
    response = signed_in.get(reverse("portal:my-dossier-form", args=[dossier.uuid, 1]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert dossier.code in response["Content-Disposition"]
    assert signed_in.get(reverse("portal:my-dossier-form", args=[dossier.uuid, 3])).status_code == 404


def test_another_applicants_dossier_is_not_found(client, portal, citizen, other_citizen, media):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    document = dossier.documents.first()
    client.force_login(other_citizen)
    urls = [
        reverse("portal:my-dossier", args=[dossier.uuid]),
        reverse("portal:submit-done", args=[dossier.uuid]),
        reverse("portal:my-dossier-form", args=[dossier.uuid, 1]),
        reverse("portal:my-dossier-file", args=[dossier.uuid, document.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("portal:my-dossier-supplement", args=[dossier.uuid]), {"tep-khac-0": pdf_upload()})
    assert response.status_code == 404
    assert dossier.code not in client.get(reverse("portal:my-dossiers")).content.decode()
    assert dossier.documents.count() == 2


def test_my_dossiers_takes_the_same_queries_for_two_or_eight_dossiers(signed_in, portal, citizen, media):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(reverse("portal:my-dossiers")).status_code == 200
        return len(queries)

    for _ in range(2):
        actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    few = count()
    for _ in range(6):
        actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    assert count() == few
    assert len(selectors.my_dossier_rows(citizen)) == 8


def test_my_dossiers_are_paged(signed_in, portal, citizen, media, monkeypatch):
    monkeypatch.setattr(selectors, "MY_DOSSIERS_PER_PAGE", 3)
    newest_first = [lodge(portal, citizen).pk for _ in range(5)][::-1]
    first = signed_in.get(reverse("portal:my-dossiers"))
    second = signed_in.get(reverse("portal:my-dossiers") + "?trang=2")
    shown = [[row.dossier.pk for row in response.context["rows"]] for response in (first, second)]
    assert shown == [newest_first[:3], newest_first[3:]]
    assert "trang=2" in first.content.decode()


# --- Form 02: supplement online ---------------------------------------------------------------------
def test_asked_to_complete_before_receipt_the_citizen_adds_the_missing_document(signed_in, portal, citizen, media):
    drawing = portal.requirements[1]
    dossier = lodge(portal, citizen, leave_out={drawing.pk})
    actions.dossier_ask_to_complete(actor=portal.desk, dossier=dossier, items=["Bản vẽ thiết kế (2 bản)"])

    detail = page_of(signed_in, dossier).content.decode()
    assert "Bản vẽ thiết kế (2 bản)" in detail
    assert f'name="tep-{drawing.pk}"' in detail
    form_02 = signed_in.get(reverse("portal:my-dossier-form", args=[dossier.uuid, 2]))
    assert form_02.status_code == 200 and form_02.content.startswith(b"%PDF-")

    with committed():
        response = signed_in.post(
            reverse("portal:my-dossier-supplement", args=[dossier.uuid]), {f"tep-{drawing.pk}": pdf_upload("bv.pdf")}
        )
    assert response.status_code == 302
    added = dossier.documents.get(requirement=drawing)
    assert added.kind == DossierDocument.Kind.SUBMITTED and added.uploaded_by == citizen and added.file
    received = actions.dossier_receive(actor=portal.desk, dossier=dossier)  # complete now: the desk accepts
    assert received.status == Status.RECEIVED and received.code


def test_a_supplement_during_processing_restarts_the_clock(signed_in, portal, citizen, media):
    with freeze_time("2026-11-16 09:00:00+07:00"):  # Monday
        dossier = lodge(portal, citizen)
        dossier = actions.dossier_receive(actor=portal.desk, dossier=dossier)
    first_due = dossier.due_at
    with freeze_time("2026-11-17 10:00:00+07:00"):  # within 3 working days: the deadline restarts
        wait = actions.dossier_request_supplement(
            actor=portal.handler, dossier=dossier, items=["Bản vẽ mặt cắt có chữ ký của người thiết kế"]
        )
    assert wait.effect == DossierWait.Effect.RESTART
    detail = page_of(signed_in, dossier).content.decode()
    assert "Bản vẽ mặt cắt có chữ ký của người thiết kế" in detail

    moment = datetime(2026, 11, 20, 14, 0, tzinfo=VN_TZ)  # Friday
    with freeze_time(moment), committed():
        response = signed_in.post(
            reverse("portal:my-dossier-supplement", args=[dossier.uuid]), {"tep-khac-0": pdf_upload("mat-cat.pdf")}
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    calendar = get_calendar()
    expected = clock.due_from(calendar, clock.clock_start(calendar, moment), clock.Deadline(dossier.deadline_value))
    assert dossier.status == Status.PROCESSING and not dossier.is_paused
    assert dossier.due_at == expected and dossier.due_at > first_due
    supplement = dossier.documents.get(kind=DossierDocument.Kind.SUPPLEMENT)
    assert supplement.name == "mat-cat.pdf" and supplement.uploaded_by == citizen
    assert dossier.events.filter(transition="supplement_received").exists()


def test_a_refused_supplement_file_changes_nothing(signed_in, portal, citizen, media):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    actions.dossier_request_supplement(actor=portal.handler, dossier=dossier, items=["Bản vẽ bổ sung"])
    dossier.refresh_from_db()
    before = (dossier.status, dossier.paused_at, dossier.due_at, dossier.documents.count())
    files_before = sorted(p for p in media.rglob("*") if p.is_file())
    response = signed_in.post(
        reverse("portal:my-dossier-supplement", args=[dossier.uuid]),
        {
            "tep-khac-0": pdf_upload("tot.pdf"),
            "tep-khac-1": SimpleUploadedFile("ban-ve.pdf", b"PK\x03\x04" + b"\x00" * 100),
        },
    )
    assert response.status_code == 400
    assert "không phải PDF, JPEG hay PNG" in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.paused_at, dossier.due_at, dossier.documents.count()) == before
    assert sorted(p for p in media.rglob("*") if p.is_file()) == files_before


def test_a_supplement_when_none_is_asked_is_refused(signed_in, portal, citizen, media):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    response = signed_in.post(
        reverse("portal:my-dossier-supplement", args=[dossier.uuid]), {"tep-khac-0": pdf_upload()}
    )
    assert response.status_code == 400
    assert "không chờ bổ sung" in response.content.decode()
    assert dossier.documents.count() == 2


# --- electronic result ------------------------------------------------------------------------------
def finish(portal, dossier, result: bytes) -> Dossier:
    if dossier.received_at is None:
        dossier = actions.dossier_receive(actor=portal.desk, dossier=dossier)
    step = dossier.steps.get(order=2)
    actions.step_assign(actor=portal.handler, step=step, assignee=portal.handler)
    actions.dossier_result_attach(
        actor=portal.handler,
        dossier=dossier,
        document=DocumentInput(name="Giấy phép xây dựng.pdf", file=SimpleUploadedFile("gp.pdf", result)),
    )
    actions.step_complete(actor=portal.handler, step=step)
    actions.dossier_return_result(actor=portal.desk, dossier=dossier, channel=Channel.ONLINE)
    dossier.refresh_from_db()
    return dossier


def test_the_result_downloads_once_returned_with_its_signature_status(signed_in, portal, citizen, media):
    result = pdf_bytes("giay phep")
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    dossier = finish(portal, dossier, result)
    document = dossier.documents.get(kind=DossierDocument.Kind.RESULT)

    response = page_of(signed_in, dossier)
    [(shown, verdict)] = response.context["verdicts"]
    assert shown == document and verdict.status == "unsigned" and verdict.signatures == ()
    response = signed_in.get(reverse("portal:my-dossier-file", args=[dossier.uuid, document.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == result


def test_the_result_is_hidden_until_returned(signed_in, portal, citizen, media):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    actions.dossier_result_attach(
        actor=portal.handler,
        dossier=dossier,
        document=DocumentInput(name="Giấy phép", file=SimpleUploadedFile("gp.pdf", pdf_bytes())),
    )
    document = dossier.documents.get(kind=DossierDocument.Kind.RESULT)
    assert signed_in.get(reverse("portal:my-dossier-file", args=[dossier.uuid, document.uuid])).status_code == 404
    assert "Giấy phép" not in page_of(signed_in, dossier).content.decode()


@pytest.fixture
def sealed_result(signing_settings, decision):
    from apps.signing.actions import document_sign_seal
    from apps.signing.selectors import signed_file_read

    return signed_file_read(document_sign_seal(actor=None, pdf=decision, name="gp.pdf", reference="12/GPXD"))


def test_a_sealed_result_shows_a_valid_signature_and_a_changed_one_does_not(
    signed_in, portal, citizen, media, sealed_result
):
    dossier = finish(portal, lodge(portal, citizen), sealed_result)
    response = page_of(signed_in, dossier)
    [(_document, verdict)] = response.context["verdicts"]
    assert verdict.ok and [line.text for line in verdict.signatures] == ["Chữ ký hợp lệ"]
    detail = response.content.decode()
    assert "Chữ ký hợp lệ" in detail
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" in detail  # the seal's holder

    document = dossier.documents.get(kind=DossierDocument.Kind.RESULT)
    changed = sealed_result.replace(b"/Producer", b"/Produces", 1)
    assert changed != sealed_result
    with document.file.open("wb") as handle:
        handle.write(changed)
    response = page_of(signed_in, dossier)
    [(_document, verdict)] = response.context["verdicts"]
    assert verdict.status == "changed"  # the stored bytes no longer match what was recorded
    assert "Chữ ký hợp lệ" not in response.content.decode()
    response = signed_in.get(reverse("portal:my-dossier-file", args=[dossier.uuid, document.uuid]))
    assert response.status_code == 409
    assert "không còn khớp với tệp đã lưu" in response.content.decode()


# --- payment step -----------------------------------------------------------------------------------
def test_a_level_4_dossier_with_fees_links_to_the_payment_page_when_it_exists(signed_in, portal, citizen, media):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))
    try:
        expected = reverse("payments:pay", args=[dossier.uuid])
    except NoReverseMatch:
        expected = None
    detail = page_of(signed_in, dossier).content.decode()
    if expected:
        assert f'href="{expected}"' in detail and "75.000" in detail
    else:
        assert "/thanh-toan/" not in detail


def test_no_payment_link_when_the_payments_page_is_missing_or_the_procedure_is_not_level_4(
    signed_in, portal, citizen, media, monkeypatch
):
    dossier = actions.dossier_receive(actor=portal.desk, dossier=lodge(portal, citizen))

    def missing(*args, **kwargs):
        raise NoReverseMatch("payments:pay")

    monkeypatch.setattr(selectors, "reverse", missing)
    assert selectors.applicant_dossier_page(dossier).payment_url is None
    monkeypatch.undo()
    portal.procedure.online_level = 3
    portal.procedure.save(update_fields=["online_level"])
    dossier.refresh_from_db()
    assert selectors.applicant_dossier_page(dossier).payment_url is None


def test_the_applicant_is_told_by_sms_and_e_mail_when_submitted_and_when_received(
    signed_in, portal, citizen, media, mailoutbox
):
    from apps.core.messaging import LocmemSmsGateway

    LocmemSmsGateway.outbox.clear()
    with committed():
        dossier = lodge(portal, citizen)
    with committed():
        dossier = actions.dossier_receive(actor=portal.desk, dossier=dossier)
    subjects = [m.subject for m in mailoutbox]
    assert subjects == ["Đã nhận hồ sơ trực tuyến", f"Hồ sơ {dossier.code} đã được tiếp nhận"]
    assert [m.to for m in mailoutbox] == [[citizen.email]] * 2
    assert [s["to"] for s in LocmemSmsGateway.outbox] == ["0912345678"] * 2
    # the SMS is folded to ASCII and lower-cased by the dossiers' notifications (code and secret too)
    assert dossier.code.lower() in LocmemSmsGateway.outbox[1]["body"].lower()


def test_without_the_verdicts_hook_the_status_is_unknown(signed_in, portal, citizen, media, settings):
    settings.PORTAL_RESULT_VERDICTS = "apps.khong_co.verdicts_for_files"
    dossier = finish(portal, lodge(portal, citizen), pdf_bytes("giay phep"))
    [(_document, verdict)] = page_of(signed_in, dossier).context["verdicts"]
    assert (verdict.status, verdict.text) == ("unknown", "Chưa kiểm tra được chữ ký số lúc này.")
