"""E-form field definitions kept as data on a procedure version.

A version's ``eform_fields`` is a list of definitions the citizen portal renders and validates::

    {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": true}
    {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "required": true,
     "options": ["Nam", "Nữ"]}

``name`` is a lower-case identifier unique in the form; ``type`` is one of ``FIELD_TYPES``;
``options`` is given for ``select`` only.
"""

import re

FIELD_TYPES = {
    "text": "văn bản",
    "date": "ngày",
    "number": "số",
    "select": "chọn",
    "id_number": "số định danh cá nhân",
    "phone": "số điện thoại",
}
ALLOWED_KEYS = {"name", "label", "type", "required", "options"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def eform_fields_problems(fields, *, where: str = "Biểu mẫu điện tử") -> list[str]:
    """Every problem of a list of e-form field definitions, in Vietnamese (empty: valid)."""
    if not isinstance(fields, list):
        return [f"{where}: phải là một danh sách các trường."]
    problems: list[str] = []
    seen: set[str] = set()
    for index, field in enumerate(fields, start=1):
        here = f"{where}, trường thứ {index}"
        if not isinstance(field, dict):
            problems.append(f"{here}: mỗi trường phải có tên, nhãn và kiểu.")
            continue
        unknown = sorted(set(field) - ALLOWED_KEYS)
        if unknown:
            problems.append(f"{here}: không có thuộc tính {', '.join(unknown)}.")
        name = field.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(
                f"{here}: tên trường “{name or ''}” phải viết thường, không dấu, bắt đầu bằng chữ cái "
                "(chữ, số, dấu gạch dưới; ví dụ ho_ten)."
            )
        elif name in seen:
            problems.append(f"{here}: tên trường “{name}” bị trùng.")
        else:
            seen.add(name)
            here = f"{where}, trường “{name}”"
        label = field.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{here}: thiếu nhãn hiển thị.")
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            problems.append(f"{here}: kiểu “{kind or ''}” không hợp lệ; chọn một trong: {', '.join(FIELD_TYPES)}.")
        if not isinstance(field.get("required", False), bool):
            problems.append(f"{here}: “required” phải là true hoặc false.")
        options = field.get("options")
        if kind == "select":
            if (
                not isinstance(options, list)
                or not options
                or not all(isinstance(o, str) and o.strip() for o in options)
            ):
                problems.append(f"{here}: trường kiểu chọn cần danh sách lựa chọn không rỗng.")
            elif len(set(options)) != len(options):
                problems.append(f"{here}: các lựa chọn bị trùng.")
        elif options not in (None, []):
            problems.append(f"{here}: chỉ trường kiểu chọn mới có danh sách lựa chọn.")
    return problems


def eform_fields_normalize(fields: list[dict]) -> list[dict]:
    """The stored form of valid definitions: fixed keys, ``required`` always present."""
    normalized = []
    for field in fields:
        item = {
            "name": field["name"],
            "label": field["label"].strip(),
            "type": field["type"],
            "required": bool(field.get("required", False)),
        }
        if field["type"] == "select":
            item["options"] = [option.strip() for option in field["options"]]
        normalized.append(item)
    return normalized
