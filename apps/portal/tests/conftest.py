"""Fixtures of the portal submission tests: a department with its desk and handler, an online
level-4 procedure with an e-form, two citizens with profiles, a media folder per test, and the
signing test PKI (from the signing app's tests) for sealed results."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from apps.accounts.actions import official_create
from apps.accounts.models import ApplicantProfile, User
from apps.accounts.roles import Role
from apps.accounts.tests.factories import AgencyFactory
from apps.organizations.models import Agency
from apps.procedures.actions import procedure_create, sector_save
from apps.procedures.models import DeadlineUnit, Procedure, RoutingStep
from apps.procedures.specs import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec, VersionSpec
from apps.signing.tests.conftest import decision, pki, signing_settings  # noqa: F401 - fixtures of the result tests

PASSWORD = "Mat-khau-nop-ho-so-2026"
EFORM = [
    {"name": "ho_ten", "label": "Họ và tên chủ đầu tư", "type": "text", "required": True},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "id_number", "required": True},
    {"name": "dien_thoai", "label": "Điện thoại liên hệ", "type": "phone", "required": False},
    {"name": "dien_tich", "label": "Diện tích xây dựng (m²)", "type": "number", "required": True},
    {"name": "loai_cong_trinh", "label": "Loại công trình", "type": "select", "required": True,
     "options": ["Nhà ở riêng lẻ", "Công trình khác"]},
]  # fmt: skip


def pdf_bytes(text: str = "x") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, format="PDF", title=text)
    return out.getvalue()


def pdf_upload(name: str = "don.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


class Portal:
    """The province of the tests: one department, its desk, one online procedure with an e-form."""

    def __init__(self):
        self.department = AgencyFactory("Sở Xây dựng", identifier="000.00.14.H27")
        sector_save(actor=None, code="XD", name="Xây dựng")
        self.procedure = procedure_create(
            actor=None,
            spec=ProcedureSpec(
                code="1.009994",
                name="Cấp giấy phép xây dựng",
                sector_code="XD",
                level=self.department.level,
                competent_category=Agency.Category.DEPARTMENT,
                competent_agency=self.department,
                online_mode=Procedure.OnlineMode.FULL,
                online_level=Procedure.OnlineLevel.LEVEL_4,
            ),
            version=VersionSpec(
                deadline_value=Decimal(10),
                deadline_unit=DeadlineUnit.WORKING_DAYS,
                documents=[
                    DocumentSpec(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1),
                    DocumentSpec(name="Bản vẽ thiết kế", copies=2),
                    DocumentSpec(name="Giấy tờ khác", mandatory=False),
                ],
                fees=[FeeSpec(name="Lệ phí cấp giấy phép", amount=75_000)],
                eform_fields=EFORM,
                steps=[
                    StepSpec(1, RoutingStep.Kind.INTAKE, "Tiếp nhận", Role.DESK_OFFICER, Decimal("0.5")),
                    StepSpec(2, RoutingStep.Kind.APPRAISAL, "Thẩm định", Role.HANDLER, Decimal(8)),
                    StepSpec(3, RoutingStep.Kind.RETURN, "Trả kết quả", Role.DESK_OFFICER, Decimal("0.5")),
                ],
            ),
            valid_from=date(2020, 1, 1),
        )
        self.version = self.procedure.versions.get()
        self.requirements = list(self.version.documents.order_by("order"))
        self.desk = official_create(
            username="motcua",
            full_name="Cán Bộ Một Cửa",
            email="motcua@x.vn",
            password=PASSWORD,
            agency=self.department,
            roles=[Role.DESK_OFFICER],
            valid_from=date(2020, 1, 1),
        )
        self.handler = official_create(
            username="chuyenvien",
            full_name="Chuyên Viên Thẩm Định",
            email="cv@x.vn",
            password=PASSWORD,
            agency=self.department,
            roles=[Role.HANDLER, Role.HEAD_OF_UNIT],
            valid_from=date(2020, 1, 1),
        )


def make_citizen(username: str, *, name: str = "Đặng Quốc Khánh", id_number: str = "042090001234") -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=name, email=f"{username}@x.vn", phone="0912345678"
    )
    ApplicantProfile.objects.create(
        user=user, id_number=id_number, birth_date=date(1990, 3, 4), address_line="Số 5 Trần Phú, Hà Tĩnh"
    )
    return user


@pytest.fixture
def portal(db) -> Portal:
    return Portal()


@pytest.fixture
def citizen(db) -> User:
    return make_citizen("congdan")


@pytest.fixture
def other_citizen(db) -> User:
    return make_citizen("nguoikhac", name="Lê Thị Lan", id_number="042190005678")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def committed():
    """Run the on-commit work of a request (removing replaced draft files) as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client
