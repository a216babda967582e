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
        menu.register(
            menu.MenuEntry(
                key="accounts.officials",
                label=_("Officials"),
                url_name="accounts:official-list",
                order=800,
                permissions=("accounts.view_membership",),
            )
        )
        menu.register(
            menu.MenuEntry(
                key="accounts.security", label=_("Sign-in security"), url_name="accounts:security", order=990
            )
        )
