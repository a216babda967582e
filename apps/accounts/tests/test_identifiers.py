import pytest

from apps.accounts.identifiers import citizen_id_problem, normalize_phone, tax_code_problem


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84-986-123-456", "0986123456"),
        ("0339 123 456", "0339123456"),
        ("0239 3855 555", None),  # a Hà Tĩnh landline
        ("12345", None),
        ("+1 202 555 0100", None),
        ("", None),
    ],
)
def test_phone_numbers_are_vietnamese_mobiles(raw, normalized):
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0100109106", True), ("0100109106-001", True), ("0100109107", False), ("010010910", False), ("abc", False)],
)
def test_tax_codes_have_a_check_digit(value, ok):
    assert (tax_code_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("042090001234", True), ("042390001234", False), ("001300001234", True), ("0420900012345", False)],
    ids=["hatinh-1990", "future-century", "hanoi-2000", "too-long"],
)
def test_citizen_ids(value, ok):
    assert (citizen_id_problem(value) is None) is ok
