"""Fees of online dossiers: VietQR, payment-gateway adapters, callbacks, reconciliation, receipts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from apps.audit.labels import register_action

        for code, label in [
            ("payments.payment_create", _("Payment requested")),
            ("payments.payment_settle", _("Payment settled")),
            ("payments.payment_fail", _("Payment failed")),
            ("payments.payment_expire", _("Payment expired")),
            ("payments.payment_cancel", _("Payment cancelled")),
        ]:
            register_action(code, label)
