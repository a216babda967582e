from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "apps.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from apps.core import menu

        menu.register(
            menu.MenuEntry(
                key="organizations.directory",
                label=_("Agencies"),
                url_name="organizations:directory",
                order=80,
            )
        )
