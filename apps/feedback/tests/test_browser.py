"""In a real browser (360 px and desktop): the applicant rates a returned dossier, an anonymous
citizen sends feedback (a bad phone first), a leader answers and publishes it, and the public page
shows it with initials; axe finds no serious problem and nothing scrolls sideways."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.feedback.models import DossierRating, Feedback, FeedbackState
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import axe_violations, has_no_horizontal_scroll

from .conftest import PASSWORD

browser, viewport, page = browser_fixtures.browser, browser_fixtures.viewport, browser_fixtures.page
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert axe_violations(page) == []
    assert has_no_horizontal_scroll(page)


def sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_path}")


def sign_in_official(page, live_server, official, next_path):
    """Password, then the code of the official's authenticator app (computed as the app would)."""
    device = TOTPDevice.objects.create(user=official, name="Điện thoại", confirmed=True)
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(official.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/xac-thuc-hai-lop/**")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.locator("input[name=token]").fill(f"{code:06d}")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(f"**{next_path}")


def test_the_applicant_rates_a_returned_dossier(page, live_server, world, returned):
    dossier = returned()
    path = f"/gop-y/danh-gia/{dossier.uuid}/"
    sign_in(page, live_server, world.applicant, path)
    check(page)

    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Thời gian giải quyết").check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Đúng hẹn.")
    page.get_by_role("button", name="Gửi đánh giá").click()

    page.wait_for_url(f"**{path}")
    assert page.get_by_text("Cảm ơn Ông/Bà: đánh giá đã được ghi nhận.").is_visible()
    check(page)
    rating = DossierRating.objects.get()
    assert (rating.level, rating.aspects, rating.comment) == (2, ["time"], "Đúng hẹn.")
    assert page.watch.problems == []


def test_feedback_from_a_citizen_to_the_published_answer(page, live_server, world):
    page.goto(f"{live_server.url}/gop-y/gui/")
    check(page)
    page.get_by_label("Kiến nghị").check()
    page.get_by_label("Cơ quan").select_option(label="Sở Xây dựng")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại di động").fill("0123")
    page.get_by_label("Tiêu đề").fill("Niêm yết mẫu đơn")
    page.get_by_label("Nội dung").fill("Đề nghị niêm yết mẫu đơn tại bộ phận một cửa.")
    page.get_by_role("button", name="Gửi", exact=True).click()
    assert page.get_by_text("Số điện thoại không hợp lệ").is_visible()
    assert not Feedback.objects.exists()
    check(page)

    page.get_by_label("Số điện thoại di động").fill("0912345678")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_url("**/gop-y/da-gui/**")
    assert page.get_by_text("Hạn trả lời").is_visible()
    check(page)

    feedback = Feedback.objects.get()
    page.context.clear_cookies()
    sign_in_official(page, live_server, world.leader, f"/lam-viec/phan-anh/{feedback.uuid}/")
    page.get_by_role("textbox", name="Trả lời").fill("Đã niêm yết từ tuần này.")
    page.get_by_role("button", name="Lưu và gửi câu trả lời").click()
    page.get_by_role("button", name="Công khai câu trả lời trên Cổng").click()
    assert page.get_by_text("Câu trả lời đã được công khai trên Cổng.").is_visible()
    check(page)
    assert Feedback.objects.get().state == FeedbackState.PUBLISHED

    page.goto(f"{live_server.url}/gop-y/")
    page.get_by_role("link", name="Niêm yết mẫu đơn").click()
    assert page.get_by_text("Đã niêm yết từ tuần này.").is_visible()
    assert "N. T. L." in page.content() and "Nguyễn Thị Lan" not in page.content()
    check(page)
