"""The citizen's whole journey on a 360-px phone (issue 5): sign up with a one-time code, find the
procedure by typing without diacritics, fill the e-form, upload the documents (a disguised file is
refused), submit twice quickly (one dossier), pay through the sandbox gateway, the desk accepts it
in its own browser, the citizen sees the code, later downloads the result and rates it. axe finds
no serious or critical problem on the citizen's pages."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts.models import User
from apps.core.messaging import LocmemSmsGateway
from apps.dossiers import actions
from apps.dossiers.actions import DocumentInput
from apps.dossiers.models import Dossier, DossierDocument
from apps.dossiers.statuses import Channel, Status
from apps.feedback.models import DossierRating, RatingLevel
from apps.payments.models import Payment
from apps.portal.tests.conftest import Portal

from .conftest import PHONE, PageWatch, axe_violations, has_no_horizontal_scroll

PASSWORD = "Hoa-sen-2026!"


def pdf_file(tmp_path, name: str):
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PDF")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def province(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    LocmemSmsGateway.outbox.clear()
    return Portal()


def check(page, where: str) -> None:
    assert axe_violations(page) == [], where
    assert has_no_horizontal_scroll(page), where
    problems = [p for p in page.watch.problems if "status of 400" not in p]  # refused forms answer 400
    assert problems == [], where
    page.watch.problems.clear()


def official_context(browser, live_server, user):
    """A desktop browser of an official who has passed the second factor."""
    from conftest import EgovClient

    client = EgovClient()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_a_citizen_applies_pays_and_rates_on_a_phone(browser, live_server, province, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.watch = PageWatch(page)
    url = live_server.url

    # 1. Sign up with the code sent by SMS.
    page.goto(f"{url}/tai-khoan/dang-ky/")
    check(page, "sign-up")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Hồng Nhung")
    page.get_by_label("Số điện thoại di động hoặc thư điện tử").fill("0987 654 321")
    page.get_by_label(re.compile(r"^Mật khẩu:?$")).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    page.wait_for_url("**/tai-khoan/dang-ky/xac-nhan/")
    code = re.search(r"\b(\d{6})\b", LocmemSmsGateway.outbox[-1]["body"]).group(1)
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url("**/tai-khoan/ho-so-ca-nhan/")
    citizen = User.objects.get(phone="0987654321")

    # 2. Find the procedure by typing without diacritics.
    page.goto(f"{url}/dich-vu-cong/")
    check(page, "catalogue")
    page.get_by_role("searchbox").first.fill("cap giay phep xay dung")
    page.get_by_role("button", name="Tìm").first.click()
    page.get_by_role("link", name="Cấp giấy phép xây dựng").first.click()
    page.get_by_role("heading", name="Cấp giấy phép xây dựng", level=1).wait_for()
    check(page, "procedure page")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()

    # 3. E-form and documents; a program named like a PDF is refused.
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Sở Xây dựng")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.get_by_role("heading", name="Tờ khai", level=1).wait_for()
    check(page, "e-form")
    page.get_by_label("Địa chỉ").fill("Số 12 Hà Huy Tập, phường Thành Sen, Hà Tĩnh")
    page.get_by_label("Họ và tên chủ đầu tư").fill("Nguyễn Thị Hồng Nhung")
    page.get_by_label("Ngày sinh").fill("12/08/1988")
    page.get_by_role("textbox", name=re.compile(r"^Số định danh cá nhân \(12")).fill("042188001234")
    page.get_by_role("textbox", name=re.compile(r"^Số định danh cá nhân:?$")).fill("042188001234")
    page.get_by_label("Diện tích xây dựng (m²)").fill("96")
    page.get_by_label("Loại công trình").select_option("Nhà ở riêng lẻ")
    first, second = (r for r in province.requirements if r.mandatory)
    page.locator(f"#tep-{first.pk}").set_input_files(str(pdf_file(tmp_path, "don.pdf")))
    disguised = tmp_path / "ban-ve.pdf"
    disguised.write_bytes(b"MZ\x90\x00" + b"\x00" * 500)
    page.locator(f"#tep-{second.pk}").set_input_files(str(disguised))
    page.get_by_role("button", name="Tiếp tục: xem lại").click()
    page.get_by_text("không phải PDF, JPEG hay PNG").wait_for()
    check(page, "disguised file refused")
    page.locator(f"#tep-{first.pk}").set_input_files(str(pdf_file(tmp_path, "don.pdf")))
    page.locator(f"#tep-{second.pk}").set_input_files(str(pdf_file(tmp_path, "ban-ve.pdf")))
    page.get_by_role("button", name="Tiếp tục: xem lại").click()

    # 4. Review and submit twice quickly: one dossier.
    page.get_by_role("heading", name="Xem lại và nộp", level=1).wait_for()
    check(page, "review")
    page.get_by_role("button", name="Nộp hồ sơ").dblclick()
    page.get_by_role("heading", name="Đã nộp hồ sơ", level=1).wait_for()
    check(page, "acknowledgement")
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.status == Status.NEW and dossier.channel == Channel.ONLINE

    # 5. Pay the fee through the sandbox gateway.
    page.goto(f"{url}/thanh-toan/ho-so/{dossier.uuid}/")
    check(page, "payment")
    page.get_by_label("Cổng thanh toán trực tuyến").check()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/cong-thu-nghiem/**")
    page.get_by_label("Thanh toán thành công").check()
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{dossier.uuid}/ket-qua/")
    page.get_by_text("Đã thanh toán").first.wait_for()
    check(page, "paid")
    assert Payment.objects.get(dossier=dossier).state == "paid"

    # 6. The desk accepts it in its own browser.
    desk = official_context(browser, live_server, province.desk)
    desk_page = desk.new_page()
    desk_page.set_default_timeout(20_000)
    desk_page.goto(f"{url}/lam-viec/ho-so/{dossier.uuid}/")
    desk_page.get_by_text("Đã thanh toán").first.wait_for()  # the desk sees the fee is paid
    desk_page.get_by_text("Tiếp nhận (Mẫu 01)").click()  # opens the receipt form
    desk_page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    desk_page.get_by_role("heading", name=re.compile("000.00.14.H27-")).wait_for()
    desk.close()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.code

    # 7. The citizen sees the code and the appointment.
    page.goto(f"{url}/dich-vu-cong/ho-so-cua-toi/")
    page.get_by_role("link", name="Cấp giấy phép xây dựng").click()
    page.get_by_text(dossier.code).first.wait_for()
    check(page, "my dossier received")

    # 8. The department processes it and returns the result online (backstage, through the actions).
    step = dossier.steps.get(order=2)
    actions.step_assign(actor=province.handler, step=step, assignee=province.handler)
    result = pdf_file(tmp_path, "giay-phep.pdf").read_bytes()
    actions.dossier_result_attach(
        actor=province.handler,
        dossier=dossier,
        document=DocumentInput(name="Giấy phép xây dựng", file=SimpleUploadedFile("giay-phep.pdf", result)),
    )
    actions.step_complete(actor=province.handler, step=step)
    actions.dossier_return_result(actor=province.desk, dossier=dossier, channel=Channel.ONLINE)

    # 9. The citizen downloads the result and rates the service.
    page.reload()
    page.get_by_text("Đã trả kết quả").first.wait_for()
    check(page, "my dossier returned")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Giấy phép xây dựng")).first.click()
    assert Path(download.value.path()).read_bytes() == result
    assert dossier.documents.filter(kind=DossierDocument.Kind.RESULT).count() == 1
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").first.click()
    page.get_by_role("heading", name="Đánh giá mức độ hài lòng", level=1).wait_for()
    check(page, "rating")
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_role("heading", name="Đánh giá của Ông/Bà").wait_for()
    assert DossierRating.objects.get(dossier=dossier).level == RatingLevel.VERY_SATISFIED
    context.close()
