from datetime import date

import pytest
from vietnam_provinces import ProvinceCode, Ward

from apps.audit.models import AuditEvent
from apps.organizations.demo import DISTRICT_SUCCESSOR_WARDS, DISTRICTS_2017, demo_hatinh_2017, demo_hatinh_2025
from apps.organizations.models import AdministrativeUnit, Agency, AgencyVersion, Level, ReorganisationEvent
from apps.organizations.selectors import (
    agency_serving,
    agency_state_on,
    agency_subtree_ids,
    agency_successors,
    agency_tree_on,
)

pytestmark = pytest.mark.django_db

UBND = Agency.Category.PEOPLES_COMMITTEE
TODAY = date(2026, 3, 1)


@pytest.fixture
def hatinh():
    demo_hatinh_2017(lambda message: None)
    demo_hatinh_2025(lambda message: None)


def _agency(name: str) -> Agency:
    return Agency.objects.get(versions__name=name)


def _names(agencies) -> set[str]:
    return {a.name for a in agencies}


def test_successor_mapping_covers_each_2025_commune_exactly_once():
    mapped = [code for codes in DISTRICT_SUCCESSOR_WARDS.values() for code in codes]
    package = [int(w.code) for w in Ward.iter_by_province(ProvinceCode.P_42)]

    assert sorted(mapped) == sorted(package)
    assert set(DISTRICT_SUCCESSOR_WARDS) == {code for code, *_ in DISTRICTS_2017}


def test_thach_ha_was_served_by_its_district_committee_in_2017(hatinh):
    served = agency_serving(category=UBND, administrative_unit="445", on=date(2017, 6, 1))

    assert served.name == "UBND huyện Thạch Hà"
    assert served.identifier.endswith(".H27")
    assert agency_serving(category=UBND, administrative_unit="445", on=TODAY) is None


def test_the_commune_committee_serves_a_ward_today(hatinh):
    served = agency_serving(category=UBND, administrative_unit="18754", on=TODAY)

    assert served.name == "UBND phường Sông Trí"
    assert agency_state_on(served, TODAY).parent.name == "UBND tỉnh Hà Tĩnh"


def test_successor_today_of_the_information_department_is_science_and_technology(hatinh):
    assert _names(agency_successors(_agency("Sở Thông tin và Truyền thông"), TODAY)) == {"Sở Khoa học và Công nghệ"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Sở Kế hoạch và Đầu tư", {"Sở Tài chính"}),
        ("Sở Giao thông Vận tải", {"Sở Xây dựng"}),
        ("Sở Tài nguyên và Môi trường", {"Sở Nông nghiệp và Môi trường"}),
        ("Sở Nông nghiệp và Phát triển nông thôn", {"Sở Nông nghiệp và Môi trường"}),
        ("Sở Lao động - Thương binh và Xã hội", {"Sở Nội vụ", "Sở Y tế"}),
        ("Sở Y tế", {"Sở Y tế"}),
    ],
    ids=["planning", "transport", "environment", "agriculture", "labour-split-with-transfer", "unchanged"],
)
def test_successors_today_of_2017_departments(hatinh, old, new):
    assert _names(agency_successors(_agency(old), TODAY)) == new


def test_successors_today_of_thach_ha_district_are_its_communes(hatinh):
    successors = agency_successors(_agency("UBND huyện Thạch Hà"), TODAY)

    assert _names(successors) == {
        "UBND xã Thạch Hà",
        "UBND xã Đông Kinh",
        "UBND xã Việt Xuyên",
        "UBND xã Thạch Khê",
        "UBND xã Đồng Tiến",
        "UBND xã Thạch Lạc",
        "UBND xã Toàn Lưu",
        "UBND xã Thạch Xuân",
    }
    assert {a.level for a in successors} == {Level.COMMUNE}


def test_2017_structure_stays_readable(hatinh):
    in_2017 = agency_tree_on(date(2017, 6, 1))
    today = agency_tree_on(TODAY)

    committee_2017 = next(node for node in in_2017 if node.name == "UBND tỉnh Hà Tĩnh")
    children_2017 = {child.name for child in committee_2017.children}
    assert {
        "Sở Thông tin và Truyền thông",
        "UBND huyện Thạch Hà",
        "Thanh tra tỉnh",
        "Văn phòng UBND tỉnh",
    } <= children_2017
    assert sum(name.startswith("UBND ") for name in children_2017) == 13
    committee_today = next(node for node in today if node.name == "UBND tỉnh Hà Tĩnh")
    children_today = {child.name for child in committee_today.children}
    assert "Sở Thông tin và Truyền thông" not in children_today
    assert "Sở Nông nghiệp và Môi trường" in children_today
    assert sum(name.startswith(("UBND xã", "UBND phường")) for name in children_today) == 69
    assert {root.name for root in in_2017} >= {"Tỉnh ủy Hà Tĩnh", "HĐND tỉnh Hà Tĩnh", "Công an tỉnh Hà Tĩnh"}


def test_provincial_service_centre_opens_in_2017(hatinh):
    centre = _agency("Trung tâm Hành chính công tỉnh")

    assert agency_state_on(centre, date(2017, 6, 1)) is None
    assert agency_state_on(centre, date(2017, 12, 1)).parent.name == "Văn phòng UBND tỉnh"


def test_subtree_of_the_province_by_date(hatinh):
    committee = _agency("UBND tỉnh Hà Tĩnh")
    unit = _agency("Phòng Công nghệ thông tin")
    desk = _agency("Trung tâm Hành chính công huyện Thạch Hà")

    in_2017 = agency_subtree_ids(committee, on=date(2017, 6, 1))
    today = agency_subtree_ids(committee, on=TODAY)

    assert {unit.pk, desk.pk} <= in_2017
    assert not {unit.pk, desk.pk} & today
    assert Agency.objects.filter(pk__in=today, level=Level.COMMUNE).count() == 69


def test_events_carry_their_decisions_and_are_audited(hatinh):
    merger = ReorganisationEvent.objects.get(links__predecessor__name="Sở Thông tin và Truyền thông")
    abolition = ReorganisationEvent.objects.get(kind=ReorganisationEvent.Kind.ABOLISH)

    assert merger.kind == ReorganisationEvent.Kind.MERGE
    assert merger.decision_number.startswith("DEMO-")
    assert merger.effective_date == date(2025, 3, 1)
    assert abolition.decision_number == "72/2025/QH15"
    assert abolition.links.count() == 69
    assert AuditEvent.objects.filter(action="organizations.agencies_abolish", target_uuid=abolition.uuid).exists()


def test_demo_is_idempotent(hatinh):
    counts = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        AgencyVersion.objects.count(),
        ReorganisationEvent.objects.count(),
        AuditEvent.objects.count(),
    )

    demo_hatinh_2017(lambda message: None)
    demo_hatinh_2025(lambda message: None)

    assert (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        AgencyVersion.objects.count(),
        ReorganisationEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert AdministrativeUnit.objects.filter(level=Level.DISTRICT).count() == 13
    assert AdministrativeUnit.objects.filter(level=Level.COMMUNE).count() == 69
