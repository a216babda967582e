"""The catalogue as one JSON document or one XLSX workbook, both ways.

JSON (``FORMAT`` = "egov-procedures", ``version`` 1)::

    {"format": "egov-procedures", "version": 1,
     "sectors": [{"code", "name"}], "life_events": [{"code", "name"}],
     "procedures": [{"code", "name", "sector", "level": "province"|"commune", "competent_category",
                     "competent_agency": identifier or name | null, "online_mode": "full"|"partial",
                     "online_level": 1-4, "life_events": [codes], "is_active",
                     "versions": [{"number", "valid_from": "YYYY-MM-DD", "valid_to", "in_use",
                                   "deadline": {"value": "15", "unit": "working_days"},
                                   <the 11 public texts: sequence, channels, …, legal_basis>, "change_note",
                                   "documents": [...], "fees": [...], "eform_fields": [...],
                                   "clock_rules": [...], "steps": [...]}]}]}

The workbook has one sheet per part (``SHEETS``) with Vietnamese column headers that do not change;
the versions and their parts are tied to their procedure by "Mã thủ tục" + "Hiệu lực từ". Choices are
written as Vietnamese words (``tỉnh``, ``ngày làm việc``, ``cán bộ một cửa``); the codes are read too.

Agencies are referred to by their QCVN 102:2016 identifier, or by their current name when they have
none (commune committees). ``number``, ``valid_to`` and ``in_use`` are exported for the reader and
ignored on import: a version is known by its procedure and ``valid_from``; the previous one ends the
day before the next starts.

Both readers produce the same ``ParsedCatalogue``; every problem is collected with its place
("Trang “Bước xử lý”, dòng 7" or "Thủ tục 1.001193, phiên bản từ 01/07/2025, bước 2"), so an
import reports all its bad rows at once.
"""

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch

from apps.core.folding import fold_text
from apps.core.formatting import format_date
from apps.organizations.models import Agency, AgencyVersion, Level

from .eforms import FIELD_TYPES, eform_fields_normalize, eform_fields_problems
from .models import (
    ClockRule,
    DeadlineUnit,
    FeeItem,
    LifeEvent,
    Procedure,
    ProcedureVersion,
    RoutingStep,
    Sector,
)
from .specs import (
    TEXT_FIELDS,
    ClockRuleSpec,
    DocumentSpec,
    FeeSpec,
    ProcedureSpec,
    StepSpec,
    VersionSpec,
    as_decimal,
)

FORMAT = "egov-procedures"
FORMAT_VERSION = 1
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_IDENTIFIER = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")

# Words used in the workbook (and accepted in JSON) for each stored code.
LEVEL_CODES = {"province": Level.PROVINCE, "commune": Level.COMMUNE}
LEVEL_WORDS = {Level.PROVINCE: "tỉnh", Level.COMMUNE: "xã"}
ONLINE_MODE_WORDS = {Procedure.OnlineMode.FULL: "toàn trình", Procedure.OnlineMode.PARTIAL: "một phần"}
UNIT_WORDS = {
    DeadlineUnit.WORKING_DAYS: "ngày làm việc",
    DeadlineUnit.WORKING_HOURS: "giờ làm việc",
    DeadlineUnit.SAME_DAY: "trong ngày",
}
FEE_KIND_WORDS = {FeeItem.Kind.FEE: "lệ phí", FeeItem.Kind.CHARGE: "phí"}
EVENT_WORDS = {
    ClockRule.Event.SUPPLEMENT_REQUEST: "yêu cầu bổ sung",
    ClockRule.Event.FINANCIAL_OBLIGATION: "nghĩa vụ tài chính",
    ClockRule.Event.LATER_SUPPLEMENT: "bổ sung sau",
}
EFFECT_WORDS = {
    ClockRule.Effect.RESTART: "tính lại từ đầu",
    ClockRule.Effect.PAUSE: "tạm dừng",
    ClockRule.Effect.CONTINUE: "tiếp tục tính",
}
STEP_KIND_WORDS = {
    RoutingStep.Kind.INTAKE: "tiếp nhận",
    RoutingStep.Kind.APPRAISAL: "thẩm định",
    RoutingStep.Kind.CONSULTATION: "lấy ý kiến",
    RoutingStep.Kind.APPROVAL: "phê duyệt",
    RoutingStep.Kind.RETURN: "trả kết quả",
}
TARGET_WORDS = {RoutingStep.Target.AGENCY: "cơ quan cố định", RoutingStep.Target.RECEIVING: "cơ quan tiếp nhận"}
ROLE_WORDS = {
    "desk_officer": "cán bộ một cửa",
    "handler": "chuyên viên",
    "head_of_unit": "trưởng phòng",
    "agency_leader": "lãnh đạo cơ quan",
    "clerk": "văn thư",
}
YES, NO = "Có", "Không"
_TRUE = {"co", "x", "true", "1", "yes", "dung"}
_FALSE = {"khong", "false", "0", "no", "sai"}

