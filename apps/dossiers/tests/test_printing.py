"""Forms 01–06 rendered for real (WeasyPrint) and read back with poppler and openpyxl."""

import re
import subprocess
import time
import unicodedata
from datetime import date, datetime
from io import BytesIO

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from apps.dossiers import actions
from apps.dossiers.actions import DocumentInput
from apps.dossiers.errors import DossierError
from apps.dossiers.printing import form_pdf, register_pdf, register_rows, register_xlsx, rendering
from apps.dossiers.printing import views as printing_views
from apps.dossiers.printing.rendering import ResourceRefused, fetcher, place_date

from .conftest import at

pytestmark = pytest.mark.django_db

NAME = "Đặng Quốc Khánh"
ADDRESS = "Số 18 đường Nguyễn Huy Tự, phường Thành Sen"


# --- reading PDFs back ----------------------------------------------------------------------------
def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    if tool == "pdftotext":
        result = subprocess.run([tool, *args, "-", "-"], input=pdf, capture_output=True, check=True)
        return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))
    result = subprocess.run([tool, *args, "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def layout_text(pdf: bytes) -> str:
    return _poppler("pdftotext", pdf, "-layout")


def layout_words(pdf: bytes) -> str:
    """The -layout text with runs of whitespace collapsed, for sentences that wrap in one column."""
    return " ".join(layout_text(pdf).split())


def page_count(pdf: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", pdf)).group(1))


def flow_text(pdf: bytes) -> str:
    """The text in drawing order (cell after cell), whitespace collapsed: for order checks."""
    return " ".join(_poppler("pdftotext", pdf, "-raw").split())


A5_PORTRAIT = (419.53, 595.28)  # 148 × 210 mm in points
A4_LANDSCAPE = (841.89, 595.28)  # 297 × 210 mm


def page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    """The size of every page in points (pdfinfo's "Page size" for each page)."""
    info = _poppler("pdfinfo", pdf, "-f", "1", "-l", "99")
    return {(round(float(w), 2), round(float(h), 2)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)}


def fonts(pdf: bytes) -> list[tuple[str, str]]:
    lines = _poppler("pdffonts", pdf).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


# --- dossiers in known states ---------------------------------------------------------------------
def step(dossier, order, agency=None):
    qs = dossier.steps.filter(order=order)
    return (qs.filter(agency=agency) if agency is not None else qs).get()


@pytest.fixture
def received(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        return actions.dossier_receive(
            actor=world.desk, dossier=register(name=NAME, address=ADDRESS, email="khanh@example.vn")
        )


@pytest.fixture
def finished(world, received):
    """The whole inter-agency route: early appraisal, on-time lead, late consultation, return."""
    dossier = received
    with freeze_time("2026-11-17 08:00:00+07:00"):
        actions.step_assign(actor=world.head, step=step(dossier, 2), assignee=world.handler)
    with freeze_time("2026-11-19 10:00:00+07:00"):
        actions.step_complete(actor=world.handler, step=step(dossier, 2), note="Đủ điều kiện")
    with freeze_time("2026-11-23 09:00:00+07:00"):
        actions.step_complete(actor=world.handler, step=step(dossier, 3, world.department))
    with freeze_time("2026-11-25 09:00:00+07:00"):
        actions.step_complete(actor=world.consulted_handler, step=step(dossier, 3, world.consulted), note="Đồng ý")
        pdf = form_pdf(dossier, 1)  # any real PDF will do as the result file
        actions.dossier_result_attach(
            actor=world.handler,
            dossier=dossier,
            document=DocumentInput(name="Giấy phép xây dựng", file=SimpleUploadedFile("gp.pdf", pdf)),
        )
    with freeze_time("2026-11-26 09:00:00+07:00"):
        actions.step_complete(actor=world.leader, step=step(dossier, 4), note="Ký duyệt")
    with freeze_time("2026-11-27 10:00:00+07:00"):
        actions.dossier_return_result(actor=world.desk, dossier=dossier)
    dossier.refresh_from_db()
    return dossier


# --- rendering ------------------------------------------------------------------------------------
def test_form_01_shows_the_receipt_in_vietnamese_on_a5_with_the_shipped_font(world, received):
    form_pdf(received, 1)  # the first print of a process imports WeasyPrint (over a second)
    started = time.perf_counter()
    pdf = form_pdf(received, 1, tracking_url="https://dichvucong.hatinh.gov.vn/tra-cuu/")
    elapsed = time.perf_counter() - started

    text = layout_words(pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text  # the heading, upper case as Decree 30 sets it
    assert "Title: Giấy tiếp nhận hồ sơ và hẹn trả kết quả – 000.00.14.H27-261116-0001" in " ".join(
        _poppler("pdfinfo", pdf).split()
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ XÂY DỰNG" in text
    assert "Hà Tĩnh, ngày 16 tháng 11 năm 2026" in text
    assert "Mã hồ sơ: 000.00.14.H27-261116-0001" in text
    assert f"Mã tra cứu: {received.tracking_secret}" in text
    assert f"tiếp nhận hồ sơ của: {NAME}" in text
    assert ADDRESS in text
    assert "0912345678" in text
    assert "Cấp giấy phép xây dựng" in text
    assert "Đơn đề nghị cấp giấy phép xây dựng" in text
    assert "01 bản chính" in text and "02 bản sao" in text and "Bản giấy" in text
    assert "Thời gian giải quyết hồ sơ theo quy định: 10 ngày làm việc." in text
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 16/11/2026." in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 01/12/2026." in text
    assert "Bộ phận tiếp nhận và trả kết quả – Sở Xây dựng" in text
    assert "Lệ phí cấp giấy phép: 75.000 đ" in text
    assert "Vào Sổ theo dõi hồ sơ năm 2026, số thứ tự: 01." in text
    assert "https://dichvucong.hatinh.gov.vn/tra-cuu/" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert world.desk.full_name in text
    assert page_sizes(pdf) == {A5_PORTRAIT} and page_count(pdf) == 1
    embedded = fonts(pdf)
    assert embedded and all("TeXGyreTermes" in name.replace("-", "") for name, _ in embedded), embedded
    assert all(emb == "yes" for _, emb in embedded)
    assert elapsed < 2  # 0.1–0.3 s measured; the bound only catches a pathological slowdown


def test_form_01_carries_a_qr_code_of_the_dossier_code(world, received):
    from apps.dossiers.printing.dossier_forms import _form_01

    context = _form_01(received)

    assert context["qr_uri"] == segno.make("000.00.14.H27-261116-0001", error="m").svg_data_uri(scale=4, border=2)


def test_form_01_is_refused_before_receipt(world, register):
    dossier = register(name=NAME)

    with pytest.raises(DossierError, match="chưa được tiếp nhận"):
        form_pdf(dossier, 1)


def test_form_02_lists_everything_to_complete_and_who_to_ask(world, register):
    dossier = register(name=NAME, documents=[])
    with freeze_time("2026-11-16 10:00:00+07:00"):
        actions.dossier_ask_to_complete(
            actor=world.desk,
            dossier=dossier,
            items=["Đơn đề nghị cấp giấy phép xây dựng (bản chính)", "Bản vẽ thiết kế (02 bản sao)"],
            note="Thiếu thành phần hồ sơ bắt buộc",
        )

    text = layout_words(form_pdf(dossier, 2))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Hồ sơ của: {NAME}" in text
    assert "1. Đơn đề nghị cấp giấy phép xây dựng (bản chính)" in text
    assert "2. Bản vẽ thiết kế (02 bản sao)" in text
    assert "Lý do: Thiếu thành phần hồ sơ bắt buộc" in text
    assert world.desk.full_name in text and "hs0@x.vn" in text
    assert "Hà Tĩnh, ngày 16 tháng 11 năm 2026" in text


def test_form_02_is_refused_without_a_request_to_complete(world, received):
    with pytest.raises(DossierError, match="chưa có yêu cầu bổ sung"):
        form_pdf(received, 2)


def test_form_03_gives_the_reasons_of_the_refusal(world, register):
    dossier = register(name=NAME)
    actions.dossier_refuse(actor=world.desk, dossier=dossier, reasons="Không thuộc thẩm quyền\nHồ sơ giả mạo")

    text = layout_words(form_pdf(dossier, 3))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "1. Không thuộc thẩm quyền" in text and "2. Hồ sơ giả mạo" in text
    assert NAME in text


def test_form_03_also_prints_a_stop_after_appraisal(world, received):
    actions.dossier_stop(actor=world.head, dossier=received, reason="Không đủ điều kiện cấp phép")

    text = layout_words(form_pdf(received, 3))

    assert "Qua thẩm định" in text and "Không đủ điều kiện cấp phép" in text


def test_form_04_gives_the_first_appointment_the_reason_and_the_new_date(world, received):
    with freeze_time("2026-11-27 09:00:00+07:00"):
        actions.dossier_apologise(
            actor=world.head, dossier=received, new_due_at=at(2026, 12, 8, 9), reason="Chờ ý kiến phối hợp"
        )

    pdf = form_pdf(received, 4)
    text = layout_words(pdf)

    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 01/12/2026." in text
    assert "Chờ ý kiến phối hợp" in text
    assert "09 giờ 00 phút, ngày 08/12/2026" in text
    assert "Hà Tĩnh, ngày 27 tháng 11 năm 2026" in text
    assert page_sizes(pdf) == {A5_PORTRAIT}


def test_form_04_is_refused_without_an_apology(world, received):
    with pytest.raises(DossierError, match="chưa có văn bản xin lỗi"):
        form_pdf(received, 4)


@pytest.mark.parametrize(
    ("number", "message"),
    [(0, "Không có mẫu số 00"), (6, "Mẫu 06 là sổ theo dõi hồ sơ"), (7, "Không có mẫu số 07")],
    ids=["zero", "register", "seven"],
)
def test_unknown_form_numbers_are_refused(world, received, number, message):
    with pytest.raises(DossierError, match=message):
        form_pdf(received, number)


def test_form_05_follows_the_hand_overs_of_the_trail_with_their_timeliness(world, finished):
    pdf = form_pdf(finished, 5)
    text = layout_text(pdf)
    flow = flow_text(pdf)

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "TÊN CƠ QUAN" in text and "GHI CHÚ" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở Nông nghiệp và Môi trường" in flow
    givers = re.findall(r"\d+\. Giao: (.+?) Nhận:", flow)
    assert givers == [
        "Sở Xây dựng",  # receipt
        "Sở Xây dựng",  # appraisal
        "Sở Xây dựng",  # lead of the consultation
        "Sở Nông nghiệp và Môi trường",  # consulted agency
        "Sở Xây dựng",  # approval
        "Sở Xây dựng",  # result handed back
    ]
    body = flow.split("GHI CHÚ", 1)[1]
    assert re.findall(r"(?<![(/] )(?<![(/])(Trước hạn|Đúng hạn|Quá hạn)(?!/)", body) == [
        "Đúng hạn",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Đúng hạn",
        "Trước hạn",
    ]
    assert "Nhận: Sở Xây dựng; Sở Nông nghiệp và Môi trường" in flow
    assert "10 giờ 00, ngày 19/11/2026" in flow
    assert world.consulted_handler.full_name in flow and world.handler.full_name in flow
    assert f"Nhận: {NAME}" in flow
    assert page_sizes(pdf) == {A5_PORTRAIT}


def test_form_05_is_refused_before_receipt(world, register):
    with pytest.raises(DossierError, match="chưa được tiếp nhận"):
        form_pdf(register(name=NAME), 5)


# --- the register ---------------------------------------------------------------------------------
@pytest.fixture
def across_years(world, register):
    moments = [at(2025, 12, 30, 10), at(2025, 12, 31, 9), at(2026, 1, 5, 9), at(2026, 1, 6, 14), at(2026, 2, 10, 9)]
    dossiers = []
    for i, moment in enumerate(moments):
        dossier = register(name=f"Người Nộp Thứ {i + 1}", at_moment=moment)
        dossiers.append(actions.dossier_receive(actor=world.desk, dossier=dossier, at=moment))
    return dossiers


def test_register_numbers_from_01_each_year_and_prints_only_the_period(world, across_years):
    pdf = register_pdf(world.department, date(2025, 12, 31), date(2026, 1, 6))
    text = layout_text(pdf)

    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 31/12/2025 đến ngày 06/01/2026 – 3 hồ sơ" in text
    assert "Sổ năm 2025" in text and "Sổ năm 2026" in text
    assert "000.00.14.H27-251231-0001" in text
    assert "000.00.14.H27-260105-0001" in text and "000.00.14.H27-260106-0001" in text
    assert "251230" not in text and "260210" not in text
    numbers = [(r.year, r.number) for r in register_rows(world.department, date(2025, 1, 1), date(2026, 12, 31))]
    assert numbers == [(2025, 1), (2025, 2), (2026, 1), (2026, 2), (2026, 3)]
    assert re.search(r"^\s*02\s+000\.00\.14\.H27-251231-0001", text, re.M)
    assert re.search(r"^\s*01\s+000\.00\.14\.H27-260105-0001", text, re.M)
    assert page_sizes(pdf) == {A4_LANDSCAPE}


def test_register_shows_every_date_of_a_finished_dossier(world, finished):
    rows = register_rows(world.department, date(2026, 11, 1), date(2026, 11, 30))

    assert len(rows) == 1
    row = rows[0]
    assert (row.received, row.due, row.transferred, row.finished, row.returned) == (
        date(2026, 11, 16),
        date(2026, 12, 1),
        date(2026, 11, 16),
        date(2026, 11, 26),
        date(2026, 11, 27),
    )
    text = flow_text(register_pdf(world.department, date(2026, 11, 1), date(2026, 11, 30)))
    assert "Đã trả kết quả – Trước hạn" in text
    assert "16/11/2026 01/12/2026 16/11/2026 26/11/2026 27/11/2026" in text


def test_register_query_count_does_not_grow_with_the_rows(world, register):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            register_rows(world.department, date(2026, 1, 1), date(2026, 12, 31))
        return len(queries)

    actions.dossier_receive(actor=world.desk, dossier=register(), at=at(2026, 3, 2, 9))
    one = count()
    for day in (3, 4, 5, 6):
        actions.dossier_receive(actor=world.desk, dossier=register(), at=at(2026, 3, day, 9))

    assert count() == one == 1


def test_register_refuses_a_period_that_ends_before_it_starts(world):
    with pytest.raises(DossierError, match="Thời kỳ không hợp lệ"):
        register_pdf(world.department, date(2026, 2, 1), date(2026, 1, 1))


def test_register_xlsx_has_vietnamese_headers_and_real_dates(world, across_years):
    content = register_xlsx(world.department, date(2025, 12, 31), date(2026, 1, 6))

    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ – Sở Xây dựng"
    headers = [c.value for c in sheet[4]]
    assert headers[:5] == ["Năm", "Số thứ tự", "Mã hồ sơ", "Tên thủ tục hành chính", "Người nộp"]
    assert "Ngày hẹn trả" in headers and "Ngày trả kết quả" in headers
    first = [c.value for c in sheet[5]]
    assert first[:5] == [2025, 2, "000.00.14.H27-251231-0001", "Cấp giấy phép xây dựng", "Người Nộp Thứ 2"]
    received = sheet.cell(row=5, column=headers.index("Ngày nhận") + 1)
    assert received.value == datetime(2025, 12, 31) and received.number_format == "dd/mm/yyyy"
    assert [sheet.cell(row=r, column=2).value for r in (6, 7)] == [1, 2]
    assert sheet.max_row == 7


def test_register_xlsx_never_turns_an_applicant_name_into_a_formula(world, register):
    actions.dossier_receive(actor=world.desk, dossier=register(name="=HYPERLINK(1)"), at=at(2026, 3, 2, 9))

    content = register_xlsx(world.department, date(2026, 3, 1), date(2026, 3, 31))

    cell = load_workbook(BytesIO(content)).active.cell(row=5, column=5)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


# --- no system fonts, no network ------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["https://example.com/logo.png", "http://127.0.0.1:9/x.css", "file:///etc/passwd", "ftp://example.com/a"],
    ids=["https", "http-local", "file-outside", "ftp"],
)
def test_the_fetcher_refuses_anything_but_local_fonts_and_static_files(url):
    with pytest.raises(ResourceRefused):
        fetcher().fetch(url)


def test_rendering_reads_only_the_shipped_fonts_and_inline_data(world, received, monkeypatch, settings):
    fetched = []
    original = rendering.fetcher_class().fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.fetcher_class(), "fetch", recording)

    form_pdf(received, 1)

    fonts_uri = (settings.FONTS_DIR / "tex-gyre-termes").resolve().as_uri()
    files = sorted(url.rsplit("/", 1)[1] for url in fetched if url.startswith(f"{fonts_uri}/"))
    assert files == [
        "texgyretermes-bold.otf",
        "texgyretermes-bolditalic.otf",
        "texgyretermes-italic.otf",
        "texgyretermes-regular.otf",
    ]
    assert all(url.startswith((f"{fonts_uri}/", "data:")) for url in fetched)


def test_the_fetcher_serves_the_shipped_fonts_and_data_urls(settings):
    font = (settings.FONTS_DIR / "tex-gyre-termes" / "texgyretermes-regular.otf").resolve()

    assert fetcher().fetch(font.as_uri()).read(4) == b"OTTO"
    assert fetcher().fetch("data:text/plain,ok").read() == b"ok"


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"), (date(2026, 11, 16), "ngày 16 tháng 11 năm 2026")],
    ids=["leading-zeros", "plain"],
)
def test_place_and_date_line_follows_decree_30(day, expected):
    assert place_date("Hà Tĩnh", day) == f"Hà Tĩnh, {expected}"


# --- pages ----------------------------------------------------------------------------------------
def form_url(dossier, number):
    return reverse("dossier_printing:form", kwargs={"uuid": dossier.uuid, "number": number})


def test_an_official_of_the_dossier_downloads_form_01(client, world, received):
    client.force_login(world.desk)

    response = client.get(form_url(received, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="mau-01-000.00.14.H27-261116-0001.pdf"'
    assert "http://testserver/tra-cuu/" in layout_text(response.content)


@pytest.mark.parametrize("fallback", [False, True], ids=["selector", "fallback-scope"])
def test_an_official_of_another_agency_gets_404(client, world, received, monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(printing_views, "dossier_get_for_user", None)
    client.force_login(world.outsider)

    assert client.get(form_url(received, 1)).status_code == 404


def test_the_fallback_scope_lets_the_receiving_desk_print(client, world, received, monkeypatch):
    monkeypatch.setattr(printing_views, "dossier_get_for_user", None)
    client.force_login(world.desk)

    assert client.get(form_url(received, 1)).status_code == 200


def test_a_form_that_does_not_apply_is_explained(client, world, received):
    client.force_login(world.desk)

    response = client.get(form_url(received, 4))

    assert response.status_code == 409
    assert "chưa có văn bản xin lỗi" in response.content.decode()


@pytest.mark.parametrize("number", [0, 6], ids=["zero", "six"])
def test_form_numbers_outside_01_05_are_not_found(client, world, received, number):
    client.force_login(world.desk)

    assert client.get(form_url(received, number)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, received):
    response = client.get(form_url(received, 1))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_desk_downloads_the_register_as_xlsx_and_pdf(client, world, across_years):
    client.force_login(world.desk)
    url = reverse("dossier_printing:register")

    xlsx = client.get(url, {"tu": "31/12/2025", "den": "06/01/2026", "dinh-dang": "xlsx"})
    pdf = client.get(url, {"tu": "31/12/2025", "den": "06/01/2026"})

    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="so-theo-doi-ho-so-20251231-20260106.xlsx"'
    assert load_workbook(BytesIO(xlsx.content)).active.max_row == 7
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "000.00.14.H27-260106-0001" in layout_text(pdf.content)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tu": "32/13/2026"}, "Ngày bắt đầu “32/13/2026” không hợp lệ"),
        ({"den": "2026-01-31"}, "Ngày kết thúc “2026-01-31” không hợp lệ"),
        ({"tu": "01/02/2026", "den": "01/01/2026"}, "Thời kỳ không hợp lệ"),
        ({"dinh-dang": "docx"}, "Định dạng không hợp lệ"),
    ],
    ids=["impossible-date", "iso-date", "reversed", "format"],
)
def test_bad_register_queries_get_a_400_page_in_vietnamese(client, world, query, message):
    client.force_login(world.desk)

    response = client.get(reverse("dossier_printing:register"), query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_handler_cannot_print_the_register(client, world):
    client.force_login(world.handler)

    assert client.get(reverse("dossier_printing:register")).status_code == 403
