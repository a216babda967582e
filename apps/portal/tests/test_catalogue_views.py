"""Public catalogue pages: no sign-in, browse counts, search with filters, the procedure page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from apps.organizations.models import Level
from apps.portal.catalogue import views
from apps.procedures.actions import life_event_save, procedure_deactivate, procedure_version_publish, sector_save
from apps.procedures.specs import DocumentSpec, FeeSpec
from apps.procedures.tests.factories import DepartmentFactory, ProcedureFactory, version_spec

pytestmark = pytest.mark.django_db

HOME = "/dich-vu-cong/"
SEARCH = "/dich-vu-cong/thu-tuc/"


def _submit_stub(request, **kwargs):  # pragma: no cover - only reversed, never called
    raise AssertionError


# A URL map with a "portal:submit-start" page, whatever the submission pages look like today.
urlpatterns = [
    path(
        "dich-vu-cong/",
        include(
            (
                [
                    path("", include("apps.portal.catalogue.urls")),
                    path("nop/<uuid:uuid>/", _submit_stub, name="submit-start"),
                ],
                "portal",
            )
        ),
    ),
    path("", include("apps.core.urls")),
    path("tai-khoan/", include("apps.accounts.urls")),
    path("tra-cuu/", include("apps.dossiers.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
]


@pytest.fixture
def catalogue():
    construction = sector_save(actor=None, code="XD", name="Hoạt động xây dựng")
    civil = sector_save(actor=None, code="HT", name="Hộ tịch")
    life_event_save(actor=None, code="xay-nha", name="Xây dựng nhà ở")
    department = DepartmentFactory("Sở Xây dựng")
    permit = ProcedureFactory(
        "Cấp giấy phép xây dựng",
        sector=construction,
        agency=department,
        online_mode="full",
        life_event_codes=["xay-nha"],
        version=version_spec(
            15,
            agency=department,
            documents=[
                DocumentSpec(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1, form_template="Mẫu số 01"),
                DocumentSpec(name="Bản vẽ thiết kế", originals=2, copies=1),
                DocumentSpec(name="Giấy tờ về quyền sử dụng đất", certified_copies=1, mandatory=False),
            ],
            fees=[
                FeeSpec(name="Lệ phí cấp giấy phép", amount=1250000),
                FeeSpec(name="Phí thẩm định", amount=75000, kind="charge"),
            ],
            sequence="Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.",
            channels="Trực tiếp hoặc trực tuyến",
            subjects="Cá nhân, tổ chức",
            legal_basis="Luật Xây dựng 2014",
            requirements="Không",
        ),
    )
    birth = ProcedureFactory("Đăng ký khai sinh", sector=civil, level=Level.COMMUNE)
    old = ProcedureFactory("Cấp giấy phép kinh doanh karaoke", sector=construction)
    procedure_deactivate(actor=None, procedure=old)
    return {"permit": permit, "birth": birth, "old": old, "department": department}


def test_home_shows_browse_counts_without_sign_in(client, catalogue):
    response = client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 thủ tục" in body  # active procedures only
    assert f'href="{SEARCH}?linh_vuc=XD"' in body
    assert f'href="{SEARCH}?cap={Level.COMMUNE.value}"' in body
    assert f'href="{SEARCH}?co_quan={catalogue["department"].uuid}"' in body
    assert f'href="{SEARCH}?su_kien=xay-nha"' in body
    assert 'role="search"' in body and 'for="id_q"' in body
    # The inactive procedure's sector counts one procedure, not two.
    assert response.context["home"].sectors[0].count == 1


def test_public_home_and_nav_link_the_catalogue(client, catalogue):
    body = client.get("/").content.decode()
    assert f'href="{HOME}"' in body


def test_search_without_diacritics_finds_and_ranks(client, catalogue):
    response = client.get(SEARCH, {"q": "cap giay phep xay dung"})
    assert response.status_code == 200
    assert [p.name for p in response.context["page"].object_list] == ["Cấp giấy phép xây dựng"]
    body = response.content.decode()
    assert reverse("portal:procedure", args=[catalogue["permit"].uuid]) in body
    assert "Dịch vụ công trực tuyến toàn trình" in body


def test_search_garbage_shows_a_message_not_an_error(client, catalogue):
    response = client.get(SEARCH, {"q": "!!! %%% ???"})
    assert response.status_code == 200
    assert "không có chữ cái hay chữ số" in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_search_sql_looking_text_is_harmless(client, catalogue):
    response = client.get(SEARCH, {"q": "'; DROP TABLE procedures_procedure; --"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert client.get(SEARCH, {"q": "khai sinh"}).context["page"].paginator.count == 1


def test_typo_is_shown_with_the_word_used(client, catalogue):
    response = client.get(SEARCH, {"q": "giay phepp"})
    assert [p.name for p in response.context["page"].object_list] == ["Cấp giấy phép xây dựng"]
    assert "“phepp” → “phep”" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"linh_vuc": "HT"}, ["Đăng ký khai sinh"], id="sector"),
        pytest.param({"cap": str(Level.PROVINCE.value)}, ["Cấp giấy phép xây dựng"], id="level"),
        pytest.param({"su_kien": "xay-nha"}, ["Cấp giấy phép xây dựng"], id="life-event"),
        pytest.param({"q": "dang ky", "linh_vuc": "XD"}, [], id="query-and-sector"),
        pytest.param({}, ["Cấp giấy phép xây dựng", "Đăng ký khai sinh"], id="no-filter-active-only"),
    ],
)
def test_filters(client, catalogue, params, expected):
    response = client.get(SEARCH, params)
    assert [p.name for p in response.context["page"].object_list] == expected


def test_agency_filter(client, catalogue):
    response = client.get(SEARCH, {"co_quan": str(catalogue["department"].uuid)})
    assert [p.name for p in response.context["page"].object_list] == ["Cấp giấy phép xây dựng"]


@pytest.mark.parametrize(
    "params",
    [
        {"linh_vuc": "KHONG-CO"},
        {"cap": "9"},
        {"cap": "abc"},
        {"co_quan": "not-a-uuid"},
        {"co_quan": "00000000-0000-0000-0000-000000000000"},
        {"su_kien": "<script>"},
        {"trang": "-1"},
        {"trang": "999"},
    ],
)
def test_unreadable_filters_are_ignored_with_a_message(client, catalogue, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    if "trang" not in params:
        assert "Không đọc được một số điều kiện lọc" in response.content.decode()
    assert response.context["page"].paginator.count == 2


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="browse"),
        pytest.param({"q": "giay phep"}, id="search"),
        pytest.param({"q": "giay phepp", "linh_vuc": "XD", "cap": "1"}, id="typo-and-filters"),
    ],
)
def test_results_query_count_does_not_grow_with_rows(client, catalogue, params, django_assert_num_queries):
    few = _count_queries(client, params)
    construction = catalogue["permit"].sector
    for number in range(30):
        ProcedureFactory(f"Cấp giấy phép xây dựng công trình loại {number}", sector=construction)
    with django_assert_num_queries(few):
        response = client.get(SEARCH, params)
    assert response.status_code == 200


def test_home_query_count_does_not_grow_with_rows(client, catalogue, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    for number in range(10):
        sector = sector_save(actor=None, code=f"S{number}", name=f"Lĩnh vực {number}")
        ProcedureFactory(f"Thủ tục {number}", sector=sector)
    with django_assert_num_queries(len(queries)):
        client.get(HOME)


def test_results_are_paginated(client, catalogue):
    construction = catalogue["permit"].sector
    for number in range(25):
        ProcedureFactory(f"Cấp giấy phép xây dựng công trình {number:02d}", sector=construction)
    first = client.get(SEARCH, {"q": "giay phep xay dung"})
    assert first.context["page"].paginator.count == 26
    assert len(first.context["page"].object_list) == views.PAGE_SIZE
    assert "q=giay+phep+xay+dung&amp;trang=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "giay phep xay dung", "trang": "2"})
    assert len(second.context["page"].object_list) == 26 - views.PAGE_SIZE


def test_procedure_page_shows_the_public_items(client, catalogue, settings):
    settings.ROOT_URLCONF = __name__
    permit = catalogue["permit"]
    response = client.get(reverse("portal:procedure", args=[permit.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    for item in [
        "1. Tên thủ tục",
        "2. Trình tự thực hiện",
        "3. Cách thức thực hiện",
        "5. Thời hạn giải quyết",
        "11. Yêu cầu, điều kiện",
    ]:
        assert item in body, item
    assert "1.250.000 đ" in body and "75.000 đ" in body and "1.325.000 đ" in body
    assert "15 ngày làm việc" in body
    assert "Dịch vụ công trực tuyến toàn trình" in body
    assert "Mẫu số 01" in body and "chưa có tệp" in body
    assert "Thành phần hồ sơ (3)" in body
    assert "2 bản chính" in body and "1 bản sao chứng thực" in body
    assert f'href="/dich-vu-cong/nop/{permit.uuid}/"' in body
    assert "Nộp hồ sơ trực tuyến" in body


def test_submit_button_needs_the_submission_page(rf, catalogue, settings):
    settings.ROOT_URLCONF = "apps.core.urls"  # no portal namespace at all
    assert views.submit_url(catalogue["permit"]) is None
    settings.ROOT_URLCONF = __name__
    assert views.submit_url(catalogue["permit"]) == f"/dich-vu-cong/nop/{catalogue['permit'].uuid}/"


def test_procedure_page_query_count(client, catalogue, django_assert_num_queries):
    url = reverse("portal:procedure", args=[catalogue["permit"].uuid])
    client.get(url)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_inactive_procedure_is_shown_without_submission(client, catalogue, settings):
    settings.ROOT_URLCONF = __name__
    response = client.get(reverse("portal:procedure", args=[catalogue["old"].uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "không còn áp dụng" in body
    assert "Nộp hồ sơ trực tuyến" not in body


def test_procedure_page_shows_the_version_in_force(client, catalogue):
    permit = catalogue["permit"]
    tomorrow = date.today() + timedelta(days=1)
    procedure_version_publish(
        actor=None, procedure=permit, valid_from=tomorrow, version=version_spec(30, agency=catalogue["department"])
    )
    body = client.get(reverse("portal:procedure", args=[permit.uuid])).content.decode()
    assert "15 ngày làm việc" in body and "30 ngày làm việc" not in body


def test_unknown_procedure_is_404(client, catalogue):
    assert client.get("/dich-vu-cong/thu-tuc/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/dich-vu-cong/thu-tuc/khong-phai-uuid/").status_code == 404


def test_pages_refuse_post(client, catalogue):
    assert client.post(SEARCH, {"q": "x"}).status_code == 405


def test_commune_procedure_names_the_commune_committee(client, catalogue):
    body = client.get(reverse("portal:procedure", args=[catalogue["birth"].uuid])).content.decode()
    assert "Ủy ban nhân dân xã, phường nơi bạn nộp hồ sơ" in body
