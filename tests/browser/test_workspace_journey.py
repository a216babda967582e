"""An official signs in and reaches the workspace; the page is accessible and CSP-clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory

from .conftest import axe_violations, has_no_horizontal_scroll

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mat-khau-hanh-trinh-2026"


@pytest.fixture
def sysadmin(transactional_db):
    official = official_create(
        agency=AgencyFactory("Sở Thử nghiệm Quản trị"),
        position="Chuyên viên quản trị hệ thống",
        username="quantri.thu",
        full_name="Bùi Đình Nam",
        email="quantri.thu@test.egov.localhost",
        password=PASSWORD,
        roles=[Role.SYSADMIN],
    )
    official.totp = TOTPDevice.objects.create(user=official, name="Điện thoại", confirmed=True)
    return official


def sign_in(page, base_url, official):
    """Password, then the code of the official's authenticator app (computed as the app would)."""
    page.goto(base_url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập").fill(official.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/xac-thuc-hai-lop/**")
    device = official.totp
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.locator("input[name=token]").fill(f"{code:06d}")
    page.get_by_role("button", name="Tiếp tục").click()


def test_official_signs_in_and_sees_the_workspace(page, live_server, sysadmin):
    response = page.goto(live_server.url + "/")
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "Cổng dịch vụ công" in page.content()

    sign_in(page, live_server.url, sysadmin)

    page.get_by_role("heading", name="Bùi Đình Nam").wait_for()
    assert page.url.endswith("/tai-khoan/lam-viec/")
    menu = page.locator("nav.side-menu")
    if not menu.get_by_role("link", name="Dữ liệu mẫu").is_visible():
        menu.locator("summary").click()
    assert menu.get_by_role("link", name="Dữ liệu mẫu").is_visible()
    assert has_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    assert page.watch.problems == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}], ids=["desktop"])
def test_demo_rebuild_progress_bar_follows_a_real_worker(page, live_server, sysadmin, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    sign_in(page, live_server.url, sysadmin)
    page.get_by_role("heading", name="Bùi Đình Nam").wait_for()
    page.goto(live_server.url + "/lam-viec/he-thong/du-lieu-mau/")

    page.get_by_role("button", name="Dựng lại dữ liệu mẫu").click()
    bar = page.locator("#task-progress-bar")
    assert bar.get_attribute("value") == "0"
    worker = subprocess.Popen(  # the same worker command `make run` starts
        [sys.executable, "manage.py", "worker", "--batch", "--no-scheduler"],
        cwd=ROOT,
        env={
            **os.environ,
            "EGOV_DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "egov.settings.base",
            "EGOV_DEMO_DOSSIERS": "8",  # the bar, not the volume, is under test
        },
    )
    try:
        assert worker.wait(timeout=120) == 0
    finally:
        if worker.poll() is None:
            worker.kill()

    # htmx polls the fragment every second until the task reports it has finished.
    page.locator('#task-progress[data-state="succeeded"]').wait_for(timeout=20_000)
    assert bar.get_attribute("value") == "100"
    assert page.watch.problems == []
