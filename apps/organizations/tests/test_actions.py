from datetime import date

import pytest

from apps.audit.models import AuditEvent
from apps.organizations.actions import (
    AgencySpec,
    Decision,
    Transfer,
    agencies_abolish,
    agencies_establish,
    agencies_merge,
    agency_rename,
    agency_split,
    responsibilities_transfer,
)
from apps.organizations.errors import OrganizationsError, OrganizationsErrorCode
from apps.organizations.models import Agency, AgencyVersion, Level, ReorganisationEvent, ReorganisationLink

from .factories import AdministrativeUnitFactory, OfficialFactory, make_agency

pytestmark = pytest.mark.django_db

Code = OrganizationsErrorCode
DECISION = Decision("1234/QĐ-UBND", date(2025, 2, 20), "UBND tỉnh Hà Tĩnh")
D2017 = date(2017, 1, 1)
MERGER_DAY = date(2025, 3, 1)


def _state() -> tuple:
    """Everything the actions may change, to prove a refused call left it as it was."""
    return (
        list(Agency.objects.order_by("pk").values_list("pk", "name", "identifier", "valid_from", "valid_to")),
        list(AgencyVersion.objects.order_by("pk").values_list("pk", "name", "valid_from", "valid_to", "parent")),
        ReorganisationEvent.objects.count(),
        ReorganisationLink.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(code: Code, call) -> OrganizationsError:
    before = _state()
    with pytest.raises(OrganizationsError) as caught:
        call()
    assert caught.value.code == code
    assert caught.value.message
    assert _state() == before
    return caught.value


# --- creating agencies ----------------------------------------------------------------------


def test_agency_create_records_agency_first_version_and_audit_event():
    official = OfficialFactory()
    committee = make_agency("UBND tỉnh Thử", category=Agency.Category.PEOPLES_COMMITTEE, identifier="000.00.00.H27")

    department = make_agency("Sở Y tế", parent=committee, identifier="000.00.06.h27", actor=official)

    version = department.versions.get()
    assert (version.name, version.name_folded, version.parent, version.valid_from) == (
        "Sở Y tế",
        "so y te",
        committee,
        D2017,
    )
    assert department.identifier == "000.00.06.H27"
    event = AuditEvent.objects.get(action="organizations.agency_create", target_uuid=department.uuid)
    assert event.actor_uuid == official.uuid
    assert event.changes["identifier"] == [None, "000.00.06.H27"]


@pytest.mark.parametrize(
    "identifier",
    ["000.00.01.H2", "000-00-01-H27", "000.00.0A.H27", "000.01.00.H27"],
    ids=["wrong-length", "wrong-separators", "letter-for-digit", "missing-level"],
)
def test_invalid_identifier_is_refused_and_nothing_saved(identifier):
    error = _refused(Code.IDENTIFIER_INVALID, lambda: make_agency("Sở Sai Mã", identifier=identifier))

    assert identifier in error.message


def test_identifier_not_under_the_parents_is_refused():
    committee = make_agency("UBND tỉnh Thử", category=Agency.Category.PEOPLES_COMMITTEE, identifier="000.00.00.H27")

    _refused(
        Code.IDENTIFIER_PARENT_MISMATCH,
        lambda: make_agency("Sở Lạc Tỉnh", parent=committee, identifier="000.00.02.H20"),
    )


def test_duplicate_identifier_at_the_same_time_is_refused():
    make_agency("Sở Thứ Nhất", identifier="000.00.02.H27")

    error = _refused(
        Code.IDENTIFIER_TAKEN,
        lambda: make_agency("Sở Thứ Hai", identifier="000.00.02.H27", valid_from=date(2020, 1, 1)),
    )

    assert "Sở Thứ Nhất" in error.message


def test_identifier_of_an_ended_agency_may_be_reused_afterwards():
    make_agency("Sở Cũ", identifier="000.00.02.H27", valid_to=date(2019, 12, 31))

    reused = make_agency("Sở Mới", identifier="000.00.02.H27", valid_from=date(2020, 1, 1))

    assert reused.identifier == "000.00.02.H27"


def test_valid_to_before_valid_from_is_refused():
    error = _refused(
        Code.VALIDITY_REVERSED, lambda: make_agency("Sở Ngược", valid_from=date(2020, 1, 1), valid_to=date(2019, 1, 1))
    )

    assert "01/01/2019" in error.message


def test_blank_name_is_refused():
    _refused(Code.NAME_MISSING, lambda: make_agency("   "))


def test_parent_not_in_force_when_the_unit_starts_is_refused():
    parent = make_agency("Sở Đã Giải Thể", valid_to=date(2018, 12, 31))

    _refused(
        Code.PARENT_NOT_IN_FORCE,
        lambda: make_agency("Phòng Muộn", parent=parent, kind=Agency.Kind.UNIT, valid_from=date(2019, 1, 1)),
    )


def test_administrative_unit_not_in_force_is_refused():
    unit = AdministrativeUnitFactory(valid_to=date(2025, 6, 30))

    _refused(
        Code.ADMINISTRATIVE_UNIT_NOT_IN_FORCE,
        lambda: make_agency(
            "UBND huyện Quá Hạn",
            category=Agency.Category.PEOPLES_COMMITTEE,
            administrative_unit=unit,
            valid_from=date(2025, 7, 1),
        ),
    )


# --- renaming -------------------------------------------------------------------------------


def test_rename_keeps_the_old_name_in_history_and_writes_audit():
    agency = make_agency("Sở Bưu chính Viễn thông")

    event = agency_rename(
        actor=None,
        agency=agency,
        name="Sở Thông tin và Truyền thông",
        effective_date=date(2018, 1, 1),
        decision=DECISION,
    )

    agency.refresh_from_db()
    old, new = agency.versions.order_by("valid_from")
    assert (old.name, old.valid_to) == ("Sở Bưu chính Viễn thông", date(2017, 12, 31))
    assert (new.name, new.valid_from, new.valid_to, new.event) == (
        "Sở Thông tin và Truyền thông",
        date(2018, 1, 1),
        None,
        event,
    )
    assert agency.name == "Sở Thông tin và Truyền thông"
    assert event.kind == ReorganisationEvent.Kind.RENAME
    audit = AuditEvent.objects.get(action="organizations.agency_rename")
    assert audit.changes["name"] == ["Sở Bưu chính Viễn thông", "Sở Thông tin và Truyền thông"]


def test_rename_dated_before_the_agency_existed_is_refused():
    agency = make_agency("Sở Trẻ", valid_from=date(2020, 1, 1))

    _refused(
        Code.EVENT_BEFORE_AGENCY,
        lambda: agency_rename(
            actor=None, agency=agency, name="Sở Khác", effective_date=date(2019, 6, 1), decision=DECISION
        ),
    )


def test_rename_after_the_agency_ended_is_refused():
    agency = make_agency("Sở Đã Hết", valid_to=date(2020, 12, 31))

    _refused(
        Code.EVENT_AFTER_AGENCY_ENDED,
        lambda: agency_rename(
            actor=None, agency=agency, name="Sở Khác", effective_date=date(2022, 1, 1), decision=DECISION
        ),
    )


def test_rename_without_a_decision_number_is_refused():
    agency = make_agency("Sở Thiếu Căn Cứ")

    _refused(
        Code.DECISION_MISSING,
        lambda: agency_rename(
            actor=None, agency=agency, name="Sở Khác", effective_date=date(2020, 1, 1), decision=Decision(" ")
        ),
    )


def test_rename_to_the_same_name_is_refused():
    agency = make_agency("Sở Giữ Tên")

    _refused(
        Code.NAME_UNCHANGED,
        lambda: agency_rename(
            actor=None, agency=agency, name="Sở  Giữ Tên", effective_date=date(2020, 1, 1), decision=DECISION
        ),
    )


# --- merging --------------------------------------------------------------------------------


def test_merge_into_a_continuing_agency_ends_the_absorbed_one_and_its_units():
    absorbed = make_agency("Sở Thông tin và Truyền thông", identifier="000.00.02.H27")
    unit = make_agency("Phòng CNTT", parent=absorbed, kind=Agency.Kind.UNIT, identifier="000.01.02.H27")
    absorbing = make_agency("Sở Khoa học và Công nghệ", identifier="000.00.05.H27")

    event, successor = agencies_merge(
        actor=None, predecessors=[absorbed], into=absorbing, effective_date=MERGER_DAY, decision=DECISION
    )

    absorbed.refresh_from_db()
    unit.refresh_from_db()
    assert successor == absorbing
    assert absorbed.valid_to == unit.valid_to == date(2025, 2, 28)
    assert absorbed.versions.get().valid_to == date(2025, 2, 28)
    assert Agency.objects.get(pk=absorbing.pk).valid_to is None
    link = event.links.get()
    assert (link.predecessor, link.successor) == (absorbed, absorbing)
    audit = AuditEvent.objects.get(action="organizations.agencies_merge")
    assert audit.target_uuid == event.uuid
    assert {a["name"] for a in audit.changes["ended"][1]} == {"Sở Thông tin và Truyền thông", "Phòng CNTT"}


def test_merge_into_a_new_agency_creates_it_from_the_event_day():
    first, second = make_agency("Sở Tài nguyên và Môi trường"), make_agency("Sở Nông nghiệp và PTNT")

    event, successor = agencies_merge(
        actor=None,
        predecessors=[first, second],
        into=AgencySpec(name="Sở Nông nghiệp và Môi trường", category=Agency.Category.DEPARTMENT, level=Level.PROVINCE),
        effective_date=MERGER_DAY,
        decision=DECISION,
    )

    assert (successor.valid_from, successor.valid_to) == (MERGER_DAY, None)
    assert successor.versions.get().event == event
    assert set(event.links.values_list("predecessor__name", flat=True)) == {first.name, second.name}


def test_merge_dated_before_a_predecessor_existed_is_refused():
    young = make_agency("Sở Mới Lập", valid_from=date(2025, 6, 1))
    absorbing = make_agency("Sở Tiếp Nhận")

    _refused(
        Code.EVENT_BEFORE_AGENCY,
        lambda: agencies_merge(
            actor=None, predecessors=[young], into=absorbing, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


def test_merge_after_a_predecessor_ended_is_refused_and_earlier_ones_roll_back():
    alive = make_agency("Sở Còn Hoạt Động")
    gone = make_agency("Sở Đã Giải Thể", valid_to=date(2024, 12, 31))
    absorbing = make_agency("Sở Tiếp Nhận")

    _refused(
        Code.EVENT_AFTER_AGENCY_ENDED,
        lambda: agencies_merge(
            actor=None, predecessors=[alive, gone], into=absorbing, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


def test_new_successor_that_does_not_start_on_the_event_day_is_refused():
    absorbed = make_agency("Sở Bị Hợp Nhất")
    early = make_agency("Sở Lập Sớm", valid_from=date(2025, 2, 1))

    error = _refused(
        Code.SUCCESSOR_START_MISMATCH,
        lambda: agencies_merge(
            actor=None,
            predecessors=[absorbed],
            into=early,
            continuing=False,
            effective_date=MERGER_DAY,
            decision=DECISION,
        ),
    )

    assert "01/02/2025" in error.message


def test_continuing_successor_that_starts_after_the_event_is_refused():
    absorbed = make_agency("Sở Bị Sáp Nhập")
    late = make_agency("Sở Lập Muộn", valid_from=date(2025, 4, 1))

    _refused(
        Code.SUCCESSOR_START_MISMATCH,
        lambda: agencies_merge(
            actor=None, predecessors=[absorbed], into=late, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


def test_successor_already_ended_is_refused():
    absorbed = make_agency("Sở Bị Sáp Nhập")
    ended = make_agency("Sở Đã Hết", valid_to=date(2024, 12, 31))

    _refused(
        Code.SUCCESSOR_ENDED,
        lambda: agencies_merge(
            actor=None, predecessors=[absorbed], into=ended, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


def test_merging_an_agency_into_itself_is_refused():
    agency = make_agency("Sở Tự Sáp Nhập")

    _refused(
        Code.SUCCESSOR_IS_PREDECESSOR,
        lambda: agencies_merge(
            actor=None, predecessors=[agency], into=agency, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


def test_merge_with_no_predecessor_is_refused():
    absorbing = make_agency("Sở Tiếp Nhận")

    _refused(
        Code.NOTHING_TO_REORGANISE,
        lambda: agencies_merge(
            actor=None, predecessors=[], into=absorbing, effective_date=MERGER_DAY, decision=DECISION
        ),
    )


# --- splitting, establishing, transferring, abolishing --------------------------------------


def test_split_ends_the_agency_and_creates_its_successors():
    agency = make_agency("Sở Văn hóa, Thể thao và Du lịch")

    event, successors = agency_split(
        actor=None,
        agency=agency,
        into=[
            AgencySpec(name="Sở Văn hóa và Thể thao", category=Agency.Category.DEPARTMENT, level=Level.PROVINCE),
            AgencySpec(name="Sở Du lịch", category=Agency.Category.DEPARTMENT, level=Level.PROVINCE),
        ],
        responsibilities=["Văn hóa, thể thao", "Du lịch"],
        effective_date=date(2022, 1, 1),
        decision=DECISION,
    )

    agency.refresh_from_db()
    assert agency.valid_to == date(2021, 12, 31)
    assert [s.valid_from for s in successors] == [date(2022, 1, 1)] * 2
    assert list(event.links.values_list("responsibility", flat=True)) == ["Văn hóa, thể thao", "Du lịch"]
    assert AuditEvent.objects.filter(action="organizations.agency_split").count() == 1


def test_split_into_an_agency_starting_another_day_is_refused():
    agency = make_agency("Sở Bị Chia")
    other = make_agency("Sở Có Sẵn")

    _refused(
        Code.SUCCESSOR_START_MISMATCH,
        lambda: agency_split(
            actor=None, agency=agency, into=[other], effective_date=date(2022, 1, 1), decision=DECISION
        ),
    )


def test_establish_creates_agencies_with_one_event_and_audit():
    event, created = agencies_establish(
        actor=None,
        specs=[
            AgencySpec(
                name="Trung tâm Hành chính công tỉnh",
                category=Agency.Category.PUBLIC_SERVICE_CENTRE,
                level=Level.PROVINCE,
            )
        ],
        effective_date=date(2017, 10, 1),
        decision=DECISION,
    )

    assert [a.valid_from for a in created] == [date(2017, 10, 1)]
    assert event.links.get().successor == created[0]
    assert AuditEvent.objects.get(action="organizations.agencies_establish").changes["created"][1][0]["name"] == (
        "Trung tâm Hành chính công tỉnh"
    )


def test_establish_with_an_invalid_identifier_saves_nothing():
    _refused(
        Code.IDENTIFIER_INVALID,
        lambda: agencies_establish(
            actor=None,
            specs=[
                AgencySpec(
                    name="Trung tâm Sai Mã", category=Agency.Category.CENTRE, level=Level.PROVINCE, identifier="X"
                )
            ],
            effective_date=date(2017, 10, 1),
            decision=DECISION,
        ),
    )


def test_transfer_links_the_responsibility_and_both_agencies_continue():
    source, target = make_agency("Sở Lao động - Thương binh và Xã hội"), make_agency("Sở Y tế")

    event = responsibilities_transfer(
        actor=None, transfers=[Transfer(source, target, "Bảo trợ xã hội")], effective_date=MERGER_DAY, decision=DECISION
    )

    link = event.links.get()
    assert (link.predecessor, link.successor, link.responsibility) == (source, target, "Bảo trợ xã hội")
    assert Agency.objects.filter(valid_to__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="organizations.responsibilities_transfer").count() == 1


def test_transfer_from_an_agency_that_ended_on_the_eve_is_allowed_but_not_later():
    source, target = make_agency("Sở Giải Thể Hôm Trước"), make_agency("Sở Nhận")
    Agency.objects.filter(pk=source.pk).update(valid_to=date(2025, 2, 28))

    responsibilities_transfer(
        actor=None, transfers=[Transfer(source, target, "A")], effective_date=MERGER_DAY, decision=DECISION
    )

    _refused(
        Code.EVENT_AFTER_AGENCY_ENDED,
        lambda: responsibilities_transfer(
            actor=None, transfers=[Transfer(source, target, "B")], effective_date=date(2025, 4, 1), decision=DECISION
        ),
    )


def test_abolish_ends_the_agency_and_hands_responsibilities_on():
    district_unit = AdministrativeUnitFactory(valid_to=date(2025, 6, 30))
    district = make_agency(
        "UBND huyện Thử",
        category=Agency.Category.PEOPLES_COMMITTEE,
        level=Level.DISTRICT,
        administrative_unit=district_unit,
    )
    desk = make_agency("Bộ phận một cửa", parent=district, kind=Agency.Kind.UNIT, level=Level.DISTRICT)
    commune = make_agency(
        "UBND xã Thử", category=Agency.Category.PEOPLES_COMMITTEE, level=Level.COMMUNE, valid_from=date(2025, 7, 1)
    )

    event = agencies_abolish(
        actor=None,
        agencies=[district],
        transfers=[Transfer(district, commune, "Thủ tục cấp huyện")],
        effective_date=date(2025, 7, 1),
        decision=DECISION,
    )

    district.refresh_from_db()
    desk.refresh_from_db()
    assert district.valid_to == desk.valid_to == date(2025, 6, 30)
    assert event.links.get().successor == commune
    assert AuditEvent.objects.filter(action="organizations.agencies_abolish").count() == 1


def test_abolish_with_a_transfer_from_an_agency_not_abolished_is_refused():
    abolished, bystander, commune = make_agency("Sở A"), make_agency("Sở B"), make_agency("Sở C")

    _refused(
        Code.LINK_OUTSIDE_EVENT,
        lambda: agencies_abolish(
            actor=None,
            agencies=[abolished],
            transfers=[Transfer(bystander, commune, "x")],
            effective_date=MERGER_DAY,
            decision=DECISION,
        ),
    )


def test_abolish_dated_before_the_agency_existed_is_refused():
    agency = make_agency("Sở Chưa Lập", valid_from=date(2026, 1, 1))

    _refused(
        Code.EVENT_BEFORE_AGENCY,
        lambda: agencies_abolish(actor=None, agencies=[agency], effective_date=MERGER_DAY, decision=DECISION),
    )


def test_an_identifier_is_given_once_and_must_be_free():
    from apps.organizations.actions import agency_identifier_set

    from .factories import make_agency

    province = make_agency("UBND tỉnh Thử", category=Agency.Category.PEOPLES_COMMITTEE, identifier="000.00.00.H27")
    taken = make_agency("Sở Thử A", parent=province, identifier="000.00.05.H27")
    commune = make_agency("UBND xã Thử", parent=province, category=Agency.Category.PEOPLES_COMMITTEE)

    with pytest.raises(OrganizationsError, match="không được trùng mã"):
        agency_identifier_set(actor=None, agency=commune, identifier=taken.identifier)
    agency_identifier_set(actor=None, agency=commune, identifier="000.00.06.H27")
    with pytest.raises(OrganizationsError, match="không đổi"):
        agency_identifier_set(actor=None, agency=commune, identifier="000.00.07.H27")

    commune.refresh_from_db()
    assert commune.identifier == "000.00.06.H27"
