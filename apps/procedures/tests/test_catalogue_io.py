"""Import and export of the catalogue: round trips, idempotency, row-level refusals with nothing saved."""

import copy
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.procedures.actions import catalogue_import, procedure_version_mark_in_use, procedure_version_publish
from apps.procedures.catalogue_io import (
    Problems,
    catalogue_document,
    json_dumps,
    json_loads,
    workbook_bytes,
    workbook_document,
)
from apps.procedures.errors import ProceduresError, ProceduresErrorCode
from apps.procedures.models import LifeEvent, Procedure, ProcedureVersion

from .factories import (
    CommuneCommitteeFactory,
    DepartmentFactory,
    ProcedureFactory,
    SectorFactory,
    step,
    version_spec,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """A commune procedure with two versions and a select field; a department's with a parallel consultation."""
    LifeEvent.objects.create(code="khai-sinh", name="Khai sinh")
    civil = SectorFactory("HT", "Hộ tịch")
    department = DepartmentFactory("Sở Xây dựng Thử", identifier="000.00.13.H27")
    lands = DepartmentFactory("Sở Nông nghiệp và Môi trường Thử")
    commune = CommuneCommitteeFactory("UBND phường Thử")
    fields = [
        {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "required": True, "options": ["Nam", "Nữ"]},
    ]
    birth = ProcedureFactory(
        "Đăng ký khai sinh",
        code="1.001193.000.00.00.H27",
        sector=civil,
        version=version_spec(3, eform_fields=fields, sequence="Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả."),
        life_event_codes=["khai-sinh"],
        online_mode="full",
        online_level=4,
    )
    procedure_version_publish(
        actor=None, procedure=birth, valid_from=date(2026, 1, 1), version=version_spec(3, change_note="Sửa mẫu")
    )
    steps = [
        step(1, "intake", "desk_officer", "0.5", agency=department),
        step(2, "appraisal", "handler", "10", agency=department, unit_category="phong"),
        step(2, "consultation", "handler", "7", agency=lands, is_lead=False),
        step(2, "consultation", "handler", "5", agency=commune, is_lead=False),
        step(3, "approval", "agency_leader", "4", "working_hours", agency=department),
        step(4, "return", "desk_officer", "0.5", agency=department),
    ]
    ProcedureFactory(
        "Cấp giấy phép xây dựng",
        code="1.009972.000.00.00.H27",
        agency=department,
        version=version_spec(15, steps=steps, agency=department),
    )
    return catalogue_document()


def _wipe():
    Procedure.objects.all().delete()


def test_json_round_trip_gives_back_the_same_catalogue(catalogue):
    content = json_dumps(catalogue)
    _wipe()

    report = catalogue_import(actor=None, document=json.loads(content))

    assert (report.procedures_created, report.versions_created) == (2, 3)
    assert catalogue_document() == catalogue


def test_xlsx_round_trip_gives_back_the_same_catalogue(catalogue):
    content = workbook_bytes(catalogue)
    _wipe()
    problems = Problems()

    document = workbook_document(content, problems)
    catalogue_import(actor=None, document=document)

    assert problems == []
    assert catalogue_document() == catalogue


def test_workbook_has_one_sheet_per_part_with_vietnamese_headers(catalogue):
    book = load_workbook(io.BytesIO(workbook_bytes(catalogue)))

    assert book.sheetnames == [
        "Lĩnh vực",
        "Sự kiện",
        "Thủ tục",
        "Phiên bản",
        "Thành phần hồ sơ",
        "Phí, lệ phí",
        "Trường biểu mẫu",
        "Quy tắc tính thời hạn",
        "Bước xử lý",
    ]
    steps = list(book["Bước xử lý"].iter_rows(values_only=True))
    assert steps[0][:4] == ("Mã thủ tục", "Hiệu lực từ", "Thứ tự", "Chủ trì")
    assert ("1.009972.000.00.00.H27", "01/07/2025", 2, "Không", "lấy ý kiến") in [row[:5] for row in steps]


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(catalogue, kind):
    if kind == "json":
        document = json_loads(json_dumps(catalogue), Problems())
    else:
        document = workbook_document(workbook_bytes(catalogue), Problems())
    events = AuditEvent.objects.count()
    updated = {v.pk: v.updated_at for v in ProcedureVersion.objects.all()}

    first = catalogue_import(actor=None, document=document)
    second = catalogue_import(actor=None, document=copy.deepcopy(document))

    assert not first.changed_anything and not second.changed_anything
    assert second.versions_unchanged == 3
    assert AuditEvent.objects.count() == events
    assert {v.pk: v.updated_at for v in ProcedureVersion.objects.all()} == updated


def test_import_updates_what_changed_and_adds_new_versions(catalogue):
    document = copy.deepcopy(catalogue)
    birth = document["procedures"][0]
    birth["name"] = "Đăng ký khai sinh (sửa tên)"
    birth["versions"][1]["fees"][0]["amount"] = 8000
    birth["versions"].append({**copy.deepcopy(birth["versions"][1]), "valid_from": "2026-07-01"})

    report = catalogue_import(actor=None, document=document)

    procedure = Procedure.objects.get(code="1.001193.000.00.00.H27")
    assert (report.procedures_changed, report.versions_changed, report.versions_created) == (1, 1, 1)
    assert procedure.name_folded == "dang ky khai sinh (sua ten)"
    assert [(v.number, v.valid_to) for v in procedure.versions.order_by("number")] == [
        (1, date(2025, 12, 31)),
        (2, date(2026, 6, 30)),
        (3, None),
    ]
    assert AuditEvent.objects.filter(action="procedures.catalogue_import").count() == 1


def _steps(document, procedure=1, version=0):
    return document["procedures"][procedure]["versions"][version]["steps"]


def _mutate_step_role(document):
    _steps(document)[1]["role"] = "auditor"


def _mutate_unknown_agency(document):
    _steps(document)[2]["agency"] = "Sở Không Có"


def _mutate_unknown_sector(document):
    document["procedures"][0]["sector"] = "KHONG-CO"


def _mutate_bad_date(document):
    document["procedures"][0]["versions"][0]["valid_from"] = "31/02/2026"


def _mutate_negative_fee(document):
    document["procedures"][0]["versions"][0]["fees"][0]["amount"] = "nhiều"


def _mutate_over_deadline(document):
    document["procedures"][1]["versions"][0]["deadline"]["value"] = "10"


def _mutate_earlier_new_version(document):
    document["procedures"][0]["versions"].insert(
        0, {**copy.deepcopy(document["procedures"][0]["versions"][0]), "valid_from": "2025-01-01"}
    )


def _mutate_format(document):
    document["format"] = "khac"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            _mutate_step_role,
            "Thủ tục 1.009972.000.00.00.H27, phiên bản từ 01/07/2025, bước 2: vai trò “auditor” không hợp lệ",
            id="step-role",
        ),
        pytest.param(
            _mutate_unknown_agency,
            "Thủ tục 1.009972.000.00.00.H27, phiên bản từ 01/07/2025, bước 3: không có cơ quan đang hoạt động "
            "tên “Sở Không Có”.",
            id="unknown-agency",
        ),
        pytest.param(
            _mutate_unknown_sector, "Thủ tục 1.001193.000.00.00.H27: không có lĩnh vực mã “KHONG-CO”", id="sector"
        ),
        pytest.param(
            _mutate_bad_date,
            "Thủ tục 1.001193.000.00.00.H27, phiên bản thứ 1: Hiệu lực từ “31/02/2026” phải là ngày dạng dd/mm/yyyy.",
            id="date",
        ),
        pytest.param(
            _mutate_negative_fee,
            "Thủ tục 1.001193.000.00.00.H27, phiên bản từ 01/07/2025, phí, lệ phí 1: "
            "Mức thu “nhiều” phải là số nguyên.",
            id="fee",
        ),
        pytest.param(
            _mutate_over_deadline,
            "Thủ tục 1.009972.000.00.00.H27, phiên bản từ 01/07/2025: tổng thời gian các bước (11,5 ngày làm việc) "
            "vượt thời hạn giải quyết (10 ngày làm việc)",
            id="over-deadline",
        ),
        pytest.param(
            _mutate_earlier_new_version,
            "Thủ tục 1.001193.000.00.00.H27, phiên bản từ 01/01/2025: "
            "phiên bản mới phải có hiệu lực sau ngày 01/01/2026",
            id="earlier-version",
        ),
        pytest.param(_mutate_format, "Tệp không phải danh mục thủ tục của egov", id="format"),
    ],
)
def test_bad_json_is_refused_with_its_place_and_nothing_is_saved(catalogue, mutate, message):
    document = copy.deepcopy(catalogue)
    document["procedures"][0]["name"] = "Tên mới không được lưu"
    mutate(document)
    events = AuditEvent.objects.count()

    with pytest.raises(ProceduresError) as refused:
        catalogue_import(actor=None, document=document)

    assert refused.value.code == ProceduresErrorCode.IMPORT_INVALID
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems
    assert not Procedure.objects.filter(name="Tên mới không được lưu").exists()
    assert AuditEvent.objects.count() == events
    assert catalogue_document() == catalogue


