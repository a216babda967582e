"""The receipt (biên nhận thanh toán) of a paid payment as PDF, printed like the one-stop forms.

It is the platform's confirmation that the money was received, with the bill number, payer,
dossier code, amount in digits and words and the moment of payment. It is not the legal
e-receipt of Decree 123/2020 / TT 78/2021 (that needs a template code and series registered with
the tax authority, issued by the collecting agency's receipt software). Its wording is Vietnamese
whatever the interface language, as on the forms.
"""

from django.utils import timezone

from apps.core.formatting import format_money
from apps.dossiers.printing.rendering import A5_PORTRAIT, letterhead, moment_text, render_pdf

from .errors import PaymentError, PaymentErrorCode
from .models import Method, Payment, State
from .words import amount_in_words

TITLE = "Biên nhận thanh toán phí, lệ phí"
METHOD_TEXT = {
    Method.VIETQR: "Chuyển khoản ngân hàng (VietQR)",
    Method.GATEWAY: "Cổng thanh toán trực tuyến",
}


def receipt_pdf(payment: Payment) -> bytes:
    """The PDF receipt of ``payment``; a Vietnamese error when it is not paid."""
    payment = Payment.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency__parent", "dossier__receiving_agency__administrative_unit"
    ).get(pk=payment.pk)
    if payment.state != State.PAID:
        raise PaymentError(PaymentErrorCode.NOT_PAID, "Chỉ in biên nhận cho khoản đã thanh toán.")
    dossier = payment.dossier
    context = {
        "title": TITLE,
        "payment": payment,
        "dossier": dossier,
        "letterhead": letterhead(dossier.receiving_agency, timezone.localtime(payment.paid_at)),
        "amount_text": format_money(payment.amount),
        "amount_words": amount_in_words(payment.amount),
        "paid_text": moment_text(payment.paid_at),
        "method_text": METHOD_TEXT[payment.method],
        "items": [{**item, "amount_text": format_money(item["amount"])} for item in payment.items],
    }
    return render_pdf("payments/receipt.html", context, page=A5_PORTRAIT)
