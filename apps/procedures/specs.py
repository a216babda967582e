"""What a procedure and a version are made of, before they are saved, and every rule they obey.

The actions, the import and the demo all describe a procedure with these specs and have them
checked by ``procedure_spec_problems`` / ``version_spec_problems``, which list every problem in
Vietnamese (with its place, e.g. "Bước 2" or "Trang “Bước xử lý”, dòng 7") instead of stopping at
the first one, so an import can report all its bad rows at once.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from apps.accounts.roles import Role
from apps.organizations.models import Agency, Level

from .eforms import eform_fields_problems
from .models import (
    DEFAULT_CLOCK_RULES,
    HOURS_PER_WORKING_DAY,
    ClockRule,
    DeadlineUnit,
    FeeItem,
    Procedure,
    RoutingStep,
    deadline_in_hours,
    deadline_label,
)

# National TTHC database codes: "1.001193" or with the publishing body, "1.001193.000.00.00.H27".
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")
STEP_ROLES = (Role.DESK_OFFICER, Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.CLERK)
CATALOGUE_LEVELS = (Level.PROVINCE, Level.COMMUNE)  # two-level local government since 01/7/2025


@dataclass
class DocumentSpec:
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0
    mandatory: bool = True
    form_template: str = ""
    note: str = ""
    where: str = ""


@dataclass
class FeeSpec:
    name: str
    amount: int = 0
    kind: str = FeeItem.Kind.FEE
    note: str = ""
    where: str = ""


@dataclass
class ClockRuleSpec:
    event: str
    effect: str
    window_working_days: int | None = None
    effect_after_window: str = ""
    legal_basis: str = ""
    where: str = ""


@dataclass
class StepSpec:
    order: int
    kind: str
    name: str
    role: str
    share_value: Decimal = Decimal(0)
    share_unit: str = DeadlineUnit.WORKING_DAYS
    target: str = RoutingStep.Target.RECEIVING
    agency: Agency | None = None
    unit_category: str = ""
    is_lead: bool = True
    where: str = ""


def default_clock_rules() -> list[ClockRuleSpec]:
    return [ClockRuleSpec(event=event, **values) for event, values in DEFAULT_CLOCK_RULES.items()]


@dataclass
class VersionSpec:
    """The content of a procedure version (everything but its dates and number)."""

    deadline_value: Decimal = Decimal(0)
    deadline_unit: str = DeadlineUnit.WORKING_DAYS
    sequence: str = ""
    channels: str = ""
    documents_text: str = ""
    deadline_text: str = ""
    subjects: str = ""
    agency_text: str = ""
    result_description: str = ""
    forms_text: str = ""
    fees_text: str = ""
    requirements: str = ""
    legal_basis: str = ""
    documents: list[DocumentSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)
    clock_rules: list[ClockRuleSpec] = field(default_factory=default_clock_rules)
    eform_fields: list[dict] = field(default_factory=list)
    change_note: str = ""
    where: str = ""


TEXT_FIELDS = (
    "sequence",
    "channels",
    "documents_text",
    "deadline_text",
    "subjects",
    "agency_text",
    "result_description",
    "forms_text",
    "fees_text",
    "requirements",
    "legal_basis",
)


@dataclass
class ProcedureSpec:
    """What identifies a procedure (not versioned)."""

    code: str
    name: str
    sector_code: str
    level: int
    competent_category: str
    competent_agency: Agency | None = None
    online_mode: str = Procedure.OnlineMode.PARTIAL
    online_level: int = Procedure.OnlineLevel.LEVEL_2
    life_event_codes: list[str] = field(default_factory=list)
    is_active: bool = True
    where: str = ""


def _at(where: str, fallback: str) -> str:
    return where or fallback


def as_decimal(value) -> Decimal | None:
    """A number of days or hours from text or a number ("0,5" and "0.5" both read), else None."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None


def _amount_problems(value: Decimal, unit: str, here: str, what: str) -> list[str]:
    if unit not in DeadlineUnit.values:
        return [f"{here}: đơn vị {what} “{unit}” không hợp lệ (ngày làm việc, giờ làm việc hoặc trong ngày)."]
    if value < 0:
        return [f"{here}: {what} không được âm."]
    if (value * 2) % 1:
        return [f"{here}: {what} chỉ tính theo nguyên hoặc nửa ngày/giờ (ví dụ 0,5)."]
    if value > 999:
        return [f"{here}: {what} quá lớn."]
    return []