VERSION_TEXT_HEADERS = {
    "sequence": "Trình tự thực hiện",
    "channels": "Cách thức thực hiện",
    "documents_text": "Thành phần, số lượng hồ sơ",
    "deadline_text": "Thời hạn giải quyết (công bố)",
    "subjects": "Đối tượng thực hiện",
    "agency_text": "Cơ quan thực hiện",
    "result_description": "Kết quả thực hiện",
    "forms_text": "Mẫu đơn, tờ khai",
    "fees_text": "Phí, lệ phí (công bố)",
    "requirements": "Yêu cầu, điều kiện",
    "legal_basis": "Căn cứ pháp lý",
}
KEY = ["Mã thủ tục", "Hiệu lực từ"]
SHEETS: dict[str, list[str]] = {
    "Lĩnh vực": ["Mã lĩnh vực", "Tên lĩnh vực"],
    "Sự kiện": ["Mã sự kiện", "Tên sự kiện"],
    "Thủ tục": [
        "Mã thủ tục",
        "Tên thủ tục",
        "Mã lĩnh vực",
        "Cấp thực hiện",
        "Loại cơ quan có thẩm quyền",
        "Cơ quan có thẩm quyền",
        "Dịch vụ công trực tuyến",
        "Mức độ",
        "Sự kiện",
        "Đang áp dụng",
    ],
    "Phiên bản": [
        *KEY,
        "Hiệu lực đến",
        "Số phiên bản",
        "Đã dùng cho hồ sơ",
        "Thời hạn",
        "Đơn vị thời hạn",
        *VERSION_TEXT_HEADERS.values(),
        "Nội dung thay đổi",
    ],
    "Thành phần hồ sơ": [
        *KEY,
        "STT",
        "Tên giấy tờ",
        "Bản chính",
        "Bản sao chứng thực",
        "Bản sao",
        "Bắt buộc",
        "Mẫu đơn",
        "Ghi chú",
    ],
    "Phí, lệ phí": [*KEY, "STT", "Loại", "Tên khoản thu", "Mức thu (đồng)", "Ghi chú"],
    "Trường biểu mẫu": [*KEY, "STT", "Tên trường", "Nhãn", "Kiểu", "Bắt buộc", "Lựa chọn"],
    "Quy tắc tính thời hạn": [
        *KEY,
        "Sự kiện",
        "Tác động",
        "Trong số ngày làm việc",
        "Tác động sau đó",
        "Căn cứ",
    ],
    "Bước xử lý": [
        *KEY,
        "Thứ tự",
        "Chủ trì",
        "Loại bước",
        "Tên bước",
        "Xử lý bởi",
        "Cơ quan",
        "Loại đơn vị",
        "Vai trò",
        "Thời gian",
        "Đơn vị thời gian",
    ],
}


# --- reading one value ------------------------------------------------------------------------


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _word(value, words: dict, *, codes=None) -> str | None:
    """The stored code for a Vietnamese word or a code (case and accents ignored), else None."""
    needle = fold_text(_text(value))
    for code, word in words.items():
        if needle in (fold_text(word), fold_text(str(code))):
            return code
    for code in codes or ():
        if needle == fold_text(str(code)):
            return code
    return None


def _code(value, words: dict, *, default=None, codes=None):
    """The stored code for a word or a code, or the text as given for the checks to refuse by name."""
    if _text(value) == "" and default is not None:
        return default
    code = _word(value, words, codes=codes)
    return code if code is not None else _text(value)


