"""One-stop pages: inboxes, desk intake (every bad input refused, nothing saved), the dossier page
and its actions (scoped, stale pages told), file downloads, public tracking (throttled, no personal
data)."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.working_days import get_calendar
from apps.dossiers import actions
from apps.dossiers.actions import DocumentInput
from apps.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep
from apps.dossiers.statuses import Status

pytestmark = pytest.mark.django_db

INBOX = reverse("dossiers:inbox")
INTAKE = reverse("dossiers:intake")
TRACK = reverse("dossier-tracking:track")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # tracking counters live in the cache
    yield
    cache.clear()


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Giấy phép xây dựng số 01/GPXD</h1>").write_pdf()


def signed_in(client, user):
    client.force_login(user)
    return client


def received(world, register, **kwargs):
    return actions.dossier_receive(actor=world.desk, dossier=register(**kwargs))


def step(dossier, order, agency=None):
    qs = dossier.steps.filter(order=order)
    return (qs.filter(agency=agency) if agency is not None else qs).get()


def detail(dossier) -> str:
    return reverse("dossiers:detail", kwargs={"uuid": dossier.uuid})


def act_url(dossier, act, step_=None) -> str:
    if step_ is not None:
        return reverse("dossiers:step-act", kwargs={"uuid": dossier.uuid, "step_uuid": step_.uuid, "act": act})
    return reverse("dossiers:act", kwargs={"uuid": dossier.uuid, "act": act})


def text(response) -> str:
    return response.content.decode()


# --- menu and inbox -------------------------------------------------------------------------------
def test_menu_shows_the_inbox_and_intake_to_the_desk_only_the_inbox_to_a_handler(client, world):
    page = text(signed_in(client, world.desk).get(reverse("accounts:workspace")))
    assert INBOX in page and INTAKE in page

    client.logout()
    page = text(signed_in(client, world.handler).get(reverse("accounts:workspace")))
    assert INBOX in page and INTAKE not in page


def test_inbox_rows_show_code_applicant_due_and_countdown(client, world, register):
    dossier = received(world, register)

    response = signed_in(client, world.handler).get(INBOX)

    assert response.status_code == 200
    page = text(response)
    assert dossier.code in page
    assert "Đặng Quốc Khánh" in page
    assert step(dossier, 2).due_at.astimezone(get_calendar_tz()).strftime("%d/%m/%Y %H:%M") in page
    assert re.search(r"còn \d+ ngày", page)


def get_calendar_tz():
    from apps.core.working_days import VN_TZ

    return VN_TZ


def test_inbox_search_without_diacritics_through_htmx_returns_the_fragment(client, world, register):
    received(world, register, name="Đặng Quốc Khánh")
    received(world, register, name="Lê Thị Hoa")

    response = signed_in(client, world.handler).get(INBOX, {"q": "le thi"}, headers={"HX-Request": "true"})

    page = text(response)
    assert 'id="inbox-results"' in page and "<html" not in page
    assert "Lê Thị Hoa" in page and "Đặng Quốc Khánh" not in page


def test_inbox_page_query_count_does_not_grow(client, world, register, django_assert_max_num_queries):
    signed_in(client, world.handler)
    get_calendar()  # cached per process: read before counting
    for _ in range(3):
        received(world, register)
    client.get(INBOX)  # session and caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    for _ in range(37):
        received(world, register)

    with django_assert_max_num_queries(len(few)):
        response = client.get(INBOX)

    assert text(response).count("/lam-viec/ho-so/") >= 40


def test_a_role_without_dossiers_gets_no_inbox(client, world):
    from apps.accounts.actions import official_create
    from apps.accounts.roles import Role

    auditor = official_create(
        username="kt1",
        full_name="Kiểm Toán",
        email="kt1@x.vn",
        password="Mat-khau-ho-so-2026",
        agency=world.department,
        roles=[Role.AUDITOR],
    )

    assert signed_in(client, auditor).get(INBOX).status_code == 403


# --- desk intake ----------------------------------------------------------------------------------
def intake_data(world, **overrides):
    version = world.procedure.versions.get()
    data = {
        "thu_tuc": str(world.procedure.uuid),
        "ho_ten": "Nguyễn Thị Lan",
        "loai": "citizen",
        "so_dinh_danh": "042090001234",
        "dien_thoai": "0912345678",
        "email": "lan@example.vn",
        "dia_chi": "Thạch Hà, Hà Tĩnh",
        "trich_yeu": "Xin cấp giấy phép xây dựng nhà ở",
        "ket_qua": "tiep-nhan",
        "thieu": "",
        "ly_do_tu_choi": "",
    }
    for requirement in version.documents.all():
        data[f"giay_{requirement.pk}"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_intake_lists_the_procedures_of_the_desk_agency_then_its_checklist(client, world):
    signed_in(client, world.desk)

    choose = text(client.get(INTAKE))
    checklist = text(client.get(INTAKE, {"thu_tuc": str(world.procedure.uuid)}))

    assert world.procedure.name in choose
    assert "Đơn đề nghị cấp giấy phép xây dựng" in checklist and "Bản vẽ thiết kế" in checklist
    assert 'value="tiep-nhan"' in checklist


def test_intake_receives_a_paper_dossier_and_shows_its_code_and_appointment(client, world):
    response = signed_in(client, world.desk).post(INTAKE, intake_data(world))

    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == detail(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.documents.count() == 3 and all(d.paper_only for d in dossier.documents.all())
    page = text(client.get(response.url))
    assert dossier.code in page
    assert dossier.due_at.astimezone(get_calendar_tz()).strftime("%d/%m/%Y %H:%M") in page
    assert dossier.tracking_secret in page
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in page
    assert reverse("dossier_printing:form", kwargs={"uuid": dossier.uuid, "number": 1}) in page


def test_intake_attaches_a_scan_checked_by_content(client, world, pdf_bytes):
    first = world.procedure.versions.get().documents.order_by("order").first()
    data = intake_data(world, **{f"giay_{first.pk}": None})
    data[f"tep_{first.pk}"] = SimpleUploadedFile("don.pdf", pdf_bytes, content_type="application/pdf")

    response = signed_in(client, world.desk).post(INTAKE, data)

    assert response.status_code == 302
    scan = DossierDocument.objects.get(requirement=first)
    assert scan.content_type == "application/pdf" and not scan.paper_only


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ho_ten": ""}, "Cần ghi họ và tên người nộp"),
        ({"ho_ten": " x "}, "Cần ghi họ và tên người nộp"),
        ({"so_dinh_danh": "12345"}, "phải gồm đúng 12 chữ số"),
        ({"so_dinh_danh": "999090001234"}, "không phải mã tỉnh"),
        ({"loai": "organization", "so_dinh_danh": "0100109107"}, "chữ số kiểm tra"),
        ({"dien_thoai": "12345"}, "Số điện thoại di động không hợp lệ"),
        ({"email": "lan@"}, "thư điện tử không hợp lệ"),
        ({"loai": "robot"}, "Loại người nộp không hợp lệ"),
        ({"ket_qua": "tu-choi"}, "lý do từ chối"),
        ({"ket_qua": None}, "Hãy chọn tiếp nhận"),
    ],
    ids=[
        "missing-name",
        "one-letter-name",
        "short-id-number",
        "bad-province-id-number",
        "bad-tax-code",
        "bad-phone",
        "bad-email",
        "bad-applicant-type",
        "refusal-without-reasons",
        "no-outcome",
    ],
)
def test_intake_refuses_bad_input_with_a_vietnamese_message_and_saves_nothing(client, world, overrides, message):
    response = signed_in(client, world.desk).post(INTAKE, intake_data(world, **overrides))

    assert response.status_code == 200
    assert message in text(response)
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("don.pdf", b"MZ\x90\x00 an executable", "không phải PDF"),
        ("don.pdf", b"PK\x03\x04 a zip archive", "không phải PDF"),
        ("don.pdf", b"%PDF-1.7 cut short", "cắt cụt"),
    ],
    ids=["exe-named-pdf", "zip-named-pdf", "truncated-pdf"],
)
def test_intake_refuses_a_disguised_file_and_saves_nothing(client, world, name, content, message):
    first = world.procedure.versions.get().documents.order_by("order").first()
    data = intake_data(world)
    data[f"tep_{first.pk}"] = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = signed_in(client, world.desk).post(INTAKE, data)

    assert response.status_code == 200
    assert message in text(response)
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()


def test_receiving_without_a_mandatory_document_saves_nothing_and_suggests_form_02(client, world):
    first = world.procedure.versions.get().documents.order_by("order").first()

    response = signed_in(client, world.desk).post(INTAKE, intake_data(world, **{f"giay_{first.pk}": None}))

    page = text(response)
    assert "còn thiếu giấy tờ bắt buộc" in page
    assert re.search(r"<textarea name=\"thieu\"[^>]*>Đơn đề nghị cấp giấy phép xây dựng</textarea>", page)
    assert not Dossier.objects.exists()


def test_ask_to_complete_lists_the_unticked_mandatory_documents(client, world):
    first = world.procedure.versions.get().documents.order_by("order").first()

    response = signed_in(client, world.desk).post(
        INTAKE, intake_data(world, ket_qua="yeu-cau-bo-sung", **{f"giay_{first.pk}": None})
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.code is None
    assert dossier.waits.get().items == ["Đơn đề nghị cấp giấy phép xây dựng"]
    assert "mẫu 02" in text(client.get(response.url))


def test_ask_to_complete_with_nothing_missing_is_refused(client, world):
    response = signed_in(client, world.desk).post(INTAKE, intake_data(world, ket_qua="yeu-cau-bo-sung"))

    assert "Cần liệt kê đầy đủ các giấy tờ còn thiếu" in text(response)
    assert not Dossier.objects.exists()


def test_refusal_with_reasons_closes_the_dossier(client, world):
    signed_in(client, world.desk).post(
        INTAKE, intake_data(world, ket_qua="tu-choi", ly_do_tu_choi="Không thuộc thẩm quyền")
    )

    dossier = Dossier.objects.get()
    assert dossier.status == Status.NOT_RECEIVED
    assert dossier.events.get(transition="refuse").note == "Không thuộc thẩm quyền"


def test_a_desk_of_another_agency_cannot_receive_for_yours(client, world):
    response = signed_in(client, world.outsider).post(INTAKE, intake_data(world))

    assert "Cơ quan của bạn không tiếp nhận thủ tục này" in text(response)
    assert not Dossier.objects.exists()


def test_a_handler_cannot_open_the_intake(client, world):
    assert signed_in(client, world.handler).get(INTAKE).status_code == 403


# --- the dossier page -----------------------------------------------------------------------------
def test_the_dossier_page_shows_routing_trail_and_the_head_can_assign(client, world, register):
    dossier = received(world, register)

    page = text(signed_in(client, world.head).get(detail(dossier)))

    assert "Thẩm định" in page and "Cho ý kiến về đất đai" in page
    assert act_url(dossier, "giao-xu-ly", step(dossier, 2)) in page
    assert act_url(dossier, "dung-xu-ly") in page


@pytest.mark.parametrize("who", ["outsider", "consulted_handler"])
def test_officials_out_of_scope_get_404_like_a_guessed_uuid(client, world, register, who):
    import uuid

    dossier = received(world, register)
    signed_in(client, getattr(world, who))

    assert client.get(detail(dossier)).status_code == 404
    assert client.get(reverse("dossiers:detail", kwargs={"uuid": uuid.uuid4()})).status_code == 404
    assert client.post(act_url(dossier, "dung-xu-ly"), {"trang_thai": 2, "ly_do": "x"}).status_code == 404
    assert Dossier.objects.get().status == Status.RECEIVED


def test_assign_then_complete_through_the_page(client, world, register):
    dossier = received(world, register)
    appraisal = step(dossier, 2)

    response = signed_in(client, world.head).post(
        act_url(dossier, "giao-xu-ly", appraisal), {"trang_thai": Status.RECEIVED, "can_bo": str(world.handler.uuid)}
    )
    assert response.status_code == 302
    client.logout()
    signed_in(client, world.handler)
    response = client.post(
        act_url(dossier, "hoan-thanh-buoc", appraisal), {"trang_thai": Status.PROCESSING, "ghi_chu": "Đủ điều kiện"}
    )

    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.assignee, appraisal.state, appraisal.note) == (world.handler, "done", "Đủ điều kiện")
    assert "Đã hoàn thành bước" in text(client.get(response.url))


def test_a_stale_page_is_told_the_dossier_changed_and_nothing_changes(client, world, register):
    dossier = received(world, register)
    actions.dossier_request_supplement(actor=world.handler, dossier=dossier, items=["Bản vẽ mặt bằng"])
    before = Dossier.objects.filter(pk=dossier.pk).values().get()

    response = signed_in(client, world.head).post(
        act_url(dossier, "dung-xu-ly"), {"trang_thai": Status.RECEIVED, "ly_do": "Không đủ điều kiện"}
    )

    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in text(response)
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before


def test_an_action_error_is_shown_and_the_input_kept(client, world, register):
    dossier = received(world, register)

    response = signed_in(client, world.handler).post(
        act_url(dossier, "xin-loi-hen-lai"), {"trang_thai": Status.RECEIVED, "hen_moi": "31/02/2026 10:00"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "Ngày hẹn mới phải theo dạng dd/mm/yyyy HH:MM" in page
    assert Dossier.objects.get().apologised_at is None


def test_supplement_and_payment_requests_pause_and_resume(client, world, register):
    dossier = received(world, register)
    signed_in(client, world.handler)

    client.post(act_url(dossier, "yeu-cau-bo-sung"), {"trang_thai": 2, "noi_dung": "Bản vẽ mặt bằng\nSổ đỏ"})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.waits.get().items == ["Bản vẽ mặt bằng", "Sổ đỏ"]
    client.post(act_url(dossier, "da-nhan-bo-sung"), {"trang_thai": 5, "ten_giay_to": "Bản vẽ mặt bằng"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    response = client.post(
        act_url(dossier, "yeu-cau-nghia-vu-tai-chinh"),
        {"trang_thai": 4, "ten_1": "Lệ phí cấp giấy phép", "so_tien_1": "75.000"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.FINANCIAL_OBLIGATION
    assert dossier.waits.get(kind="financial").items == [{"name": "Lệ phí cấp giấy phép", "amount": 75000}]


def test_payment_items_need_a_name_and_an_amount(client, world, register):
    dossier = received(world, register)

    response = signed_in(client, world.handler).post(
        act_url(dossier, "yeu-cau-nghia-vu-tai-chinh"), {"trang_thai": 2, "ten_1": "Lệ phí", "so_tien_1": "abc"}
    )

    assert "Mỗi khoản phải có tên và số tiền" in text(response)
    assert Dossier.objects.get().status == Status.RECEIVED


def test_result_attach_refuses_a_disguised_file(client, world, register):
    dossier = received(world, register)

    response = signed_in(client, world.handler).post(
        act_url(dossier, "dinh-kem-ket-qua"),
        {"trang_thai": 2, "ten": "Giấy phép", "tep": SimpleUploadedFile("gp.pdf", b"MZ not a pdf")},
    )

    assert "không phải PDF" in text(response)
    assert not DossierDocument.objects.filter(kind="result").exists()


def test_documents_download_only_for_those_who_read_the_dossier(client, world, register, pdf_bytes):
    dossier = received(world, register)
    document = actions.dossier_result_attach(
        actor=world.handler,
        dossier=dossier,
        document=DocumentInput(name="Giấy phép", file=SimpleUploadedFile("gp.pdf", pdf_bytes)),
    )
    url = reverse("dossiers:document", kwargs={"uuid": dossier.uuid, "document_uuid": document.uuid})

    response = signed_in(client, world.desk).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert url in text(client.get(detail(dossier)))
    assert "/media/" not in text(client.get(detail(dossier)))
    client.logout()
    assert signed_in(client, world.outsider).get(url).status_code == 404


def test_the_consulted_agency_completes_its_step_then_only_reads(client, world, register):
    dossier = received(world, register)
    actions.step_complete(actor=world.handler, step=step(dossier, 2))
    consulted = step(dossier, 3, world.consulted)
    signed_in(client, world.consulted_handler)

    page = text(client.get(detail(dossier)))
    assert act_url(dossier, "hoan-thanh-buoc", consulted) in page
    assert act_url(dossier, "hoan-thanh-buoc", step(dossier, 3, world.department)) not in page
    client.post(act_url(dossier, "hoan-thanh-buoc", consulted), {"trang_thai": 4, "ghi_chu": "Đồng ý"})

    response = client.get(detail(dossier))
    assert response.status_code == 200
    assert "hoan-thanh-buoc" not in text(response)
    assert DossierStep.objects.get(pk=consulted.pk).state == "done"


# --- public tracking ------------------------------------------------------------------------------
def test_tracking_shows_status_and_public_trail_without_personal_data(client, world, register):
    dossier = received(world, register, email="khanh@example.vn", address="Số 1 Phan Đình Phùng")

    response = client.post(TRACK, {"ma_ho_so": dossier.code, "ma_tra_cuu": dossier.tracking_secret})

    page = text(response)
    assert response.status_code == 200
    assert dossier.get_status_display() in page
    assert world.procedure.name in page and world.department.name in page
    assert dossier.due_at.astimezone(get_calendar_tz()).strftime("%d/%m/%Y %H:%M") in page
    for private in ["Đặng Quốc Khánh", "042090001234", "0912345678", "khanh@example.vn", "Phan Đình Phùng"]:
        assert private not in page
    assert "Đơn đề nghị" not in page  # no documents


def test_tracking_by_phone_number(client, world, register):
    dossier = received(world, register)

    response = client.post(TRACK, {"ma_ho_so": dossier.code, "dien_thoai": "0912 345 678"})

    assert dossier.get_status_display() in text(response)


def test_a_wrong_secret_and_an_unknown_code_give_the_same_answer(client, world, register):
    dossier = received(world, register)

    wrong = text(client.post(TRACK, {"ma_ho_so": dossier.code, "ma_tra_cuu": "AAAAAA"}))
    unknown = text(client.post(TRACK, {"ma_ho_so": "000.00.14.H27-261116-9999", "ma_tra_cuu": "AAAAAA"}))

    message = "Không tìm thấy hồ sơ với thông tin đã nhập"
    assert message in wrong and message in unknown
    strip = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip.sub("", wrong) == strip.sub("", unknown)


def test_tracking_is_throttled_per_address(client, world, register):
    dossier = received(world, register)
    for n in range(10):
        response = client.post(TRACK, {"ma_ho_so": f"000.00.14.H27-261116-{n:04d}", "ma_tra_cuu": "AAAAAA"})
        assert response.status_code == 200

    response = client.post(TRACK, {"ma_ho_so": dossier.code, "ma_tra_cuu": dossier.tracking_secret})

    assert response.status_code == 429
    assert "quá nhiều lần" in text(response)
    assert dossier.get_status_display() not in text(response)


def test_tracking_counters_live_in_the_database_every_process_shares(client, world, register):
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    for n in range(3):
        client.post(TRACK, {"ma_ho_so": f"000.00.14.H27-261116-{n:04d}", "ma_tra_cuu": "AAAAAA"})

    assert isinstance(caches["default"], DatabaseCache)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM egov_cache")
        assert cursor.fetchone()[0] >= 1  # what another web process would read


def test_tracking_is_throttled_per_code_across_addresses(client, world, register):
    dossier = received(world, register)
    for n in range(10):
        client.post(TRACK, {"ma_ho_so": dossier.code, "ma_tra_cuu": "AAAAAA"}, REMOTE_ADDR=f"10.0.0.{n + 1}")

    response = client.post(
        TRACK, {"ma_ho_so": dossier.code, "ma_tra_cuu": dossier.tracking_secret}, REMOTE_ADDR="10.0.1.1"
    )

    assert response.status_code == 429


def test_tracking_is_public_and_needs_no_second_factor(client, world):
    signed_in_without_totp = client
    signed_in_without_totp.force_login(world.desk, verified=False)

    assert signed_in_without_totp.get(TRACK).status_code == 200


# --- dossiers to check before receipt (online, or completed after Form 02) ------------------------
def test_the_desk_receives_an_online_dossier_from_its_page(client, world):
    from apps.dossiers.actions import ApplicantInput, dossier_register
    from apps.dossiers.statuses import Channel

    from .conftest import full_documents

    dossier = dossier_register(
        actor=None,
        procedure=world.procedure,
        receiving_agency=world.department,
        applicant=ApplicantInput(name="Lê Thị Hoa", phone="0987654321"),
        channel=Channel.ONLINE,
        documents=full_documents(world.procedure),
    )
    signed_in(client, world.desk)
    assert act_url(dossier, "tiep-nhan") in text(client.get(detail(dossier)))

    response = client.post(act_url(dossier, "tiep-nhan"), {"trang_thai": Status.NEW})

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == Status.RECEIVED and dossier.code
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in text(client.get(response.url))


def test_a_dossier_completed_after_form_02_is_received_with_the_missing_document(client, world, register):
    from .conftest import full_documents

    dossier = register(documents=full_documents(world.procedure)[1:])
    actions.dossier_ask_to_complete(actor=world.desk, dossier=dossier, items=["Đơn đề nghị"])
    first = world.procedure.versions.get().documents.order_by("order").first()
    signed_in(client, world.desk)

    refused = client.post(act_url(dossier, "tiep-nhan"), {"trang_thai": Status.SUPPLEMENT_REQUESTED})
    assert "còn thiếu giấy tờ bắt buộc" in text(refused)
    assert Dossier.objects.get().code is None
    response = client.post(
        act_url(dossier, "tiep-nhan"), {"trang_thai": Status.SUPPLEMENT_REQUESTED, f"giay_{first.pk}": "on"}
    )

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == Status.RECEIVED
    assert dossier.documents.filter(requirement=first, paper_only=True).exists()


def test_the_desk_asks_to_complete_or_refuses_a_dossier_from_its_page(client, world, register):
    from .conftest import full_documents

    incomplete = register(documents=full_documents(world.procedure)[1:])
    wrong = register()
    signed_in(client, world.desk)

    page = text(client.get(detail(incomplete)))
    assert "Đơn đề nghị cấp giấy phép xây dựng</textarea>" in page  # prefilled with what is missing
    client.post(act_url(incomplete, "yeu-cau-hoan-thien"), {"trang_thai": 1, "thieu": "Đơn đề nghị (bản chính)"})
    client.post(act_url(wrong, "tu-choi-tiep-nhan"), {"trang_thai": 1, "ly_do": "Không thuộc thẩm quyền"})

    incomplete.refresh_from_db()
    wrong.refresh_from_db()
    assert incomplete.status == Status.SUPPLEMENT_REQUESTED
    assert incomplete.waits.get().items == ["Đơn đề nghị (bản chính)"]
    assert wrong.status == Status.NOT_RECEIVED


def test_dossiers_before_receipt_are_the_desks_not_the_handlers(client, world, register):
    dossier = register()

    assert signed_in(client, world.handler).get(detail(dossier)).status_code == 404  # nothing routed yet
    client.logout()
    assert signed_in(client, world.leader).post(act_url(dossier, "tiep-nhan"), {"trang_thai": 1}).status_code == 302
    assert Dossier.objects.get().status == Status.RECEIVED  # a leader of the agency may receive too


def test_a_file_changed_in_storage_is_not_served_and_the_change_is_recorded(client, world, register, pdf_bytes):
    from pathlib import Path

    from apps.audit.models import AuditEvent

    dossier = received(world, register)
    document = actions.dossier_result_attach(
        actor=world.handler,
        dossier=dossier,
        document=DocumentInput(name="Giấy phép", file=SimpleUploadedFile("gp.pdf", pdf_bytes)),
    )
    url = reverse("dossiers:document", kwargs={"uuid": dossier.uuid, "document_uuid": document.uuid})
    Path(document.file.path).write_bytes(pdf_bytes.replace(b"%PDF-", b"%PDF-\n%sua", 1))  # swapped on disk

    response = signed_in(client, world.desk).get(url)

    assert response.status_code == 302 and response.url == detail(dossier)
    assert "không còn đúng tệp đã nhận" in text(client.get(detail(dossier)))
    event = AuditEvent.objects.get(action="dossiers.document_changed_in_storage")
    assert event.changes["document"] == str(document.uuid)
