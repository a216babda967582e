from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from apps.core import menu

        menu.register(
            menu.MenuEntry(key="accounts.dashboard", label=_("Overview"), url_name="accounts:workspace", order=0)
        )