def _bool(value, where: str, what: str, problems: Problems, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = fold_text(_text(value))
    if text == "":
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problems.add(where, f"{what} “{_text(value)}” phải là “{YES}” hoặc “{NO}”.")
    return default


def _int(value, where: str, what: str, problems: Problems, *, default: int | None = 0) -> int | None:
    if value is None or _text(value) == "":
        return default
    if isinstance(value, bool):
        problems.add(where, f"{what} phải là số nguyên.")
        return default
    if isinstance(value, int):
        return value
    text = _text(value).replace(".", "").replace(" ", "") if isinstance(value, str) else _text(value)
    if isinstance(value, float) and not value.is_integer():
        problems.add(where, f"{what} “{value}” phải là số nguyên.")
        return default
    try:
        return int(text)
    except ValueError:
        problems.add(where, f"{what} “{_text(value)}” phải là số nguyên.")
        return default


def _decimal(value, where: str, what: str, problems: Problems) -> Decimal:
    if value is None or _text(value) == "":
        return Decimal(0)
    amount = as_decimal(value if not isinstance(value, float) else repr(value))
    if amount is None or not amount.is_finite():
        problems.add(where, f"{what} “{_text(value)}” phải là một số (ví dụ 15 hoặc 0,5).")
        return Decimal(0)
    return amount


def _date(value, where: str, what: str, problems: Problems) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    problems.add(where, f"{what} “{text}” phải là ngày dạng dd/mm/yyyy.")
    return None


class AgencyResolver:
    """Agencies by QCVN identifier or current name, resolved once per reference."""

    def __init__(self, on: date):
        self.on = on
        self.cache: dict[str, Agency | str | None] = {}

    def __call__(self, reference, where: str, problems: Problems) -> Agency | None:
        ref = _text(reference)
        if not ref:
            return None
        if ref not in self.cache:
            self.cache[ref] = self._find(ref)
        found = self.cache[ref]
        if isinstance(found, str):
            problems.add(where, found)
            return None
        return found

    def _find(self, ref: str) -> Agency | str:
        in_force = Agency.objects.valid_on(self.on)
        if _IDENTIFIER.match(ref):
            agency = in_force.filter(identifier=ref).order_by("-valid_from").first()
            return agency or f"không có cơ quan đang hoạt động mang mã định danh {ref}."
        ids = set(AgencyVersion.objects.valid_on(self.on).filter(name=ref).values_list("agency_id", flat=True))
        if not ids:
            folded = fold_text(ref)
            ids = set(
                AgencyVersion.objects.valid_on(self.on).filter(name_folded=folded).values_list("agency_id", flat=True)
            )
        matches = list(in_force.filter(pk__in=ids)[:2])
        if not matches:
            return f"không có cơ quan đang hoạt động tên “{ref}”."
        if len(matches) > 1:
            return f"có nhiều cơ quan tên “{ref}”; hãy ghi mã định danh."
        return matches[0]


def agency_reference(agency: Agency | None) -> str | None:
    if agency is None:
        return None
    return agency.identifier or agency.name


# --- the parsed catalogue ---------------------------------------------------------------------


@dataclass
class ParsedVersion:
    valid_from: date
    spec: VersionSpec
    where: str


@dataclass
class ParsedProcedure:
    spec: ProcedureSpec
    versions: list[ParsedVersion] = field(default_factory=list)


@dataclass
class ParsedCatalogue:
    sectors: list[tuple[str, str]] = field(default_factory=list)
    life_events: list[tuple[str, str]] = field(default_factory=list)
    procedures: list[ParsedProcedure] = field(default_factory=list)


def _list(value, where: str, what: str, problems: Problems) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(where, f"{what} phải là một danh sách.")
        return []
    return value


def _dict(value, where: str, problems: Problems) -> dict | None:
    if not isinstance(value, dict):
        problems.add(where, "phải là một đối tượng có các thuộc tính.")
        return None
    return value


def parse_document(data, *, resolve: AgencyResolver, problems: Problems) -> ParsedCatalogue:
    """Read the catalogue document (JSON shape; the workbook reader builds the same shape).

    Items may carry a ``_where`` (the workbook row) used in messages instead of the JSON path.
    """
    catalogue = ParsedCatalogue()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        problems.append(f'Tệp không phải danh mục thủ tục của egov (thiếu "format": "{FORMAT}").')
        return catalogue
    if data.get("version") != FORMAT_VERSION:
        problems.append(f"Phiên bản định dạng “{data.get('version')}” không được hỗ trợ (cần {FORMAT_VERSION}).")
        return catalogue
    for kind, target, what in (
        ("sectors", catalogue.sectors, "Lĩnh vực"),
        ("life_events", catalogue.life_events, "Sự kiện"),
    ):
        seen = set()
        for index, item in enumerate(_list(data.get(kind), what, "Danh sách", problems), start=1):
            where = (item.get("_where") if isinstance(item, dict) else None) or f"{what} thứ {index}"
            item = _dict(item, where, problems)
            if item is None:
                continue
            code, name = _text(item.get("code")), _text(item.get("name"))
            if not code or not name:
                problems.add(where, "cần có mã và tên.")
            elif code in seen:
                problems.add(where, f"mã “{code}” bị trùng.")
            else:
                seen.add(code)
                target.append((code, name))
    codes = set()
    for index, item in enumerate(_list(data.get("procedures"), "Thủ tục", "Danh sách", problems), start=1):
        where = (item.get("_where") if isinstance(item, dict) else None) or f"Thủ tục thứ {index}"
        item = _dict(item, where, problems)
        if item is None:
            continue
        parsed = _parse_procedure(item, where, resolve, problems)
        if parsed.spec.code in codes:
            problems.add(where, f"mã thủ tục {parsed.spec.code} xuất hiện hai lần trong tệp.")
            continue
        codes.add(parsed.spec.code)
        catalogue.procedures.append(parsed)
    return catalogue


def _parse_procedure(item: dict, where: str, resolve: AgencyResolver, problems: Problems) -> ParsedProcedure:
    code = _text(item.get("code"))
    if not item.get("_where") and code:
        where = f"Thủ tục {code}"
    level_value = item.get("level")
    level = _code(level_value, {**LEVEL_WORDS}, codes=list(LEVEL_CODES))
    level = LEVEL_CODES.get(level, level) if isinstance(level, str) else level
    spec = ProcedureSpec(
        code=code,
        name=_text(item.get("name")),
        sector_code=_text(item.get("sector")),
        level=level or 0,
        competent_category=_text(item.get("competent_category")),
        competent_agency=resolve(item.get("competent_agency"), where, problems),
        online_mode=_code(item.get("online_mode"), ONLINE_MODE_WORDS) or "",
        online_level=_int(item.get("online_level"), where, "Mức độ", problems, default=2) or 0,
        life_event_codes=[_text(c) for c in _list(item.get("life_events"), where, "Sự kiện", problems) if _text(c)],
        is_active=_bool(item.get("is_active"), where, "Đang áp dụng", problems, default=True),
        where=where,
    )
    parsed = ParsedProcedure(spec=spec)
    versions = _list(item.get("versions"), where, "Danh sách phiên bản", problems)
    if not versions:
        problems.add(where, "thủ tục phải có ít nhất một phiên bản.")
    starts = set()
    for index, version in enumerate(versions, start=1):
        vwhere = (version.get("_where") if isinstance(version, dict) else None) or f"{where}, phiên bản thứ {index}"
        version = _dict(version, vwhere, problems)
        if version is None:
            continue
        valid_from = _date(version.get("valid_from"), vwhere, "Hiệu lực từ", problems)
        if valid_from is None:
            continue
        if not version.get("_where"):
            vwhere = f"{where}, phiên bản từ {format_date(valid_from)}"
        if valid_from in starts:
            problems.add(vwhere, "hai phiên bản có cùng ngày hiệu lực.")
            continue
        starts.add(valid_from)
        parsed.versions.append(
            ParsedVersion(valid_from=valid_from, spec=_parse_version(version, vwhere, resolve, problems), where=vwhere)
        )
    parsed.versions.sort(key=lambda v: v.valid_from)
    return parsed


def _parse_version(item: dict, where: str, resolve: AgencyResolver, problems: Problems) -> VersionSpec:
    deadline = item.get("deadline") or {}
    if not isinstance(deadline, dict):
        problems.add(where, "thời hạn phải có giá trị và đơn vị.")
        deadline = {}
    spec = VersionSpec(
        deadline_value=_decimal(deadline.get("value"), where, "Thời hạn", problems),
        deadline_unit=_code(deadline.get("unit"), UNIT_WORDS) or "",
        change_note=_text(item.get("change_note")),
        where=where,
        **{name: _text(item.get(name)) for name in TEXT_FIELDS},
    )

    def child_where(child, label: str, index: int) -> str:
        return (child.get("_where") if isinstance(child, dict) else None) or f"{where}, {label} {index}"

    for index, d in enumerate(_list(item.get("documents"), where, "Thành phần hồ sơ", problems), start=1):
        at = child_where(d, "thành phần hồ sơ", index)
        if (d := _dict(d, at, problems)) is None:
            continue
        spec.documents.append(
            DocumentSpec(
                name=_text(d.get("name")),
                originals=_int(d.get("originals"), at, "Bản chính", problems),
                certified_copies=_int(d.get("certified_copies"), at, "Bản sao chứng thực", problems),
                copies=_int(d.get("copies"), at, "Bản sao", problems),
                mandatory=_bool(d.get("mandatory"), at, "Bắt buộc", problems, default=True),
                form_template=_text(d.get("form_template")),
                note=_text(d.get("note")),
                where=at,
            )
        )
    for index, f in enumerate(_list(item.get("fees"), where, "Phí, lệ phí", problems), start=1):
        at = child_where(f, "phí, lệ phí", index)
        if (f := _dict(f, at, problems)) is None:
            continue
        spec.fees.append(
            FeeSpec(
                name=_text(f.get("name")),
                amount=_int(f.get("amount"), at, "Mức thu", problems),
                kind=_code(f.get("kind"), FEE_KIND_WORDS, default=FeeItem.Kind.FEE) or "",
                note=_text(f.get("note")),
                where=at,
            )
        )
    fields = _list(item.get("eform_fields"), where, "Biểu mẫu điện tử", problems)
    spec.eform_fields = [{k: v for k, v in f.items() if k != "_where"} if isinstance(f, dict) else f for f in fields]
    if "clock_rules" in item:
        spec.clock_rules = []
        for index, r in enumerate(_list(item.get("clock_rules"), where, "Quy tắc", problems), start=1):
            at = child_where(r, "quy tắc tính thời hạn", index)
            if (r := _dict(r, at, problems)) is None:
                continue
            window = _int(r.get("window_working_days"), at, "Số ngày làm việc", problems, default=None)
            spec.clock_rules.append(
                ClockRuleSpec(
                    event=_code(r.get("event"), EVENT_WORDS) or "",
                    effect=_code(r.get("effect"), EFFECT_WORDS) or "",
                    window_working_days=window,
                    effect_after_window=(_code(r.get("effect_after_window"), EFFECT_WORDS) or "")
                    if _text(r.get("effect_after_window"))
                    else "",
                    legal_basis=_text(r.get("legal_basis")),
                    where=at,
                )
            )
    for index, s in enumerate(_list(item.get("steps"), where, "Bước xử lý", problems), start=1):
        at = child_where(s, "bước", index)
        if (s := _dict(s, at, problems)) is None:
            continue
        share = s.get("share") or {}
        if not isinstance(share, dict):
            problems.add(at, "thời gian của bước phải có giá trị và đơn vị.")
            share = {}
        target = _code(s.get("target"), TARGET_WORDS) or ""
        spec.steps.append(
            StepSpec(
                order=_int(s.get("order"), at, "Thứ tự", problems) or 0,
                kind=_code(s.get("kind"), STEP_KIND_WORDS) or "",
                name=_text(s.get("name")),
                role=_code(s.get("role"), ROLE_WORDS) or "",
                share_value=_decimal(share.get("value"), at, "Thời gian", problems),
                share_unit=_code(share.get("unit"), UNIT_WORDS, default=DeadlineUnit.WORKING_DAYS) or "",
                target=target,
                agency=resolve(s.get("agency"), at, problems),
                unit_category=_text(s.get("unit_category")),
                is_lead=_bool(s.get("is_lead"), at, "Chủ trì", problems, default=True),
                where=at,
            )
        )
    return spec


# --- from the database ------------------------------------------------------------------------


def version_spec_of(version: ProcedureVersion) -> VersionSpec:
    """The content of a saved version as a spec (children from prefetches when there are)."""
    return VersionSpec(
        deadline_value=version.deadline_value,
        deadline_unit=version.deadline_unit,
        change_note=version.change_note,
        eform_fields=list(version.eform_fields),
        documents=[
            DocumentSpec(
                name=d.name,
                originals=d.originals,
                certified_copies=d.certified_copies,
                copies=d.copies,
                mandatory=d.mandatory,
                form_template=d.form_template,
                note=d.note,
            )
            for d in version.documents.all()
        ],
        fees=[FeeSpec(name=f.name, amount=f.amount, kind=f.kind, note=f.note) for f in version.fees.all()],
        clock_rules=[
            ClockRuleSpec(
                event=r.event,
                effect=r.effect,
                window_working_days=r.window_working_days,
                effect_after_window=r.effect_after_window,
                legal_basis=r.legal_basis,
            )
            for r in version.clock_rules.all()
        ],
        steps=[
            StepSpec(
                order=s.order,
                kind=s.kind,
                name=s.name,
                role=s.role,
                share_value=s.share_value,
                share_unit=s.share_unit,
                target=s.target,
                agency=s.agency,
                unit_category=s.unit_category,
                is_lead=s.is_lead,
            )
            for s in version.steps.all()
        ],
        **{name: getattr(version, name) for name in TEXT_FIELDS},
    )


def procedure_spec_of(procedure: Procedure) -> ProcedureSpec:
    return ProcedureSpec(
        code=procedure.code,
        name=procedure.name,
        sector_code=procedure.sector.code,
        level=procedure.level,
        competent_category=procedure.competent_category,
        competent_agency=procedure.competent_agency,
        online_mode=procedure.online_mode,
        online_level=procedure.online_level,
        life_event_codes=sorted(e.code for e in procedure.life_events.all()),
        is_active=procedure.is_active,
    )


def _amount(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def version_key(spec: VersionSpec) -> dict:
    """What decides whether two version contents are the same (places, positions and blanks aside)."""
    return {
        "deadline": [_amount(spec.deadline_value), spec.deadline_unit],
        "texts": {name: getattr(spec, name).strip() for name in TEXT_FIELDS},
        "change_note": spec.change_note.strip(),
        "documents": [
            [d.name.strip(), d.originals, d.certified_copies, d.copies, d.mandatory, d.form_template.strip(), d.note]
            for d in spec.documents
        ],
        "fees": [[f.kind, f.name.strip(), f.amount, f.note.strip()] for f in spec.fees],
        "eform_fields": eform_fields_normalize(spec.eform_fields),
        "clock_rules": sorted(
            [
                r.event,
                r.effect,
                r.window_working_days,
                r.effect_after_window if r.window_working_days is not None else "",
                r.legal_basis.strip(),
            ]
            for r in spec.clock_rules
        ),
        "steps": [
            [
                s.order,
                s.is_lead,
                s.kind,
                s.name.strip(),
                s.target,
                s.agency.pk if s.agency else None,
                s.unit_category,
                s.role,
                _amount(s.share_value),
                s.share_unit,
            ]
            for s in sorted(spec.steps, key=lambda s: s.order)
        ],
    }


def procedure_key(spec: ProcedureSpec) -> dict:
    return {
        "name": spec.name.strip(),
        "sector": spec.sector_code,
        "level": spec.level,
        "competent_category": spec.competent_category,
        "competent_agency": spec.competent_agency.pk if spec.competent_agency else None,
        "online_mode": spec.online_mode,
        "online_level": spec.online_level,
        "life_events": sorted(spec.life_event_codes),
        "is_active": spec.is_active,
    }


def catalogue_queryset():
    from .models import RoutingStep as Step

    return Procedure.objects.select_related("sector", "competent_agency").prefetch_related(
        "life_events",
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.order_by("valid_from").prefetch_related(
                "documents",
                "fees",
                "clock_rules",
                Prefetch("steps", queryset=Step.objects.select_related("agency").order_by("order", "position")),
            ),
        ),
    )


def catalogue_document(procedures=None) -> dict:
    """The catalogue (or the given procedures) as the JSON document."""
    procedures = list(procedures if procedures is not None else catalogue_queryset().order_by("code"))
    sector_ids = {p.sector_id for p in procedures}
    event_ids = {e.pk for p in procedures for e in p.life_events.all()}
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sectors": [
            {"code": s.code, "name": s.name} for s in Sector.objects.filter(pk__in=sector_ids).order_by("code")
        ],
        "life_events": [
            {"code": e.code, "name": e.name} for e in LifeEvent.objects.filter(pk__in=event_ids).order_by("code")
        ],
        "procedures": [_procedure_data(p) for p in procedures],
    }


