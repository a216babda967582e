from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "apps.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from apps.core import menu

        menu.register(
            menu.MenuEntry(
                key="dossiers.inbox",
                label=_("Dossiers"),
                url_name="dossiers:inbox",
                order=100,
                permissions=("dossiers.view_dossier",),
            )
        )
        menu.register(
            menu.MenuEntry(
                key="dossiers.statistics",
                label=_("Dossier statistics"),
                url_name="dossier_reports:statistics",
                order=300,
                permissions=("dossiers.view_statistics",),
            )
        )
        menu.register(
            menu.MenuEntry(
                key="dossiers.intake",
                label=_("Receive a dossier"),
                url_name="dossiers:intake",
                order=110,
                permissions=("dossiers.add_dossier",),
            )
        )
