"""A citizen finds a procedure by typing without diacritics, on a 360-px phone and a desktop, with
axe finding no serious or critical problem on the catalogue, the results and the procedure page;
the same search works with JavaScript off (a plain GET form)."""

from urllib.parse import parse_qs, urlparse

import pytest

from apps.organizations.models import Level
from apps.procedures.actions import life_event_save, sector_save
from apps.procedures.specs import DocumentSpec, FeeSpec
from apps.procedures.tests.factories import DepartmentFactory, ProcedureFactory, version_spec

from .conftest import PHONE, axe_violations, has_no_horizontal_scroll

PERMIT = "Cấp giấy phép xây dựng"


@pytest.fixture
def catalogue(transactional_db):
    construction = sector_save(actor=None, code="XD", name="Hoạt động xây dựng")
    civil = sector_save(actor=None, code="HT", name="Hộ tịch")
    life_event_save(actor=None, code="xay-nha", name="Xây dựng nhà ở")
    department = DepartmentFactory("Sở Xây dựng")
    ProcedureFactory(
        PERMIT,
        sector=construction,
        agency=department,
        online_mode="full",
        life_event_codes=["xay-nha"],
        version=version_spec(
            15,
            agency=department,
            documents=[
                DocumentSpec(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1, form_template="Mẫu số 01"),
                DocumentSpec(name="Bản vẽ thiết kế xây dựng", originals=2),
            ],
            fees=[FeeSpec(name="Lệ phí cấp giấy phép xây dựng", amount=1250000)],
            sequence="Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.",
        ),
    )
    ProcedureFactory("Cấp giấy phép xây dựng nhà ở riêng lẻ", sector=construction, level=Level.COMMUNE)
    ProcedureFactory("Đăng ký khai sinh", sector=civil, level=Level.COMMUNE)


def check_page(page, where: str) -> None:
    assert axe_violations(page) == [], where
    assert has_no_horizontal_scroll(page), where
    assert page.watch.problems == [], where


def test_find_a_procedure_without_diacritics(page, live_server, catalogue):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thủ tục hành chính").click()
    page.get_by_role("heading", name="Thủ tục hành chính", level=1).wait_for()
    check_page(page, "catalogue home")

    page.get_by_label("Tìm thủ tục hành chính").fill("cap giay phep xay dung")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.get_by_role("heading", name="Tìm thấy 2 thủ tục cho “cap giay phep xay dung”").wait_for()
    links = page.locator(".procedure-list h3 a")
    assert links.all_inner_texts() == [PERMIT, "Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    check_page(page, "search results")

    # Live results (htmx) as one types, with the address kept shareable.
    search = page.get_by_label("Tìm thủ tục hành chính")
    search.fill("dang ky khai s")
    page.get_by_role("heading", name="Tìm thấy 1 thủ tục cho “dang ky khai s”").wait_for()
    assert parse_qs(urlparse(page.url).query)["q"] == ["dang ky khai s"]
    search.fill("cap giay phep xay dung")
    page.get_by_role("heading", name="Tìm thấy 2 thủ tục cho “cap giay phep xay dung”").wait_for()

    links.first.click()
    page.get_by_role("heading", name=PERMIT, level=1).wait_for()
    body = page.locator("main").inner_text()
    assert "1.250.000 đ" in body and "15 ngày làm việc" in body and "Mẫu số 01" in body
    assert "Dịch vụ công trực tuyến toàn trình" in body
    check_page(page, "procedure page")


def test_search_works_with_javascript_off(browser, live_server, catalogue):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/dich-vu-cong/")
        page.get_by_label("Tìm thủ tục hành chính").fill("ĐĂNG KY khai sinh")
        page.get_by_label("Tìm thủ tục hành chính").press("Enter")
        page.get_by_role("heading", name="Tìm thấy 1 thủ tục cho “ĐĂNG KY khai sinh”").wait_for()
        # The filters sit in a <details> that opens without JavaScript.
        page.get_by_text("Bộ lọc").click()
        page.get_by_label("Lĩnh vực").select_option(label="Hoạt động xây dựng")
        page.get_by_role("button", name="Xem", exact=True).click()
        page.get_by_role("heading", name="Tìm thấy 0 thủ tục cho “ĐĂNG KY khai sinh”").wait_for()
        assert "linh_vuc=XD" in page.url
    finally:
        context.close()
