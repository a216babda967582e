"""The bill number (số hóa đơn) of a payment: ``DVC<YYMMDD><9 random><check>``, e.g. ``DVC261127K7M3Q9XZ2A``.

No regulation fixes its form, so it is chosen to survive a bank transfer: upper-case letters and
digits only (banks strip other characters from the transfer description), 19 characters (EMVCo
field 62.01 holds at most 25), no counter to lock (nine random Crockford base-32 characters, 45
bits a day; the unique constraint catches the improbable clash), and a last check character
(Luhn mod 32) so a number typed by hand into a transfer with one character wrong or two swapped is
recognised as wrong rather than matched to another payment.
"""

import re
import secrets
from datetime import date

PREFIX = "DVC"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
RANDOM_LENGTH = 9
PATTERN = re.compile(rf"^{PREFIX}(?P<day>\d{{6}})(?P<body>[{ALPHABET}]{{{RANDOM_LENGTH}}})(?P<check>[{ALPHABET}])$")


def _check_character(payload: str) -> str:
    """Luhn mod N over ``payload`` (characters of ALPHABET)."""
    base = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return ALPHABET[(base - total % base) % base]


def bill_number_format(day: date, body: str) -> str:
    """27 November 2026, 'K7M3Q9XZ2' → 'DVC261127K7M3Q9XZ2' plus its check character."""
    if len(body) != RANDOM_LENGTH or any(char not in ALPHABET for char in body):
        raise ValueError("bill body must be 9 Crockford base-32 characters")
    payload = f"{day:%y%m%d}{body}"
    return f"{PREFIX}{payload}{_check_character(payload)}"


def bill_number_new(day: date) -> str:
    """A fresh bill number for a payment created on ``day`` (Asia/Ho_Chi_Minh)."""
    return bill_number_format(day, "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH)))


def bill_number_valid(value: str) -> bool:
    """Whether ``value`` is a well-formed bill number with the right check character."""
    match = PATTERN.match(value or "")
    return bool(match) and _check_character(match["day"] + match["body"]) == match["check"]