def procedure_spec_problems(spec: ProcedureSpec) -> list[str]:
    here = _at(spec.where, f"Thủ tục {spec.code}")
    problems = []
    if not PROCEDURE_CODE.match(spec.code or ""):
        problems.append(
            f"{here}: mã thủ tục “{spec.code}” không đúng dạng mã Cơ sở dữ liệu quốc gia về TTHC "
            "(ví dụ 1.001193 hoặc 1.001193.000.00.00.H27)."
        )
    if not spec.name.strip():
        problems.append(f"{here}: thiếu tên thủ tục.")
    elif len(spec.name) > 500:
        problems.append(f"{here}: tên thủ tục dài quá 500 ký tự.")
    if not spec.sector_code.strip():
        problems.append(f"{here}: thiếu lĩnh vực.")
    if spec.level not in CATALOGUE_LEVELS:
        problems.append(f"{here}: cấp thực hiện phải là cấp tỉnh hoặc cấp xã.")
    if spec.competent_category not in Agency.Category.values:
        problems.append(f"{here}: loại cơ quan có thẩm quyền “{spec.competent_category}” không hợp lệ.")
    if spec.online_mode not in Procedure.OnlineMode.values:
        problems.append(f"{here}: hình thức dịch vụ công trực tuyến phải là toàn trình hoặc một phần.")
    if spec.online_level not in Procedure.OnlineLevel.values:
        problems.append(f"{here}: mức độ dịch vụ công phải từ 1 đến 4.")
    agency = spec.competent_agency
    if spec.level == Level.COMMUNE and agency is not None:
        problems.append(
            f"{here}: thủ tục cấp xã do UBND xã, phường tiếp nhận hồ sơ giải quyết, "
            "không ghi một cơ quan có thẩm quyền cố định."
        )
    if spec.level == Level.PROVINCE and agency is None:
        problems.append(f"{here}: thủ tục cấp tỉnh phải ghi cơ quan có thẩm quyền.")
    if agency is not None:
        if agency.category != spec.competent_category:
            problems.append(
                f"{here}: cơ quan có thẩm quyền “{agency}” không thuộc loại “{spec.competent_category}” đã ghi."
            )
        if agency.level != spec.level:
            problems.append(f"{here}: cơ quan có thẩm quyền “{agency}” không cùng cấp với thủ tục.")
    return problems


def version_spec_problems(spec: VersionSpec) -> list[str]:
    """Every problem of a version's content: deadline, documents, fees, e-form, clock rules, routing."""
    here = _at(spec.where, "Phiên bản")
    problems = _amount_problems(spec.deadline_value, spec.deadline_unit, here, "thời hạn giải quyết")
    for index, document in enumerate(spec.documents, start=1):
        at = _at(document.where, f"Thành phần hồ sơ {index}")
        if not document.name.strip():
            problems.append(f"{at}: thiếu tên giấy tờ.")
        if min(document.originals, document.certified_copies, document.copies) < 0:
            problems.append(f"{at}: số lượng bản không được âm.")
    for index, fee in enumerate(spec.fees, start=1):
        at = _at(fee.where, f"Phí, lệ phí {index}")
        if not fee.name.strip():
            problems.append(f"{at}: thiếu tên khoản phí, lệ phí.")
        if not isinstance(fee.amount, int) or isinstance(fee.amount, bool) or fee.amount < 0:
            problems.append(f"{at}: mức thu phải là số đồng nguyên, không âm (0 nếu miễn).")
        if fee.kind not in FeeItem.Kind.values:
            problems.append(f"{at}: loại “{fee.kind}” không hợp lệ (phí hoặc lệ phí).")
    problems += eform_fields_problems(spec.eform_fields, where=f"{here}, biểu mẫu điện tử")
    problems += _clock_rule_problems(spec)
    problems += routing_problems(spec)
    return problems


def _clock_rule_problems(spec: VersionSpec) -> list[str]:
    problems = []
    seen = set()
    for index, rule in enumerate(spec.clock_rules, start=1):
        at = _at(rule.where, f"Quy tắc tính thời hạn {index}")
        if rule.event not in ClockRule.Event.values:
            problems.append(f"{at}: sự kiện “{rule.event}” không hợp lệ.")
        elif rule.event in seen:
            problems.append(f"{at}: sự kiện “{ClockRule.Event(rule.event).label}” đã có quy tắc.")
        seen.add(rule.event)
        if rule.effect not in ClockRule.Effect.values:
            problems.append(f"{at}: tác động “{rule.effect}” không hợp lệ (tính lại, tạm dừng hoặc tiếp tục).")
        if rule.window_working_days is None:
            if rule.effect_after_window:
                problems.append(f"{at}: chỉ ghi tác động sau thời hạn khi có số ngày làm việc.")
        else:
            if rule.window_working_days < 0:
                problems.append(f"{at}: số ngày làm việc không được âm.")
            if rule.effect_after_window not in ClockRule.Effect.values:
                problems.append(f"{at}: cần ghi tác động khi sự kiện xảy ra sau {rule.window_working_days} ngày.")
    return problems


