"""Citizens' satisfaction ratings of finished dossiers, and their feedback and complaints (PAKN)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "apps.feedback"
    label = "feedback"
    verbose_name = _("Ratings and feedback")

    def ready(self) -> None:
        from apps.audit.labels import register_action
        from apps.core import menu

        menu.register(
            menu.MenuEntry(
                key="feedback.inbox",
                label=_("Citizens' feedback"),
                url_name="feedback:inbox",
                order=150,
                permissions=("feedback.view_feedback",),
            )
        )
        for code, label in (
            ("feedback.dossier_rate", _("Dossier rated by its applicant")),
            ("feedback.feedback_submit", _("Feedback submitted")),
            ("feedback.feedback_assign", _("Feedback assigned to an official")),
            ("feedback.feedback_answer", _("Feedback answered")),
            ("feedback.feedback_publish", _("Feedback answer published")),
        ):
            register_action(code, label)
