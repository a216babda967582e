import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.organizations.models import Level
from apps.procedures.actions import procedure_version_publish
from apps.procedures.catalogue_io import catalogue_document, json_dumps
from apps.procedures.models import Procedure

from .factories import CommuneCommitteeFactory, DepartmentFactory, ProcedureFactory, SectorFactory, version_spec

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("procedures:catalogue")
TRANSFER = reverse("procedures:transfer")


@pytest.fixture
def official(client):
    client.force_login(UserFactory(roles=[Role.HANDLER]))
    return client


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(roles=[Role.SYSADMIN]))
    return client


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(CATALOGUE)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_applicant_is_refused(client):
    client.force_login(UserFactory(kind="applicant"))

    assert client.get(CATALOGUE).status_code == 403


def test_search_without_diacritics_finds_the_procedure(official):
    ProcedureFactory("Cấp giấy phép xây dựng nhà ở riêng lẻ")
    ProcedureFactory("Đăng ký khai sinh")

    response = official.get(CATALOGUE, {"q": "cap giay phep xay dung"})

    assert response.status_code == 200
    assert _names(response) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert "5 ngày làm việc" in response.text


@pytest.mark.parametrize("query", ["ĐĂNG KÝ", "dang ky", "1.000777"])
def test_search_by_name_in_any_case_or_by_code(official, query):
    ProcedureFactory("Đăng ký kết hôn", code="1.000777.000.00.00.H27")
    ProcedureFactory("Chứng thực bản sao")

    assert _names(official.get(CATALOGUE, {"q": query})) == ["Đăng ký kết hôn"]


def test_filters_by_sector_level_and_receiving_agency(official):
    civil = SectorFactory("HT", "Hộ tịch")
    department = DepartmentFactory("Sở Xây dựng Thử")
    commune = CommuneCommitteeFactory()
    ProcedureFactory("Đăng ký khai sinh", sector=civil)
    ProcedureFactory("Cấp giấy phép xây dựng", agency=department)

    assert _names(official.get(CATALOGUE, {"linh_vuc": civil.uuid})) == ["Đăng ký khai sinh"]
    assert _names(official.get(CATALOGUE, {"cap": Level.PROVINCE})) == ["Cấp giấy phép xây dựng"]
    assert _names(official.get(CATALOGUE, {"co_quan": commune.uuid})) == ["Đăng ký khai sinh"]
    assert _names(official.get(CATALOGUE, {"co_quan": department.uuid})) == ["Cấp giấy phép xây dựng"]


def _make(count: int) -> None:
    department = DepartmentFactory()
    for number in range(count):
        procedure = ProcedureFactory(f"Thủ tục số {number}", agency=department if number % 2 else None)
        if number % 3 == 0:
            procedure_version_publish(
                actor=None,
                procedure=procedure,
                valid_from=procedure.versions.get().valid_from.replace(year=2026),
                version=version_spec(),
            )


@pytest.mark.parametrize("params", [{}, {"q": "thu tuc"}], ids=["all", "search"])
def test_list_query_count_does_not_grow_with_the_rows(official, django_assert_max_num_queries, params):
    _make(2)
    with CaptureQueriesContext(connection) as small:
        assert len(_names(official.get(CATALOGUE, params))) == 2
    _make(20)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = official.get(CATALOGUE, params)

    assert len(_names(response)) == 22


def test_detail_shows_the_public_items_versions_steps_and_clock_rules(official):
    department = DepartmentFactory("Sở Tư pháp Thử")
    procedure = ProcedureFactory("Cấp Phiếu lý lịch tư pháp", agency=department)
    procedure_version_publish(
        actor=None,
        procedure=procedure,
        valid_from=procedure.versions.get().valid_from.replace(year=2026),
        version=version_spec(10, agency=department, change_note="Thời hạn mới"),
    )

    response = official.get(procedure.get_absolute_url())
    old = official.get(procedure.get_absolute_url(), {"phien_ban": 1})

    assert response.status_code == 200
    assert response.context["version"].number == 2
    text = response.text
    for expected in [
        "Cấp Phiếu lý lịch tư pháp",
        "10 ngày làm việc",
        "Tờ khai",
        "75.000 đ",
        "Sở Tư pháp Thử",
        "Thời hạn mới",
    ]:
        assert expected in text
    rules = {rule.event: (rule.effect, rule.window_working_days) for rule in response.context["page"].clock_rules}
    assert rules == {
        "supplement_request": ("restart", 3),
        "financial_obligation": ("pause", None),
        "later_supplement": ("pause", None),
    }
    assert old.context["version"].number == 1
    assert "5 ngày làm việc" in old.text