def test_a_version_used_by_a_dossier_cannot_be_changed_by_import(catalogue):
    version = ProcedureVersion.objects.get(procedure__code="1.001193.000.00.00.H27", number=1)
    procedure_version_mark_in_use(actor=None, version=version)
    document = copy.deepcopy(catalogue)
    document["procedures"][0]["versions"][0]["result_description"] = "Kết quả khác"

    with pytest.raises(ProceduresError) as refused:
        catalogue_import(actor=None, document=document)

    assert refused.value.problems == [
        "Thủ tục 1.001193.000.00.00.H27, phiên bản từ 01/07/2025: phiên bản 1 đã được dùng để tiếp nhận hồ sơ nên "
        "không sửa được; hãy thêm một phiên bản mới với ngày hiệu lực mới."
    ]
    version.refresh_from_db()
    assert version.result_description == "Giấy phép"


def _edited_workbook(catalogue, edits) -> bytes:
    book = load_workbook(io.BytesIO(workbook_bytes(catalogue)))
    for sheet, cell, value in edits:
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_bad_workbook_rows_are_reported_with_sheet_and_row_and_nothing_is_saved(catalogue):
    # Given a workbook with a valid change and several bad rows (columns as in SHEETS)
    content = _edited_workbook(
        catalogue,
        [
            ("Thủ tục", "B2", "Tên mới không được lưu"),
            ("Bước xử lý", "J3", "giám đốc"),
            ("Phí, lệ phí", "F2", "abc"),
            ("Trường biểu mẫu", "D3", "Giới Tính"),
            ("Thành phần hồ sơ", "A2", "9.999999"),
        ],
    )
    problems = Problems()
    document = workbook_document(content, problems)
    events = AuditEvent.objects.count()

    # When it is imported
    with pytest.raises(ProceduresError) as refused:
        catalogue_import(actor=None, document=document, read_problems=problems)

    # Then every bad row is named by sheet and row, and nothing changed
    found = refused.value.problems
    expected = [
        "Trang “Phí, lệ phí”, dòng 2: Mức thu “abc” phải là số nguyên.",
        "Trang “Trường biểu mẫu”, dòng 3: tên trường “Giới Tính” phải viết thường, không dấu",
        "Trang “Thành phần hồ sơ”, dòng 2: không có phiên bản của thủ tục “9.999999” hiệu lực từ 01/07/2025.",
        "Trang “Bước xử lý”, dòng 3: vai trò “giám đốc” không hợp lệ",
    ]
    for message in expected:
        assert any(problem.startswith(message) for problem in found), (message, found)
    assert len(found) == len(expected)
    assert not Procedure.objects.filter(name="Tên mới không được lưu").exists()
    assert AuditEvent.objects.count() == events
    assert catalogue_document() == catalogue


