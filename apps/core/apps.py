from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import menu

        menu.register(
            menu.MenuEntry(
                key="core.calendar",
                label=_("Working-day calendar"),
                url_name="core:calendar",
                order=880,
                permissions=("core.manage_calendar",),
            )
        )
        menu.register(
            menu.MenuEntry(
                key="core.demo",
                label=_("Demo data"),
                url_name="core:demo-rebuild",
                order=900,
                permissions=("core.rebuild_demo",),
            )
        )
