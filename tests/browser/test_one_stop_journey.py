"""A paper dossier through the one-stop system, across two agencies, in a real browser.

The desk receives it (ticking the documents), the head assigns it, the handler asks for a
supplement (the clock stops) that the desk records (the clock restarts), the consulted department
gives its opinion, the handler attaches the result PDF, the leader approves, the desk returns the
result, and the applicant follows it on the public tracking page. Each official works in their own
browser context, signed in once with their authenticator code.
"""

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory, UnitFactory
from apps.core.working_days import VN_TZ
from apps.dossiers.models import Dossier, DossierWait
from apps.dossiers.statuses import Status
from apps.dossiers.tests.conftest import building_permit_steps
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit
from apps.procedures.specs import DocumentSpec, ProcedureSpec, VersionSpec

from .conftest import PageWatch, axe_violations, has_no_horizontal_scroll

PASSWORD = "Mat-khau-mot-cua-2026"
APPLICANT = "Phan Thị Thu Hằng"


@pytest.fixture
def province(transactional_db):
    department = AgencyFactory("Sở Xây dựng", identifier="000.00.14.H27")
    unit = UnitFactory(department, "Phòng Quản lý xây dựng", identifier="000.01.14.H27")
    consulted = AgencyFactory("Sở Nông nghiệp và Môi trường", identifier="000.00.15.H27")
    sector_save(actor=None, code="XD", name="Xây dựng")
    procedure_create(
        actor=None,
        spec=ProcedureSpec(
            code="1.009994",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            sector_code="XD",
            level=department.level,
            competent_category=Agency.Category.DEPARTMENT,
            competent_agency=department,
        ),
        version=VersionSpec(
            deadline_value=Decimal(10),
            deadline_unit=DeadlineUnit.WORKING_DAYS,
            documents=[
                DocumentSpec(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1),
                DocumentSpec(name="Bản vẽ thiết kế", copies=2),
            ],
            steps=building_permit_steps(consulted),
        ),
        valid_from=date(2020, 1, 1),
    )

    def official(username, full_name, agency, role):
        person = official_create(
            username=username,
            full_name=full_name,
            email=f"{username}@test.egov.localhost",
            password=PASSWORD,
            agency=agency,
            position="Chuyên viên",
            roles=[role],
            valid_from=date(2020, 1, 1),
        )
        person.totp = TOTPDevice.objects.create(user=person, name="Điện thoại", confirmed=True)
        return person

    return {
        "desk": official("motcua.xd", "Hồ Thị Mai", department, Role.DESK_OFFICER),
        "head": official("truongphong.xd", "Nguyễn Văn Bình", unit, Role.HEAD_OF_UNIT),
        "handler": official("chuyenvien.xd", "Trần Thị Cúc", unit, Role.HANDLER),
        "consulted": official("chuyenvien.nnmt", "Lê Văn Dũng", consulted, Role.HANDLER),
        "leader": official("giamdoc.xd", "Võ Minh Đức", department, Role.AGENCY_LEADER),
    }


