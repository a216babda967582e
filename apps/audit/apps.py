from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from apps.core import auditing, menu

        from . import signals  # noqa: F401  (sign-in events)
        from .actions import audit_record
        from .labels import register_builtin_actions

        # Core sits below audit: its actions record through this door.
        auditing.set_recorder(audit_record)
        register_builtin_actions()
        menu.register(
            menu.MenuEntry(
                key="audit.events",
                label=_("Audit trail"),
                url_name="audit:event-list",
                order=800,
                permissions=("audit.view_auditevent",),
            )
        )