def routing_problems(spec: VersionSpec) -> list[str]:
    """The routing rules: intake first, return last, one lead per parallel group, shares within the deadline."""
    here = _at(spec.where, "Quy trình")
    steps = spec.steps
    if not steps:
        return [f"{here}: quy trình xử lý phải có ít nhất bước tiếp nhận và bước trả kết quả."]
    problems = []
    for index, step in enumerate(steps, start=1):
        at = _at(step.where, f"Bước {index} (“{step.name}”)")
        if not step.name.strip():
            problems.append(f"{at}: thiếu tên bước.")
        if not isinstance(step.order, int) or step.order < 1:
            problems.append(f"{at}: thứ tự bước phải là số nguyên dương.")
        if step.kind not in RoutingStep.Kind.values:
            problems.append(f"{at}: loại bước “{step.kind}” không hợp lệ.")
        if step.role not in STEP_ROLES:
            problems.append(
                f"{at}: vai trò “{step.role}” không hợp lệ (cán bộ một cửa, chuyên viên, trưởng phòng, "
                "lãnh đạo cơ quan hoặc văn thư)."
            )
        if step.target == RoutingStep.Target.AGENCY and step.agency is None:
            problems.append(f"{at}: bước do một cơ quan cố định xử lý phải ghi cơ quan đó.")
        elif step.target == RoutingStep.Target.RECEIVING and step.agency is not None:
            problems.append(f"{at}: bước do cơ quan tiếp nhận xử lý không ghi cơ quan cố định.")
        elif step.target not in RoutingStep.Target.values:
            problems.append(f"{at}: “xử lý bởi” phải là cơ quan cố định hoặc cơ quan tiếp nhận.")
        if step.unit_category and step.unit_category not in Agency.Category.values:
            problems.append(f"{at}: loại đơn vị “{step.unit_category}” không hợp lệ.")
        problems += _amount_problems(step.share_value, step.share_unit, at, "thời gian của bước")
    if problems:
        return problems

    groups: dict[int, list[StepSpec]] = {}
    for step in steps:
        groups.setdefault(step.order, []).append(step)
    ordered = [groups[order] for order in sorted(groups)]
    first, last = ordered[0], ordered[-1]
    if len(first) != 1 or first[0].kind != RoutingStep.Kind.INTAKE or first[0].role != Role.DESK_OFFICER:
        problems.append(f"{here}: bước đầu tiên phải là một bước tiếp nhận hồ sơ do cán bộ một cửa thực hiện.")
    if len(ordered) < 2 or len(last) != 1 or last[0].kind != RoutingStep.Kind.RETURN:
        problems.append(f"{here}: bước cuối cùng phải là một bước trả kết quả.")
    for order, group in sorted(groups.items()):
        leads = sum(1 for step in group if step.is_lead)
        if len(group) > 1 and leads != 1:
            problems.append(
                f"{here}: các bước song song thứ tự {order} phải có đúng một cơ quan chủ trì (đang có {leads})."
            )
        if len(group) == 1 and not group[0].is_lead:
            problems.append(f"{here}: bước {order} chạy một mình nên là bước chủ trì.")
    used = sum((max(step_hours(step) for step in group) for group in ordered), Decimal(0))
    allowed = _hours(spec.deadline_value, spec.deadline_unit)
    if used > allowed:
        problems.append(
            f"{here}: tổng thời gian các bước ({_hours_label(used)}) vượt thời hạn giải quyết "
            f"({deadline_label(spec.deadline_value, spec.deadline_unit)}); các bước song song chỉ tính bước dài nhất."
        )
    return problems


def _hours(value: Decimal, unit: str) -> Decimal:
    return deadline_in_hours(value, unit)


def step_hours(step: StepSpec) -> Decimal:
    return _hours(step.share_value, step.share_unit)


def _hours_label(hours: Decimal) -> str:
    if hours % (HOURS_PER_WORKING_DAY / 2) == 0:
        return deadline_label(hours / HOURS_PER_WORKING_DAY, DeadlineUnit.WORKING_DAYS)
    return deadline_label(hours, DeadlineUnit.WORKING_HOURS)