@pytest.fixture
def result_pdf(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "giay-phep-xay-dung.pdf"
    path.write_bytes(HTML(string="<h1>Giấy phép xây dựng số 01/GPXD</h1>").write_pdf())
    return path


def signed_in(browser, viewport, base_url, official):
    """A browser context of its own for ``official``, past the password and the TOTP code."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = PageWatch(page)
    page.goto(base_url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(official.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/xac-thuc-hai-lop/**")
    device = official.totp
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.locator("input[name=token]").fill(f"{code:06d}")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("heading", name=official.full_name).wait_for()
    return page


def action_form(page, action: str):
    """The dossier page's (first) form posting to ``…/<action>/``, unfolded if it is folded."""
    folded = page.locator(f"details:not([open]):has(form[action$='/{action}/']) > summary")
    if folded.count():
        folded.first.click()
    return page.locator(f"form[action$='/{action}/']").first


def submit(page, action: str, message: str) -> None:
    """Submit the form posting to ``…/<action>/`` and wait for the success message."""
    action_form(page, action).locator("button[type=submit]").click()
    page.get_by_text(message).first.wait_for()


def open_from_inbox(page, base_url, code: str, inbox: str = "") -> None:
    page.goto(base_url + "/lam-viec/ho-so/" + (f"?vai_tro={inbox}" if inbox else ""))
    page.get_by_role("link", name=code).click()
    page.wait_for_url("**/lam-viec/ho-so/*-*-*-*-*/")


def accessible(page) -> None:
    assert has_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_a_paper_dossier_from_the_desk_to_the_result_and_public_tracking(
    browser, viewport, live_server, province, result_pdf
):
    base = live_server.url
    pages = []
    try:
        # The desk receives the paper dossier, ticking the documents handed in.
        desk = signed_in(browser, viewport, base, province["desk"])
        pages.append(desk)
        desk.goto(base + "/lam-viec/ho-so/tiep-nhan/")
        desk.locator("select[name=thu_tuc]").select_option(label="Cấp giấy phép xây dựng nhà ở riêng lẻ (1.009994)")
        desk.locator("main form button[type=submit]").click()
        desk.locator("input[name=ho_ten]").wait_for()
        accessible(desk)
        desk.locator("input[name=ho_ten]").fill(APPLICANT)
        desk.locator("input[name=so_dinh_danh]").fill("042190001234")
        desk.locator("input[name=dien_thoai]").fill("0912345678")
        desk.locator("input[name=dia_chi]").fill("Thạch Hà, Hà Tĩnh")
        for box in desk.locator("input[type=checkbox][name^=giay_]").all():
            box.check()
        desk.locator("button[value=tiep-nhan]").click()
        desk.wait_for_url("**/lam-viec/ho-so/*-*-*-*-*/")
        dossier = Dossier.objects.get()
        assert dossier.status == Status.RECEIVED
        code = dossier.code
        assert re.fullmatch(r"000\.00\.14\.H27-\d{6}-0001", code)
        summary = desk.locator("main").inner_text()
        assert code in summary
        assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", summary)  # the appointment
        assert dossier.tracking_secret in summary
        accessible(desk)
        # Form 01 as the desk downloads it, read back as text.
        href = desk.locator("a[href$='/mau-1.pdf']").get_attribute("href")
        pdf = desk.request.get(base + href)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf.body(), capture_output=True, check=True
        ).stdout.decode()
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert code in text and APPLICANT in " ".join(text.split())
        assert f"{dossier.due_at.astimezone(VN_TZ):%d/%m/%Y}" in text

        # The head of unit gives the appraisal to the handler.
        head = signed_in(browser, viewport, base, province["head"])
        pages.append(head)
        head.goto(base + "/lam-viec/ho-so/")
        assert code in head.locator("#inbox-results").inner_text()
        accessible(head)
        open_from_inbox(head, base, code)
        head.locator("form[action$='/giao-xu-ly/'] select[name=can_bo]").select_option(label="Trần Thị Cúc")
        submit(head, "giao-xu-ly", "Đã giao Trần Thị Cúc")

        # The handler asks for a supplement: the clock stops until the desk records it.
        handler = signed_in(browser, viewport, base, province["handler"])
        pages.append(handler)
        handler.goto(base + "/lam-viec/ho-so/")
        handler.locator("input[name=q]").fill("phan thi thu hang")  # without diacritics
        handler.locator("input[name=q]").press("Enter")
        handler.get_by_role("link", name=code).wait_for()
        accessible(handler)
        open_from_inbox(handler, base, code)
        accessible(handler)
        action_form(handler, "yeu-cau-bo-sung").locator("textarea[name=noi_dung]").fill("Bản vẽ mặt bằng có xác nhận")
        submit(handler, "yeu-cau-bo-sung", "Đã gửi yêu cầu bổ sung")
        dossier.refresh_from_db()
        assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.paused_at is not None

        desk.reload()
        action_form(desk, "da-nhan-bo-sung").locator("input[name=ten_giay_to]").fill("Bản vẽ mặt bằng")
        submit(desk, "da-nhan-bo-sung", "Đã nhận bổ sung")
        dossier.refresh_from_db()
        assert dossier.status == Status.PROCESSING and dossier.paused_at is None
        assert dossier.waits.get().effect == DossierWait.Effect.RESTART

        # The handler finishes the appraisal; the consulted department gives its opinion.
        handler.reload()
        handler.locator("form[action$='/hoan-thanh-buoc/'] textarea[name=ghi_chu]").first.fill("Đủ điều kiện")
        submit(handler, "hoan-thanh-buoc", "Đã hoàn thành bước “Thẩm định”")

        consulted = signed_in(browser, viewport, base, province["consulted"])
        pages.append(consulted)
        open_from_inbox(consulted, base, code)
        consulted.locator("form[action$='/hoan-thanh-buoc/'] textarea[name=ghi_chu]").fill("Thống nhất về đất đai")
        submit(consulted, "hoan-thanh-buoc", "Đã hoàn thành bước “Cho ý kiến về đất đai”")

        handler.reload()
        submit(handler, "hoan-thanh-buoc", "Đã hoàn thành bước “Tổng hợp ý kiến”")
        action_form(handler, "dinh-kem-ket-qua").locator("input[name=tep]").set_input_files(str(result_pdf))
        submit(handler, "dinh-kem-ket-qua", "Đã đính kèm kết quả")

        # The leader approves from the inbox of steps to approve.
        leader = signed_in(browser, viewport, base, province["leader"])
        pages.append(leader)
        open_from_inbox(leader, base, code)
        submit(leader, "hoan-thanh-buoc", "Đã hoàn thành bước “Phê duyệt”")
        dossier.refresh_from_db()
        assert dossier.status == Status.DONE

        # The desk hands the result back.
        desk.goto(base + "/lam-viec/ho-so/")
        assert code in desk.locator("#inbox-results").inner_text()
        open_from_inbox(desk, base, code)
        submit(desk, "tra-ket-qua", "Đã trả kết quả")
        dossier.refresh_from_db()
        assert dossier.status == Status.RETURNED
        accessible(desk)

        # The applicant follows the dossier on the public page, without signing in.
        public = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
        public.watch = PageWatch(public)
        pages.append(public)
        public.goto(base + "/tra-cuu/")
        public.locator("input[name=ma_ho_so]").fill(code)
        public.locator("input[name=ma_tra_cuu]").fill(dossier.tracking_secret)
        public.locator("main form button[type=submit]").click()
        public.get_by_role("heading", name=code).wait_for()
        shown = public.locator("main").inner_text()
        trail = public.locator("main ol li")
        assert trail.count() == dossier.events.filter(public=True).count() >= 8
        assert "Sở Nông nghiệp và Môi trường" in shown
        assert APPLICANT not in shown and "042190001234" not in shown and "0912345678" not in shown
        accessible(public)

        assert [problem for page in pages for problem in page.watch.problems] == []
    finally:
        for page in pages:
            page.context.close()
