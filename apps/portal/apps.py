from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "apps.portal"
    label = "portal"
    verbose_name = _("Public service portal")

    def ready(self) -> None:
        from apps.audit.labels import register_action

        for code, label in (
            ("portal.draft_create", _("Online application started")),
            ("portal.draft_save", _("Online application draft saved")),
            ("portal.draft_file_attach", _("File attached to an online application")),
            ("portal.draft_file_remove", _("File removed from an online application")),
            ("portal.draft_submit", _("Online application submitted")),
            ("portal.draft_expire", _("Online application draft abandoned (too old)")),
        ):
            register_action(code, label)
