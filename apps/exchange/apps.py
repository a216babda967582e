from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    label = "exchange"
    verbose_name = _("Inter-agency exchange")

    def ready(self) -> None:
        from apps.audit.labels import register_action
        from apps.core import menu

        menu.register(
            menu.MenuEntry(
                key="exchange.log",
                label=_("Document exchange"),
                url_name="exchange:log",
                order=310,
                permissions=("exchange.view_exchange",),
            )
        )
        for code, label in (
            ("exchange.package_send", _("Package queued for another agency")),
            ("exchange.package_deliver", _("Package delivered")),
            ("exchange.package_receive", _("Package received")),
            ("exchange.package_quarantine", _("Package refused and kept in quarantine")),
            ("exchange.status_send", _("Status sent to the sender agency")),
            ("exchange.status_receive", _("Status received from the recipient agency")),
            ("exchange.receipt", _("Exchange receipt sealed")),
        ):
            register_action(code, label)
