"""VietQR (NAPAS) payment codes: the EMVCo payload of a payment and its QR image.

Built with ``vietnam-qr-pay``: ID 38 holds the GUID A000000727, the collection account's bank BIN
and number and the service QRIBFTTA (transfer to an account); 54 the amount in đồng (a dynamic
code, 01 = "12"); 62.01 the bill number and 62.08 the purpose; 63 the CRC16-CCITT-FALSE. The
purpose is folded to ASCII capitals and cut to 25 characters: EMVCo sub-fields hold at most 25
characters, and banks copy it into the transfer description, which takes no diacritics.
"""

from dataclasses import dataclass

import segno
from django.conf import settings
from vietnam_qr_pay import QRPay

from apps.accounts.selectors import home_agency
from apps.core.folding import fold_text

from .models import CollectionAccount

PURPOSE_LENGTH = 25


@dataclass(frozen=True)
class Account:
    bank_bin: str
    account_number: str
    account_name: str


def collection_account(agency) -> Account | None:
    """The account an agency's fees are transferred to: its own (or its home agency's), else the settings'."""
    for candidate in (agency, home_agency(agency)):
        row = CollectionAccount.objects.filter(agency=candidate).first()
        if row is not None:
            return Account(row.bank_bin, row.account_number, row.account_name)
    if settings.PAYMENT_VIETQR_BANK_BIN and settings.PAYMENT_VIETQR_ACCOUNT:
        return Account(
            settings.PAYMENT_VIETQR_BANK_BIN, settings.PAYMENT_VIETQR_ACCOUNT, settings.PAYMENT_VIETQR_ACCOUNT_NAME
        )
    return None


def transfer_purpose(payment) -> str:
    """'DVC261127K7M3Q9XZ2A LE PHI' style: the bill number first, so a cut description still matches."""
    text = fold_text(f"{payment.bill_number} {payment.description}").upper()
    return "".join(char for char in text if char.isascii() and (char.isalnum() or char == " "))[:PURPOSE_LENGTH].strip()


def vietqr_payload(payment, account: Account) -> str:
    """The EMVCo payload of ``payment`` to ``account`` (a dynamic code with the amount)."""
    qr = QRPay.init_viet_qr(
        bank_bin=account.bank_bin,
        bank_number=account.account_number,
        amount=str(payment.amount),
        purpose=transfer_purpose(payment),
    )
    qr.additional_data.bill_number = payment.bill_number
    return qr.build()


def qr_svg_uri(payload: str) -> str:
    """The QR image as an SVG data URI (allowed by the CSP's img-src), medium error correction."""
    return segno.make(payload, error="m").svg_data_uri(scale=5, border=4)
