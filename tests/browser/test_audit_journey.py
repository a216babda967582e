"""An official signs in with their authenticator code; an auditor finds that sign-in in the trail."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.audit.models import AuditEvent

from .conftest import axe_violations, has_no_horizontal_scroll

PASSWORD = "Mat-khau-kiem-tra-2026"


def enrolled(official):
    official.totp = TOTPDevice.objects.create(user=official, name="Điện thoại", confirmed=True)
    return official


@pytest.fixture
def people(transactional_db):
    department = AgencyFactory("Sở Tư pháp")
    unit = UnitFactory(department, "Phòng Hành chính tư pháp")
    handler = official_create(
        agency=unit,
        position="Chuyên viên",
        username="chuyenvien.tp",
        full_name="Trần Văn Hùng",
        email="hung@test.egov.localhost",
        password=PASSWORD,
        roles=[Role.HANDLER],
    )
    auditor = official_create(
        agency=department,
        position="Chánh Thanh tra Sở",
        username="kiemtra.tp",
        full_name="Võ Thị Hà",
        email="ha@test.egov.localhost",
        password=PASSWORD,
        roles=[Role.AUDITOR],
    )
    return enrolled(handler), enrolled(auditor)


def sign_in_with_code(page, base_url, official, code=None):
    page.goto(base_url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(official.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/xac-thuc-hai-lop/**")
    device = official.totp
    if code is None:
        code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    page.locator("input[name=token]").fill(code)
    page.get_by_role("button", name="Tiếp tục").click()


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").first.click()


def test_totp_sign_in_is_found_by_the_auditor(page, live_server, people):
    handler, auditor = people

    # A wrong code first: refused, still on the two-step page.
    sign_in_with_code(page, live_server.url, handler, code="000000")
    page.get_by_text("không đúng").wait_for()
    assert "/xac-thuc-hai-lop/" in page.url
    TOTPDevice.objects.filter(pk=handler.totp.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device = handler.totp
    page.locator("input[name=token]").fill(
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("heading", name="Trần Văn Hùng").wait_for()
    sign_out(page)

    sign_in_with_code(page, live_server.url, auditor)
    page.get_by_role("heading", name="Võ Thị Hà").wait_for()
    page.goto(live_server.url + "/lam-viec/nhat-ky/")
    page.locator("input[name=nguoi]").fill("tran van hung")  # without diacritics
    page.locator("input[name=hanh_dong]").fill("security.login")
    page.get_by_role("button", name="Lọc", exact=True).click()

    rows = page.locator("table tbody tr")
    rows.first.wait_for()
    assert rows.count() == AuditEvent.objects.filter(actor_uuid=handler.uuid, action="security.login").count() == 1
    row_text = rows.first.inner_text()
    assert "Trần Văn Hùng" in row_text
    assert "127.0.0.1" in row_text
    assert has_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    assert page.watch.problems == []
