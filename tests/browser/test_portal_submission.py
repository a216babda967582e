"""A citizen applies online on a 360-px phone and a desktop: chooses the agency, fills the e-form,
uploads the documents (a disguised file is refused), reviews, submits twice quickly (one dossier),
and sees the dossier in "My dossiers"; axe finds no serious or critical problem on any page. The
same path works with JavaScript off."""

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from apps.dossiers.models import Dossier
from apps.portal.tests.conftest import Portal, make_citizen

from .conftest import axe_violations, has_no_horizontal_scroll


def pdf_file(tmp_path, name: str):
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PDF")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Portal(), make_citizen("congdan")


def sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def check_page(page, where: str) -> None:
    assert axe_violations(page) == [], where
    assert has_no_horizontal_scroll(page), where
    assert page.watch.problems == [], where


def fill_form(page, tmp_path, portal, *, disguised: bool) -> None:
    page.get_by_label("Ngày sinh").fill("04/03/1990")
    page.get_by_label("Diện tích xây dựng (m²)").fill("120,5")
    page.get_by_label("Loại công trình").select_option("Nhà ở riêng lẻ")
    first, second = (r for r in portal.requirements if r.mandatory)
    page.locator(f"#tep-{first.pk}").set_input_files(str(pdf_file(tmp_path, "don.pdf")))
    if disguised:
        fake = tmp_path / "ban-ve.pdf"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 500)  # a program named like a PDF
        page.locator(f"#tep-{second.pk}").set_input_files(str(fake))
    else:
        page.locator(f"#tep-{second.pk}").set_input_files(str(pdf_file(tmp_path, "ban-ve.pdf")))
    page.get_by_role("button", name="Tiếp tục: xem lại").click()


def test_apply_online_on_phone_and_desktop(browser, viewport, live_server, world, tmp_path):
    portal, citizen = world
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    from .conftest import PageWatch

    page.watch = PageWatch(page)
    sign_in(context, live_server, citizen)

    page.goto(f"{live_server.url}/dich-vu-cong/nop-ho-so/{portal.procedure.code}/")
    page.get_by_role("heading", name="Nộp hồ sơ trực tuyến", level=1).wait_for()
    check_page(page, "start")
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Sở Xây dựng")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    page.get_by_role("heading", name="Tờ khai", level=1).wait_for()
    assert page.get_by_label("Số điện thoại di động").input_value() == "0912345678"  # from the profile
    check_page(page, "e-form")
    fill_form(page, tmp_path, portal, disguised=True)
    page.get_by_text("không phải PDF, JPEG hay PNG").wait_for()
    # the refused form comes back as HTTP 400, which Chromium logs; anything else is a problem
    page.watch.problems = [p for p in page.watch.problems if "status of 400" not in p]
    check_page(page, "e-form with errors")

    fill_form(page, tmp_path, portal, disguised=False)
    page.get_by_role("heading", name="Xem lại và nộp", level=1).wait_for()
    check_page(page, "review")
    button = page.get_by_role("button", name="Nộp hồ sơ")
    button.dblclick()  # a double click sends the form twice

    page.get_by_role("heading", name="Đã nộp hồ sơ", level=1).wait_for()
    check_page(page, "acknowledgement")
    assert Dossier.objects.filter(applicant=citizen).count() == 1

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hồ sơ của tôi").click()
    page.get_by_role("heading", name="Hồ sơ của tôi", level=1).wait_for()
    page.get_by_role("link", name="Cấp giấy phép xây dựng").click()
    page.get_by_text("Mới đăng ký").first.wait_for()
    check_page(page, "my dossier")
    context.close()


def test_apply_online_with_javascript_off(browser, live_server, world, tmp_path):
    portal, citizen = world
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    sign_in(context, live_server, citizen)
    page.goto(f"{live_server.url}/dich-vu-cong/nop-ho-so/{portal.procedure.code}/")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    fill_form(page, tmp_path, portal, disguised=False)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.get_by_role("heading", name="Đã nộp hồ sơ", level=1).wait_for()
    assert Dossier.objects.filter(applicant=citizen).count() == 1
    context.close()
