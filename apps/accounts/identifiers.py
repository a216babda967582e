"""Checks of the identifiers applicants give: citizen ID (CCCD), phone numbers, tax codes."""

import re
from datetime import date

import phonenumbers

# GSO codes of the 63 provinces before the 2025 merger, as used in the first three digits of a
# 12-digit citizen identity number (Circular 59/2021/TT-BCA); the 34 current provinces keep codes
# from this list.
CCCD_PROVINCE_CODES = frozenset(
    {1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42}
    | {44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84}
    | {86, 87, 89, 91, 92, 93, 94, 95, 96}
)
_CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


def citizen_id_problem(value: str, *, birth_date: date | None = None) -> str | None:
    """Why ``value`` is not a valid 12-digit citizen identity number, or None if it is."""
    value = (value or "").strip()
    if not re.fullmatch(r"\d{12}", value):
        return "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
    if int(value[:3]) not in CCCD_PROVINCE_CODES:
        return f"Ba chữ số đầu ({value[:3]}) không phải mã tỉnh nơi đăng ký khai sinh."
    century = _CENTURY_BY_DIGIT[int(value[3])]
    birth_year = century + int(value[4:6])
    if birth_year > date.today().year:
        return "Năm sinh mã hóa trong số định danh nằm ở tương lai."
    if birth_date is not None and birth_date.year != birth_year:
        return f"Số định danh cho năm sinh {birth_year}, khác với ngày sinh đã khai."
    return None


def normalize_phone(value: str) -> str | None:
    """A Vietnamese mobile number as 0xxxxxxxxx, or None if it is not one."""
    try:
        number = phonenumbers.parse((value or "").strip(), "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return "0" + str(number.national_number)


_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_problem(value: str) -> str | None:
    """Why ``value`` is not a valid enterprise tax code (10 digits, or 10-3 for a branch)."""
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{10})(?:-(\d{3}))?", value)
    if not match:
        return "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số với chi nhánh."
    digits = match.group(1)
    check = 10 - sum(int(d) * w for d, w in zip(digits[:9], _TAX_WEIGHTS, strict=True)) % 11
    if check == 10 or check != int(digits[9]):
        return "Mã số thuế sai chữ số kiểm tra."
    return None
