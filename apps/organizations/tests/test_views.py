import re
from datetime import date

import pytest
from django.urls import reverse

from apps.organizations.actions import Decision, agencies_merge, agency_rename
from apps.organizations.models import Agency

from .factories import OfficialFactory, make_agency

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("organizations:directory")
DECISION = Decision("1234/QĐ-UBND", date(2025, 2, 20), "UBND tỉnh Hà Tĩnh")


@pytest.fixture
def official_client(client):
    client.force_login(OfficialFactory())
    return client


def _province(departments: int) -> Agency:
    committee = make_agency("UBND tỉnh Thử", category=Agency.Category.PEOPLES_COMMITTEE, identifier="000.00.00.H27")
    for number in range(1, departments + 1):
        department = make_agency(f"Sở Số {number}", parent=committee, identifier=f"000.00.{number:02d}.H27")
        make_agency(f"Phòng {number}", parent=department, kind=Agency.Kind.UNIT, identifier=f"000.01.{number:02d}.H27")
    return committee


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(DIRECTORY)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_applicant_is_refused(client):
    client.force_login(OfficialFactory(kind="applicant"))

    assert client.get(DIRECTORY).status_code == 403


def test_directory_shows_todays_tree_with_identifiers_and_menu_entry(official_client):
    _province(2)
    make_agency("Sở Đã Giải Thể", valid_to=date(2020, 12, 31))

    response = official_client.get(DIRECTORY)

    assert response.status_code == 200
    assert "Sở Số 2" in response.text
    assert "000.01.02.H27" in response.text
    assert "Sở Đã Giải Thể" not in response.text
    assert f'href="{DIRECTORY}"' in response.text


def test_directory_on_a_past_date_shows_the_structure_then(official_client):
    agency = make_agency("Sở Thông tin và Truyền thông")
    absorbing = make_agency("Sở Khoa học và Công nghệ")
    agencies_merge(
        actor=None, predecessors=[agency], into=absorbing, effective_date=date(2025, 3, 1), decision=DECISION
    )

    then = official_client.get(DIRECTORY, {"ngay": "01/06/2017"})
    now = official_client.get(DIRECTORY)

    assert "Sở Thông tin và Truyền thông" in then.text
    assert 'value="01/06/2017"' in then.text
    assert "Sở Thông tin và Truyền thông" not in now.text


def test_directory_uses_the_name_of_the_day(official_client):
    agency = make_agency("Sở Bưu chính Viễn thông", valid_from=date(2000, 1, 1))
    agency_rename(
        actor=None,
        agency=agency,
        name="Sở Thông tin và Truyền thông",
        effective_date=date(2008, 1, 1),
        decision=DECISION,
    )

    in_2017 = official_client.get(DIRECTORY, {"ngay": "01/06/2017"})
    in_2005 = official_client.get(DIRECTORY, {"ngay": "01/06/2005"})

    assert "Sở Thông tin và Truyền thông" in in_2017.text
    assert "Sở Bưu chính Viễn thông" not in in_2017.text
    assert "Sở Bưu chính Viễn thông" in in_2005.text


@pytest.mark.parametrize("query", ["so y te", "SỞ Y TẾ", "y tế"], ids=["no-accents", "upper-case", "accents"])
def test_name_filter_ignores_diacritics(official_client, query):
    committee = _province(0)
    make_agency("Sở Y tế", parent=committee, identifier="000.00.06.H27")
    make_agency("Sở Tư pháp", parent=committee, identifier="000.00.15.H27")

    response = official_client.get(DIRECTORY, {"q": query})

    assert "<mark>Sở Y tế</mark>" in response.text
    assert "UBND tỉnh Thử" in response.text
    assert "Sở Tư pháp" not in response.text


@pytest.mark.parametrize(
    "value", ["32/13/2017", "2017/06/01", "hôm qua"], ids=["impossible-day", "wrong-order", "words"]
)
def test_unreadable_date_is_explained_and_today_shown(official_client, value):
    _province(1)

    response = official_client.get(DIRECTORY, {"ngay": value})

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "Sở Số 1" in response.text


def test_directory_query_count_does_not_grow_with_agencies(official_client, django_assert_max_num_queries):
    _province(3)
    with django_assert_max_num_queries(12) as small:
        official_client.get(DIRECTORY, {"ngay": "01/06/2017"})
    _province_more = [make_agency(f"Sở Thêm {n}") for n in range(30)]

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = official_client.get(DIRECTORY, {"ngay": "01/06/2017"})

    assert len(_province_more) == 30
    assert "Sở Thêm 29" in response.text


def test_agency_page_shows_identifier_history_decisions_and_successors(official_client):
    agency = make_agency("Sở Bưu chính Viễn thông", identifier="000.00.02.H27", valid_from=date(2000, 1, 1))
    agency_rename(
        actor=None,
        agency=agency,
        name="Sở Thông tin và Truyền thông",
        effective_date=date(2008, 1, 1),
        decision=DECISION,
    )
    absorbing = make_agency("Sở Khoa học và Công nghệ", valid_from=date(2000, 1, 1))
    agencies_merge(
        actor=None,
        predecessors=[agency],
        into=absorbing,
        effective_date=date(2025, 3, 1),
        decision=Decision("07/NQ-HĐND", date(2025, 2, 25), "HĐND tỉnh"),
    )

    response = official_client.get(agency.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "000.00.02.H27" in text
    assert "Sở Bưu chính Viễn thông" in text
    assert "07/NQ-HĐND" in text and "25/02/2025" in text
    assert absorbing.get_absolute_url() in text
    successor_page = official_client.get(absorbing.get_absolute_url()).text
    assert agency.get_absolute_url() in successor_page


def test_agency_page_for_unknown_uuid_is_404(official_client):
    assert (
        official_client.get(
            reverse("organizations:agency-detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
        ).status_code
        == 404
    )


def test_agency_page_query_count_does_not_grow_with_history(official_client, django_assert_max_num_queries):
    committee = _province(2)
    with django_assert_max_num_queries(14) as small:
        official_client.get(committee.get_absolute_url())
    for number in range(10):
        absorbed = make_agency(f"Sở Nhập {number}", parent=committee)
        agencies_merge(
            actor=None,
            predecessors=[absorbed],
            into=committee,
            effective_date=date(2025, 3, 1 + number),
            decision=DECISION,
        )

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = official_client.get(committee.get_absolute_url())

    assert "Sở Nhập 9" in response.text


def test_pages_have_no_inline_scripts_or_styles(official_client):
    committee = _province(1)

    for url in (DIRECTORY, committee.get_absolute_url()):
        text = official_client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        assert " style=" not in text
        assert "<style" not in text
