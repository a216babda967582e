"""The one folding function of every search, and marks stripped for SMS with the case kept."""

import pytest

from apps.core.folding import fold_text, strip_marks


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cấp giấy phép xây dựng", "cap giay phep xay dung"),
        ("ĐĂNG KÝ  khai sinh", "dang ky khai sinh"),
        ("Sở Y tế", "so y te"),
        ("  Hà   Tĩnh ", "ha tinh"),
    ],
)
def test_fold_text(text, folded):
    assert fold_text(text) == folded


def test_strip_marks_keeps_case_codes_and_spacing():
    body = "Hồ sơ 000.00.14.H27-261116-0001 đã được tiếp nhận; mã tra cứu Ab3kQ9."

    assert strip_marks(body) == "Ho so 000.00.14.H27-261116-0001 da duoc tiep nhan; ma tra cuu Ab3kQ9."
    assert strip_marks("Đặng Quốc Khánh") == "Dang Quoc Khanh"
