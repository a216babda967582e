"""The applicant pays a dossier's fees through the sandbox gateway in a real browser (360 px and
desktop): the pay page, the gateway's page, the return page, the receipt; axe finds no serious
problem and nothing scrolls sideways."""

import pytest

from apps.payments.models import Payment, State
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import axe_violations, has_no_horizontal_scroll

from .conftest import PASSWORD

# The browser fixtures of tests/browser, used here by name.
browser, viewport, page = browser_fixtures.browser, browser_fixtures.viewport, browser_fixtures.page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert axe_violations(page) == []
    assert has_no_horizontal_scroll(page)


def test_the_applicant_pays_through_the_sandbox_gateway(page, live_server, world, lodge):
    dossier = lodge()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next=/thanh-toan/ho-so/{dossier.uuid}/")
    page.get_by_label("Tên đăng nhập").fill(world.applicant.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.uuid}/")
    assert "100.000 đ" in page.content()
    check(page)
    page.get_by_label("Cổng thanh toán trực tuyến").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    page.wait_for_url("**/thanh-toan/cong-thu-nghiem/**")
    check(page)
    page.get_by_label("Thanh toán thành công").check()
    page.get_by_role("button", name="Xác nhận").click()

    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.uuid}/ket-qua/")
    assert page.get_by_text("Đã thanh toán").first.is_visible()
    check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên nhận (PDF)").click()
    assert download.value.suggested_filename.startswith("bien-nhan-DVC")
    assert Payment.objects.get().state == State.PAID
    assert page.watch.problems == []


def test_the_vietqr_page_shows_the_code_on_a_phone(page, live_server, world, lodge):
    dossier = lodge()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next=/thanh-toan/ho-so/{dossier.uuid}/")
    page.get_by_label("Tên đăng nhập").fill(world.applicant.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.uuid}/")

    page.get_by_label("Chuyển khoản ngân hàng (VietQR)").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    qr = page.get_by_role("img", name="Mã VietQR của hóa đơn")
    assert qr.is_visible()
    assert Payment.objects.get().bill_number in page.content()
    check(page)
    assert page.watch.problems == []
