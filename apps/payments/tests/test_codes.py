"""Bill numbers, amounts in words and the VietQR payload (parsed back, CRC recomputed here)."""

from datetime import date

import pytest
from vietnam_qr_pay import QRPay

from apps.payments.actions import payment_create
from apps.payments.bills import ALPHABET, bill_number_format, bill_number_new, bill_number_valid
from apps.payments.models import CollectionAccount, Method
from apps.payments.vietqr import collection_account, transfer_purpose, vietqr_payload
from apps.payments.words import amount_in_words


# --- bill numbers -------------------------------------------------------------------------------
def test_bill_number_format_is_written_once():
    number = bill_number_format(date(2026, 11, 27), "K7M3Q9XZ2")

    assert number[:-1] == "DVC261127K7M3Q9XZ2"
    assert len(number) == 19 and bill_number_valid(number)


def test_new_bill_numbers_are_valid_and_distinct():
    numbers = {bill_number_new(date(2026, 11, 27)) for _ in range(2000)}

    assert len(numbers) == 2000
    assert all(bill_number_valid(n) and n.startswith("DVC261127") for n in numbers)


def test_one_wrong_character_or_two_swapped_are_caught():
    number = bill_number_format(date(2026, 11, 27), "K7M3Q9XZ2")
    body = number[9:18]
    wrong = []
    for index, char in enumerate(body):
        for other in ALPHABET:
            if other != char:
                wrong.append(number[:9] + body[:index] + other + body[index + 1 :] + number[-1])
    for index in range(len(body) - 1):
        if body[index] != body[index + 1]:
            swapped = body[:index] + body[index + 1] + body[index] + body[index + 2 :]
            wrong.append(number[:9] + swapped + number[-1])

    assert not any(bill_number_valid(w) for w in wrong)


@pytest.mark.parametrize(
    "value", ["", "DVC261127K7M3Q9XZ2", "dvc261127k7m3q9xz2a", "DVC261127K7M3Q9XZ2AB", "DVC2611 27K7M3Q9XZ"]
)
def test_malformed_bill_numbers_are_refused(value):
    assert not bill_number_valid(value)


# --- amounts in words ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (1_005, "Một nghìn không trăm lẻ năm đồng"),
        (75_000, "Bảy mươi lăm nghìn đồng"),
        (100_000, "Một trăm nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_015_000, "Hai triệu không trăm mười lăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


# --- VietQR -------------------------------------------------------------------------------------
def crc16_ccitt_false(data: bytes) -> int:
    """Bit by bit, polynomial 0x1021, initial 0xFFFF (written here, not taken from the library)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def tlv(payload: str) -> dict[str, str]:
    fields, index = {}, 0
    while index < len(payload):
        tag, length = payload[index : index + 2], int(payload[index + 2 : index + 4])
        fields[tag] = payload[index + 4 : index + 4 + length]
        index += 4 + length
    return fields


@pytest.mark.django_db
def test_vietqr_payload_carries_account_amount_and_bill_number(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)
    account = collection_account(world.department)

    payload = vietqr_payload(payment, account)

    root = tlv(payload)
    assert root["00"] == "01" and root["01"] == "12"  # dynamic: carries an amount
    assert root["53"] == "704" and root["58"] == "VN"
    assert root["54"] == "100000"
    merchant = tlv(root["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert tlv(merchant["01"]) == {"00": "970415", "01": "113000006868"}
    additional = tlv(root["62"])
    assert additional["01"] == payment.bill_number
    assert additional["08"] == transfer_purpose(payment)
    assert additional["08"].startswith(payment.bill_number) and len(additional["08"]) <= 25
    assert payload.endswith(f"{crc16_ccitt_false(payload[:-4].encode()):04X}")
    assert payload[-8:-4] == "6304"


@pytest.mark.django_db
def test_vietqr_payload_parses_back_with_the_library(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)

    parsed = QRPay(vietqr_payload(payment, collection_account(world.department)))

    assert parsed.is_valid
    assert parsed.consumer.bank_bin == "970415"
    assert parsed.amount == "100000"
    assert parsed.additional_data.bill_number == payment.bill_number


@pytest.mark.django_db
def test_a_tampered_payload_fails_its_crc(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)
    payload = vietqr_payload(payment, collection_account(world.department))

    tampered = payload.replace("5406100000", "5406900000")

    assert tampered != payload
    assert not QRPay(tampered).is_valid


@pytest.mark.django_db
def test_an_agency_account_wins_over_the_settings_account(world):
    CollectionAccount.objects.create(
        agency=world.department, bank_bin="970436", account_number="0011001234567", account_name="SO XAY DUNG"
    )

    account = collection_account(world.department)

    assert (account.bank_bin, account.account_number) == ("970436", "0011001234567")


@pytest.mark.django_db
def test_without_any_account_vietqr_is_not_offered(world, lodge, settings):
    settings.PAYMENT_VIETQR_BANK_BIN = ""
    settings.PAYMENT_VIETQR_ACCOUNT = ""

    from apps.payments.errors import PaymentError

    with pytest.raises(PaymentError, match="chưa khai báo tài khoản"):
        payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)