def test_unknown_procedure_is_not_found(official):
    assert (
        official.get(reverse("procedures:detail", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"})).status_code
        == 404
    )


@pytest.mark.parametrize(
    "url",
    [TRANSFER, reverse("procedures:export-json"), reverse("procedures:export-xlsx")],
    ids=["page", "json", "xlsx"],
)
def test_import_and_export_are_for_the_system_administrator(official, url):
    assert official.get(url).status_code == 403


def test_menu_shows_the_catalogue_to_officials_and_the_transfer_page_to_administrators(official, client):
    page = official.get(CATALOGUE).text

    assert f'href="{CATALOGUE}"' in page
    assert f'href="{TRANSFER}"' not in page
    client.force_login(UserFactory(roles=[Role.SYSADMIN]))
    assert f'href="{TRANSFER}"' in client.get(CATALOGUE).text


def test_administrator_exports_both_formats(admin):
    ProcedureFactory("Đăng ký khai sinh")

    as_json = admin.get(reverse("procedures:export-json"))
    as_xlsx = admin.get(reverse("procedures:export-xlsx"))

    assert json.loads(as_json.content)["procedures"][0]["name"] == "Đăng ký khai sinh"
    assert as_json["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    assert as_xlsx.content[:2] == b"PK"


def test_administrator_imports_a_file(admin):
    ProcedureFactory("Đăng ký khai sinh")
    document = catalogue_document()
    Procedure.objects.all().delete()
    upload = SimpleUploadedFile("danh-muc.json", json_dumps(document), content_type="application/json")

    response = admin.post(TRANSFER, {"tep": upload}, follow=True)

    assert response.status_code == 200
    assert "Thêm 1 thủ tục" in response.text
    assert Procedure.objects.get().name == "Đăng ký khai sinh"


def test_a_bad_file_is_refused_with_its_problems_and_nothing_saved(admin):
    ProcedureFactory("Đăng ký khai sinh")
    document = catalogue_document()
    document["procedures"][0]["name"] = "Tên không được lưu"
    document["procedures"][0]["versions"][0]["steps"][0]["role"] = "auditor"
    upload = SimpleUploadedFile("sai.json", json_dumps(document), content_type="application/json")

    response = admin.post(TRANSFER, {"tep": upload})

    assert response.status_code == 400
    assert "bước 1: vai trò “auditor” không hợp lệ" in response.text
    assert not Procedure.objects.filter(name="Tên không được lưu").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("danh-muc.xlsx", b"not a workbook", "Tệp Excel không đọc được", id="not-xlsx"),
        pytest.param("danh-muc.json", b"[1, 2", "Tệp JSON không đọc được", id="not-json"),
        pytest.param("danh-muc.json", b"[1, 2]", "Tệp không phải danh mục thủ tục của egov", id="not-a-catalogue"),
    ],
)
def test_unreadable_uploads_are_refused(admin, name, content, message):
    response = admin.post(TRANSFER, {"tep": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert response.context["problems"][0].startswith(message)
    assert Procedure.objects.count() == 0


def test_other_file_types_are_refused(admin):
    response = admin.post(TRANSFER, {"tep": SimpleUploadedFile("danh-muc.csv", b"a,b")})

    assert response.status_code == 400
    assert "tep" in response.context["form"].errors


def test_administrator_stops_and_restarts_a_procedure(admin):
    procedure = ProcedureFactory()
    url = reverse("procedures:toggle", kwargs={"uuid": procedure.uuid})

    admin.post(url)
    procedure.refresh_from_db()
    stopped = procedure.is_active
    admin.post(url)
    procedure.refresh_from_db()

    assert (stopped, procedure.is_active) == (False, True)


def test_official_cannot_stop_a_procedure(official):
    procedure = ProcedureFactory()

    response = official.post(reverse("procedures:toggle", kwargs={"uuid": procedure.uuid}))

    assert response.status_code == 403
    assert Procedure.objects.get(pk=procedure.pk).is_active