def _procedure_data(procedure: Procedure) -> dict:
    spec = procedure_spec_of(procedure)
    return {
        "code": spec.code,
        "name": spec.name,
        "sector": spec.sector_code,
        "level": {v: k for k, v in LEVEL_CODES.items()}[spec.level],
        "competent_category": spec.competent_category,
        "competent_agency": agency_reference(spec.competent_agency),
        "online_mode": spec.online_mode,
        "online_level": spec.online_level,
        "life_events": spec.life_event_codes,
        "is_active": spec.is_active,
        "versions": [_version_data(v) for v in procedure.versions.all()],
    }


def _version_data(version: ProcedureVersion) -> dict:
    spec = version_spec_of(version)
    return {
        "number": version.number,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
        "in_use": version.in_use,
        "deadline": {"value": _amount(spec.deadline_value), "unit": spec.deadline_unit},
        **{name: getattr(spec, name) for name in TEXT_FIELDS},
        "change_note": spec.change_note,
        "documents": [
            {
                "name": d.name,
                "originals": d.originals,
                "certified_copies": d.certified_copies,
                "copies": d.copies,
                "mandatory": d.mandatory,
                "form_template": d.form_template,
                "note": d.note,
            }
            for d in spec.documents
        ],
        "fees": [{"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note} for f in spec.fees],
        "eform_fields": spec.eform_fields,
        "clock_rules": [
            {
                "event": r.event,
                "effect": r.effect,
                "window_working_days": r.window_working_days,
                "effect_after_window": r.effect_after_window,
                "legal_basis": r.legal_basis,
            }
            for r in spec.clock_rules
        ],
        "steps": [
            {
                "order": s.order,
                "is_lead": s.is_lead,
                "kind": s.kind,
                "name": s.name,
                "target": s.target,
                "agency": agency_reference(s.agency),
                "unit_category": s.unit_category,
                "role": s.role,
                "share": {"value": _amount(s.share_value), "unit": s.share_unit},
            }
            for s in spec.steps
        ],
    }


# --- JSON -------------------------------------------------------------------------------------


def json_dumps(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def json_loads(content: bytes, problems: Problems):
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append("Tệp JSON phải được mã hóa UTF-8.")
    except json.JSONDecodeError as error:
        problems.append(f"Tệp JSON không đọc được: dòng {error.lineno}, cột {error.colno}.")
    return None


# --- XLSX -------------------------------------------------------------------------------------


def _cell_bool(value: bool) -> str:
    return YES if value else NO


def workbook_bytes(document: dict) -> bytes:
    """The JSON document as a workbook, one sheet per part (``SHEETS``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    sheets = {}
    for title, headers in SHEETS.items():
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheets[title] = sheet
    for s in document["sectors"]:
        sheets["Lĩnh vực"].append([s["code"], s["name"]])
    for e in document["life_events"]:
        sheets["Sự kiện"].append([e["code"], e["name"]])
    for p in document["procedures"]:
        sheets["Thủ tục"].append(
            [
                p["code"],
                p["name"],
                p["sector"],
                LEVEL_WORDS[LEVEL_CODES[p["level"]]],
                p["competent_category"],
                p["competent_agency"] or "",
                ONLINE_MODE_WORDS[p["online_mode"]],
                p["online_level"],
                "; ".join(p["life_events"]),
                _cell_bool(p["is_active"]),
            ]
        )
        for v in p["versions"]:
            key = [p["code"], format_date(date.fromisoformat(v["valid_from"]))]
            sheets["Phiên bản"].append(
                [
                    *key,
                    format_date(date.fromisoformat(v["valid_to"])) if v["valid_to"] else "",
                    v["number"],
                    _cell_bool(v["in_use"]),
                    v["deadline"]["value"],
                    UNIT_WORDS[v["deadline"]["unit"]],
                    *(v[name] for name in VERSION_TEXT_HEADERS),
                    v["change_note"],
                ]
            )
            for order, d in enumerate(v["documents"], start=1):
                sheets["Thành phần hồ sơ"].append(
                    [
                        *key,
                        order,
                        d["name"],
                        d["originals"],
                        d["certified_copies"],
                        d["copies"],
                        _cell_bool(d["mandatory"]),
                        d["form_template"],
                        d["note"],
                    ]
                )
            for order, f in enumerate(v["fees"], start=1):
                sheets["Phí, lệ phí"].append(
                    [*key, order, FEE_KIND_WORDS[f["kind"]], f["name"], f["amount"], f["note"]]
                )
            for order, f in enumerate(v["eform_fields"], start=1):
                sheets["Trường biểu mẫu"].append(
                    [
                        *key,
                        order,
                        f["name"],
                        f["label"],
                        f["type"],
                        _cell_bool(f.get("required", False)),
                        "; ".join(f.get("options", [])),
                    ]
                )
            for r in v["clock_rules"]:
                sheets["Quy tắc tính thời hạn"].append(
                    [
                        *key,
                        EVENT_WORDS[r["event"]],
                        EFFECT_WORDS[r["effect"]],
                        r["window_working_days"] if r["window_working_days"] is not None else "",
                        EFFECT_WORDS[r["effect_after_window"]] if r["effect_after_window"] else "",
                        r["legal_basis"],
                    ]
                )
            for s in v["steps"]:
                sheets["Bước xử lý"].append(
                    [
                        *key,
                        s["order"],
                        _cell_bool(s["is_lead"]),
                        STEP_KIND_WORDS[s["kind"]],
                        s["name"],
                        TARGET_WORDS[s["target"]],
                        s["agency"] or "",
                        s["unit_category"],
                        ROLE_WORDS[s["role"]],
                        s["share"]["value"],
                        UNIT_WORDS[s["share"]["unit"]],
                    ]
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(book, title: str, problems: Problems, *, required: bool = True):
    """(row number, {header: value}) of a sheet whose header row is exactly ``SHEETS[title]``."""
    if title not in book.sheetnames:
        if required:
            problems.append(f"Thiếu trang “{title}” trong tệp Excel.")
        return
    sheet = book[title]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    if header != SHEETS[title]:
        problems.append(f"Trang “{title}”, dòng 1: tiêu đề cột phải đúng thứ tự: {', '.join(SHEETS[title])}.")
        return
    for number, row in enumerate(rows, start=2):
        values = list(row)[: len(header)]
        if all(_text(v) == "" for v in values):
            continue
        yield number, dict(zip(header, values + [None] * (len(header) - len(values)), strict=True))


def workbook_document(content: bytes, problems: Problems) -> dict | None:
    """The workbook read back into the JSON document shape, each item with its ``_where`` row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
        problems.append("Tệp Excel không đọc được: cần tệp .xlsx do egov xuất ra hoặc cùng mẫu.")
        return None

    def where(title: str, number: int) -> str:
        return f"Trang “{title}”, dòng {number}"

    document: dict = {"format": FORMAT, "version": FORMAT_VERSION, "sectors": [], "life_events": [], "procedures": []}
    for number, row in _rows(book, "Lĩnh vực", problems):
        document["sectors"].append(
            {"code": row["Mã lĩnh vực"], "name": row["Tên lĩnh vực"], "_where": where("Lĩnh vực", number)}
        )
    for number, row in _rows(book, "Sự kiện", problems, required=False):
        document["life_events"].append(
            {"code": row["Mã sự kiện"], "name": row["Tên sự kiện"], "_where": where("Sự kiện", number)}
        )
    procedures: dict[str, dict] = {}
    for number, row in _rows(book, "Thủ tục", problems):
        code = _text(row["Mã thủ tục"])
        at = where("Thủ tục", number)
        item = {
            "_where": at,
            "code": code,
            "name": row["Tên thủ tục"],
            "sector": row["Mã lĩnh vực"],
            "level": row["Cấp thực hiện"],
            "competent_category": row["Loại cơ quan có thẩm quyền"],
            "competent_agency": row["Cơ quan có thẩm quyền"],
            "online_mode": row["Dịch vụ công trực tuyến"],
            "online_level": row["Mức độ"],
            "life_events": [c.strip() for c in _text(row["Sự kiện"]).split(";") if c.strip()],
            "is_active": row["Đang áp dụng"],
            "versions": [],
        }
        if code in procedures:
            problems.add(at, f"mã thủ tục {code} xuất hiện hai lần.")
            continue
        procedures[code] = item
        document["procedures"].append(item)

    versions: dict[tuple[str, date], dict] = {}
    for number, row in _rows(book, "Phiên bản", problems):
        at = where("Phiên bản", number)
        code = _text(row["Mã thủ tục"])
        valid_from = _date(row["Hiệu lực từ"], at, "Hiệu lực từ", problems)
        if code not in procedures:
            problems.add(at, f"không có thủ tục mã “{code}” trong trang “Thủ tục”.")
            continue
        if valid_from is None:
            continue
        if (code, valid_from) in versions:
            problems.add(at, "hai phiên bản có cùng ngày hiệu lực.")
            continue
        item = {
            "_where": at,
            "valid_from": valid_from.isoformat(),
            "deadline": {"value": row["Thời hạn"], "unit": row["Đơn vị thời hạn"]},
            "change_note": row["Nội dung thay đổi"],
            **{name: row[header] for name, header in VERSION_TEXT_HEADERS.items()},
            "documents": [],
            "fees": [],
            "eform_fields": [],
            "clock_rules": [],
            "steps": [],
        }
        versions[code, valid_from] = item
        procedures[code]["versions"].append(item)

    def version_of(title: str, number: int, row: dict) -> dict | None:
        at = where(title, number)
        code = _text(row["Mã thủ tục"])
        valid_from = _date(row["Hiệu lực từ"], at, "Hiệu lực từ", problems)
        if valid_from is None:
            return None
        version = versions.get((code, valid_from))
        if version is None:
            problems.add(at, f"không có phiên bản của thủ tục “{code}” hiệu lực từ {format_date(valid_from)}.")
        return version

    def ordered(title: str, column: str | None = None):
        """Rows of a sheet tied to their version, by ``column`` (STT, Thứ tự) then row number."""
        numbered = []
        for number, row in _rows(book, title, problems, required=title != "Trường biểu mẫu"):
            version = version_of(title, number, row)
            if version is not None:
                order = _int(row[column], where(title, number), column, problems, default=0) if column else 0
                numbered.append((order or 0, number, version, row))
        numbered.sort(key=lambda item: (item[0], item[1]))
        for _, number, version, row in numbered:
            yield number, version, row

    for number, version, row in ordered("Thành phần hồ sơ", "STT"):
        version["documents"].append(
            {
                "_where": where("Thành phần hồ sơ", number),
                "name": row["Tên giấy tờ"],
                "originals": row["Bản chính"],
                "certified_copies": row["Bản sao chứng thực"],
                "copies": row["Bản sao"],
                "mandatory": row["Bắt buộc"],
                "form_template": row["Mẫu đơn"],
                "note": row["Ghi chú"],
            }
        )
    for number, version, row in ordered("Phí, lệ phí", "STT"):
        version["fees"].append(
            {
                "_where": where("Phí, lệ phí", number),
                "kind": row["Loại"],
                "name": row["Tên khoản thu"],
                "amount": row["Mức thu (đồng)"],
                "note": row["Ghi chú"],
            }
        )
    for number, version, row in ordered("Trường biểu mẫu", "STT"):
        at = where("Trường biểu mẫu", number)
        kind = _word(row["Kiểu"], FIELD_TYPES) or _text(row["Kiểu"])
        field_item = {
            "name": _text(row["Tên trường"]),
            "label": _text(row["Nhãn"]),
            "type": kind,
            "required": _bool(row["Bắt buộc"], at, "Bắt buộc", problems, default=False),
        }
        options = [o.strip() for o in _text(row["Lựa chọn"]).split(";") if o.strip()]
        if options or kind == "select":
            field_item["options"] = options
        row_problems = eform_fields_problems([field_item], where=at)
        if row_problems:  # reported here with the row; the version is refused anyway
            problems.extend(
                p.replace(", trường thứ 1", "").replace(f", trường “{field_item['name']}”", "") for p in row_problems
            )
            continue
        version["eform_fields"].append(field_item)
    for number, version, row in ordered("Quy tắc tính thời hạn"):
        version["clock_rules"].append(
            {
                "_where": where("Quy tắc tính thời hạn", number),
                "event": row["Sự kiện"],
                "effect": row["Tác động"],
                "window_working_days": row["Trong số ngày làm việc"],
                "effect_after_window": row["Tác động sau đó"],
                "legal_basis": row["Căn cứ"],
            }
        )
    for number, version, row in ordered("Bước xử lý", "Thứ tự"):
        version["steps"].append(
            {
                "_where": where("Bước xử lý", number),
                "order": row["Thứ tự"],
                "is_lead": row["Chủ trì"],
                "kind": row["Loại bước"],
                "name": row["Tên bước"],
                "target": row["Xử lý bởi"],
                "agency": row["Cơ quan"],
                "unit_category": row["Loại đơn vị"],
                "role": row["Vai trò"],
                "share": {"value": row["Thời gian"], "unit": row["Đơn vị thời gian"]},
            }
        )
    book.close()
    return document


def detect_and_read(name: str, content: bytes, problems: Problems) -> dict | None:
    """The catalogue document of an uploaded .json or .xlsx file."""
    if len(content) > MAX_UPLOAD_BYTES:
        problems.append(f"Tệp lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return None
    lower = name.lower()
    if lower.endswith(".json"):
        return json_loads(content, problems)
    if lower.endswith(".xlsx"):
        return workbook_document(content, problems)
    problems.append("Chỉ nhận tệp .json hoặc .xlsx.")
    return None


def existing_procedures(codes) -> dict[str, Procedure]:
    """Saved procedures with these codes, with their versions and children prefetched."""
    return {p.code: p for p in catalogue_queryset().filter(code__in=list(codes))}
