from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "apps.procedures"
    label = "procedures"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from apps.audit.labels import register_action
        from apps.core import menu

        menu.register(
            menu.MenuEntry(
                key="procedures.catalogue", label=_("Procedure catalogue"), url_name="procedures:catalogue", order=90
            )
        )
        menu.register(
            menu.MenuEntry(
                key="procedures.transfer",
                label=_("Import/export procedures"),
                url_name="procedures:transfer",
                order=810,
                permissions=("procedures.change_procedure",),
            )
        )
        for code, label in [
            ("procedures.sector_create", _("Sector created")),
            ("procedures.sector_rename", _("Sector renamed")),
            ("procedures.life_event_create", _("Life event created")),
            ("procedures.life_event_rename", _("Life event renamed")),
            ("procedures.procedure_create", _("Procedure created")),
            ("procedures.procedure_update", _("Procedure changed")),
            ("procedures.procedure_activate", _("Procedure applied again")),
            ("procedures.procedure_deactivate", _("Procedure no longer applied")),
            ("procedures.version_publish", _("Procedure version published")),
            ("procedures.version_update", _("Unused procedure version corrected")),
            ("procedures.version_in_use", _("Procedure version used by a dossier")),
            ("procedures.catalogue_import", _("Procedure catalogue imported")),
        ]:
            register_action(code, label)
