from datetime import date

import pytest

from apps.organizations.actions import (
    AgencySpec,
    Decision,
    agencies_merge,
    agency_create,
    agency_rename,
    agency_split,
)
from apps.organizations.models import Agency, Level
from apps.organizations.selectors import (
    agencies_valid_on,
    agency_name_on,
    agency_serving,
    agency_state_on,
    agency_subtree_ids,
    agency_successors,
    agency_tree_on,
)

from .factories import AdministrativeUnitFactory, make_agency

pytestmark = pytest.mark.django_db

DECISION = Decision("99/QĐ-UBND", date(2019, 12, 1), "UBND tỉnh")
TODAY = date(2026, 1, 15)


def _spec(name: str, **kwargs) -> AgencySpec:
    return AgencySpec(name=name, category=Agency.Category.DEPARTMENT, level=Level.PROVINCE, **kwargs)


def test_agencies_valid_on_answers_for_the_day_asked():
    old = make_agency("Sở Cũ", valid_to=date(2019, 12, 31))
    new = make_agency("Sở Mới", valid_from=date(2020, 1, 1))

    assert list(agencies_valid_on(date(2019, 12, 31))) == [old]
    assert list(agencies_valid_on(date(2020, 1, 1))) == [new]


def test_state_on_a_day_gives_the_name_and_parent_then():
    committee = make_agency("UBND tỉnh", category=Agency.Category.PEOPLES_COMMITTEE)
    agency = make_agency("Sở Bưu chính", parent=committee)
    agency_rename(actor=None, agency=agency, name="Sở Thông tin", effective_date=date(2020, 1, 1), decision=DECISION)

    before, after = agency_state_on(agency, date(2019, 6, 1)), agency_state_on(agency, date(2021, 6, 1))

    assert (before.name, before.parent) == ("Sở Bưu chính", committee)
    assert (after.name, after.parent) == ("Sở Thông tin", committee)
    assert agency_name_on(agency, date(2016, 1, 1)) is None


def test_agency_serving_an_administrative_unit_on_a_day():
    unit = AdministrativeUnitFactory(code="445", name="Huyện Thạch Hà", valid_to=date(2025, 6, 30))
    committee = make_agency(
        "UBND huyện Thạch Hà",
        category=Agency.Category.PEOPLES_COMMITTEE,
        level=Level.DISTRICT,
        administrative_unit=unit,
        valid_to=date(2025, 6, 30),
    )
    make_agency(
        "Trung tâm HCC huyện Thạch Hà",
        category=Agency.Category.ONE_STOP_DESK,
        level=Level.DISTRICT,
        administrative_unit=unit,
    )

    by_code = agency_serving(category=Agency.Category.PEOPLES_COMMITTEE, administrative_unit="445", on=date(2017, 6, 1))
    by_unit = agency_serving(category=Agency.Category.PEOPLES_COMMITTEE, administrative_unit=unit, on=date(2017, 6, 1))
    after = agency_serving(category=Agency.Category.PEOPLES_COMMITTEE, administrative_unit="445", on=date(2025, 7, 1))

    assert by_code == by_unit == committee
    assert after is None


def test_successor_follows_merge_then_rename_then_merge():
    first = make_agency("Sở A")
    second = make_agency("Sở B")
    agencies_merge(actor=None, predecessors=[first], into=second, effective_date=date(2020, 1, 1), decision=DECISION)
    agency_rename(actor=None, agency=second, name="Sở B mới", effective_date=date(2021, 1, 1), decision=DECISION)
    _, third = agencies_merge(
        actor=None, predecessors=[second], into=_spec("Sở C"), effective_date=date(2022, 1, 1), decision=DECISION
    )

    assert agency_successors(first, TODAY) == [third]
    assert agency_successors(first, date(2020, 6, 1)) == [second]
    assert agency_successors(third, TODAY) == [third]


def test_successors_of_a_split_agency_are_all_its_parts():
    agency = make_agency("Sở Gộp")
    _, parts = agency_split(
        actor=None,
        agency=agency,
        into=[_spec("Sở Một"), _spec("Sở Hai")],
        effective_date=date(2020, 1, 1),
        decision=DECISION,
    )

    assert agency_successors(agency, TODAY) == parts


def test_subtree_ids_follow_the_parents_of_the_day():
    committee = make_agency("UBND tỉnh", category=Agency.Category.PEOPLES_COMMITTEE)
    department = make_agency("Sở X", parent=committee)
    division = make_agency("Phòng Y", parent=department, kind=Agency.Kind.UNIT)
    closed = make_agency("Phòng Đã Giải Thể", parent=department, kind=Agency.Kind.UNIT, valid_to=date(2018, 12, 31))
    other = make_agency("Sở Khác")

    in_2018 = agency_subtree_ids(committee, on=date(2018, 6, 1))
    in_2020 = agency_subtree_ids(committee, on=date(2020, 6, 1))

    assert in_2018 == {committee.pk, department.pk, division.pk, closed.pk}
    assert in_2020 == {committee.pk, department.pk, division.pk}
    assert agency_subtree_ids(department, on=date(2020, 6, 1)) == {department.pk, division.pk}
    assert other.pk not in in_2020
    assert agency_subtree_ids(closed, on=date(2020, 6, 1)) == set()


def test_subtree_ids_take_one_query(django_assert_num_queries):
    committee = make_agency("UBND tỉnh", category=Agency.Category.PEOPLES_COMMITTEE)
    for index in range(5):
        make_agency(f"Sở {index}", parent=committee)

    with django_assert_num_queries(1):
        agency_subtree_ids(committee, on=date(2020, 1, 1))


def test_tree_filter_ignores_diacritics_and_keeps_the_parents():
    committee = agency_create(
        actor=None,
        name="UBND tỉnh",
        category=Agency.Category.PEOPLES_COMMITTEE,
        level=Level.PROVINCE,
        valid_from=date(2017, 1, 1),
    )
    make_agency("Sở Y tế", parent=committee)
    make_agency("Sở Tư pháp", parent=committee)
    make_agency("Đài Phát thanh", parent=committee)

    roots = agency_tree_on(date(2020, 1, 1), query="SO Y TE")
    radio = agency_tree_on(date(2020, 1, 1), query="dai phat")

    assert [root.name for root in roots] == ["UBND tỉnh"]
    assert [child.name for child in roots[0].children] == ["Sở Y tế"]
    assert (roots[0].matches, roots[0].children[0].matches) == (False, True)
    assert [child.name for child in radio[0].children] == ["Đài Phát thanh"]
