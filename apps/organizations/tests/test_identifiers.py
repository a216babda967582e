import pytest

from apps.organizations.errors import OrganizationsError, OrganizationsErrorCode
from apps.organizations.identifiers import (
    agency_identifier_check_parent,
    agency_identifier_format,
    agency_identifier_validate,
)


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        ("000.00.00.H27", 1),  # UBND tỉnh Hà Tĩnh (QĐ 2803/QĐ-UBND, 2017)
        ("000.00.01.H27", 2),  # Văn phòng UBND tỉnh Hà Tĩnh
        ("000.00.00.H20", 1),  # UBND tỉnh Đồng Tháp
        ("000.00.14.H20", 2),  # Sở TT&TT Đồng Tháp
        ("000.01.01.H08", 3),  # a unit of a level-2 agency
        ("000.02.01.H08", 3),
        ("001.02.01.H08", 4),
        ("000.00.01.G12", 2),  # any letter in M
    ],
    ids=[
        "ubnd-ha-tinh",
        "vp-ubnd-ha-tinh",
        "ubnd-dong-thap",
        "so-tttt-dong-thap",
        "level3-a",
        "level3-b",
        "level4",
        "other-letter",
    ],
)
def test_valid_identifiers_are_accepted_with_their_depth(value, depth):
    identifier = agency_identifier_validate(value)

    assert str(identifier) == value
    assert identifier.depth == depth


def test_lower_case_letter_and_surrounding_spaces_are_normalised():
    assert str(agency_identifier_validate(" 000.00.01.h27 ")) == "000.00.01.H27"


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("000.00.01.H2", "13 ký tự"),
        ("000.00.01.H277", "13 ký tự"),
        ("", "13 ký tự"),
        ("000-00-01-H27", "dấu chấm"),
        ("0000.0.01.H27", "dấu chấm"),
        ("000.00.01H.27", "dấu chấm"),
        ("0A0.00.01.H27", "chữ số"),
        ("000.00.0O.H27", "chữ số"),
        ("000.00.01.HX7", "chữ số"),
        ("000.00.01.127", "chữ cái"),
        ("000.01.00.H27", "thiếu mã của cấp trên"),
        ("001.00.01.H27", "thiếu mã của cấp trên"),
    ],
    ids=[
        "too-short",
        "too-long",
        "empty",
        "dashes",
        "wrong-group-sizes",
        "separator-misplaced",
        "letter-in-level4",
        "letter-o-for-zero",
        "letter-in-x",
        "digit-for-m",
        "level3-without-level2",
        "level4-without-level3",
    ],
)
def test_invalid_identifiers_are_refused_with_a_reason(value, hint):
    with pytest.raises(OrganizationsError) as caught:
        agency_identifier_validate(value)

    assert caught.value.code == OrganizationsErrorCode.IDENTIFIER_INVALID
    assert hint in caught.value.message
    assert "V1V2V3.Z1Z2.Y1Y2.MX1X2" in caught.value.message


def test_format_builds_the_identifier_from_its_numbers():
    assert agency_identifier_format(level1="H27") == "000.00.00.H27"
    assert agency_identifier_format(level1="H27", level2=1) == "000.00.01.H27"
    assert agency_identifier_format(level1="H27", level2=2, level3=1) == "000.01.02.H27"
    assert agency_identifier_format(level1="H27", level2=2, level3=1, level4=7) == "007.01.02.H27"


@pytest.mark.parametrize(
    ("child", "parent"),
    [("000.00.01.H27", "000.00.00.H27"), ("000.01.02.H27", "000.00.02.H27"), ("003.01.02.H27", "000.01.02.H27")],
    ids=["department-of-province", "unit-of-department", "level4-of-unit"],
)
def test_a_child_extends_its_parent_by_one_level(child, parent):
    agency_identifier_check_parent(child, parent)


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("000.00.01.H20", "000.00.00.H27"),
        ("000.01.03.H27", "000.00.02.H27"),
        ("000.01.02.H27", "000.00.00.H27"),
        ("000.00.00.H27", "000.00.00.H27"),
        ("000.00.02.H27", "000.00.01.H27"),
    ],
    ids=["other-province", "other-department", "skips-a-level", "same-level-root", "sibling"],
)
def test_a_child_outside_its_parents_segments_is_refused(child, parent):
    with pytest.raises(OrganizationsError) as caught:
        agency_identifier_check_parent(child, parent)

    assert caught.value.code == OrganizationsErrorCode.IDENTIFIER_PARENT_MISMATCH