def test_a_workbook_with_changed_headers_is_refused(catalogue):
    content = _edited_workbook(catalogue, [("Bước xử lý", "C1", "Bước")])
    problems = Problems()

    workbook_document(content, problems)

    assert problems == [
        "Trang “Bước xử lý”, dòng 1: tiêu đề cột phải đúng thứ tự: Mã thủ tục, Hiệu lực từ, Thứ tự, Chủ trì, "
        "Loại bước, Tên bước, Xử lý bởi, Cơ quan, Loại đơn vị, Vai trò, Thời gian, Đơn vị thời gian."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"{not json", "Tệp JSON không đọc được: dòng 1, cột 2.", id="json"),
        pytest.param(b"\xff\xfe", "Tệp JSON phải được mã hóa UTF-8.", id="encoding"),
    ],
)
def test_unreadable_json_is_refused(content, message):
    problems = Problems()

    assert json_loads(content, problems) is None
    assert problems == [message]


def test_commands_export_and_import(catalogue, tmp_path):
    json_path, xlsx_path = tmp_path / "danh-muc.json", tmp_path / "danh-muc.xlsx"
    call_command("procedures_export", str(json_path), verbosity=0)
    call_command("procedures_export", str(xlsx_path), verbosity=0)
    _wipe()

    call_command("procedures_import", str(xlsx_path), verbosity=0)
    call_command("procedures_import", str(json_path), verbosity=0)

    assert json.loads(json_path.read_text()) == catalogue
    assert catalogue_document() == catalogue


def test_import_command_lists_the_problems(catalogue, tmp_path, capsys):
    document = copy.deepcopy(catalogue)
    _mutate_step_role(document)
    path = tmp_path / "sai.json"
    path.write_bytes(json_dumps(document))

    with pytest.raises(CommandError, match=r"Tệp có 1 lỗi, chưa lưu gì\."):
        call_command("procedures_import", str(path))

    assert "bước 2: vai trò “auditor” không hợp lệ" in capsys.readouterr().err
