"""The agency identifier of QCVN 102:2016/BTTTT (mã định danh cơ quan), written once.

``V1V2V3.Z1Z2.Y1Y2.MX1X2`` — 13 characters, read from the right:

- ``MX1X2``  the level-1 body: a letter and two digits (``H27`` = UBND tỉnh Hà Tĩnh);
- ``Y1Y2``   its level-2 agency (a Sở, a district People's Committee, the Office …), ``00`` = none;
- ``Z1Z2``   a level-3 unit of that agency, ``00`` = none;
- ``V1V2V3`` a level-4 unit of that unit, ``000`` = none.

So ``000.00.00.H27`` is UBND tỉnh Hà Tĩnh itself and ``000.00.01.H27`` its Office (both named in
Hà Tĩnh decision 2803/QĐ-UBND of 28/9/2017); a unit's identifier repeats its parent's segments and
fills the next one.
"""

import re
from dataclasses import dataclass

from .errors import OrganizationsError, OrganizationsErrorCode

IDENTIFIER_LENGTH = 13
_PATTERN = re.compile(r"(?P<level4>\d{3})\.(?P<level3>\d{2})\.(?P<level2>\d{2})\.(?P<level1>[A-Z]\d{2})")
_EXAMPLE = "000.00.01.H27"


@dataclass(frozen=True)
class AgencyIdentifier:
    level1: str
    level2: str
    level3: str
    level4: str

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"

    @property
    def depth(self) -> int:
        """1 for a level-1 body, 2 for its agencies, 3 and 4 for their units."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1

    def segments(self) -> tuple[str, str, str, str]:
        """From the top: level 1, 2, 3, 4."""
        return (self.level1, self.level2, self.level3, self.level4)


def _refuse(value: str, why: str) -> OrganizationsError:
    return OrganizationsError(
        OrganizationsErrorCode.IDENTIFIER_INVALID,
        f"Mã định danh “{value}” không hợp lệ: {why}. Mã theo QCVN 102:2016 có dạng "
        f"V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ {_EXAMPLE}.",
    )


def agency_identifier_validate(value: str) -> AgencyIdentifier:
    """Parse a QCVN 102:2016 agency identifier or raise ``OrganizationsError`` saying what is wrong."""
    text = (value or "").strip().upper()
    if len(text) != IDENTIFIER_LENGTH:
        raise _refuse(value, f"cần đúng {IDENTIFIER_LENGTH} ký tự (đang có {len(text)})")
    parts = text.split(".")
    if len(parts) != 4 or [len(p) for p in parts] != [3, 2, 2, 3]:
        raise _refuse(value, "các nhóm phải cách nhau bằng dấu chấm theo thứ tự 3-2-2-3 ký tự")
    match = _PATTERN.fullmatch(text)
    if match is None:
        if not parts[3][0].isalpha():
            raise _refuse(value, "nhóm cuối phải bắt đầu bằng một chữ cái (M)")
        raise _refuse(value, "ngoài chữ cái đầu của nhóm cuối, mọi vị trí khác phải là chữ số")
    identifier = AgencyIdentifier(**match.groupdict())
    _, level2, level3, level4 = identifier.segments()
    if (level3 != "00" and level2 == "00") or (level4 != "000" and level3 == "00"):
        raise _refuse(value, "có mã cấp dưới nhưng thiếu mã của cấp trên trực tiếp")
    return identifier


def agency_identifier_format(*, level1: str, level2: int = 0, level3: int = 0, level4: int = 0) -> str:
    """Build an identifier from its numbers (``level1`` is ``MX1X2``, e.g. ``"H27"``); validated."""
    return str(agency_identifier_validate(f"{level4:03d}.{level3:02d}.{level2:02d}.{level1}"))


def agency_identifier_check_parent(child: str, parent: str) -> None:
    """Refuse a unit whose identifier does not extend its parent's by exactly one level."""
    child_id, parent_id = agency_identifier_validate(child), agency_identifier_validate(parent)
    depth = parent_id.depth
    if child_id.depth != depth + 1 or child_id.segments()[:depth] != parent_id.segments()[:depth]:
        raise OrganizationsError(
            OrganizationsErrorCode.IDENTIFIER_PARENT_MISMATCH,
            f"Mã định danh “{child_id}” không thuộc cơ quan cấp trên có mã “{parent_id}”: mã của đơn vị "
            f"cấp dưới phải giữ nguyên các nhóm của cấp trên và chỉ điền thêm nhóm cấp {depth + 1}.",
        )
