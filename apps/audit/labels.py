"""Readable names of action codes, registered by the app that records them.

An app calls ``register_action("dossier.receive", _("Dossier received"))`` in its
``AppConfig.ready``; the auditor pages show the label and fall back to the raw code.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_labels: dict[str, str | Promise] = {}


def register_action(code: str, label: str | Promise) -> None:
    _labels[code] = label


def action_label(code: str) -> str:
    label = _labels.get(code)
    return str(label) if label is not None else code


def registered_actions() -> dict[str, str]:
    """{code: label} of every registered action, sorted by code."""
    return {code: str(_labels[code]) for code in sorted(_labels)}


def register_builtin_actions() -> None:
    register_action("security.login", _("Signed in"))
    register_action("security.logout", _("Signed out"))
    register_action("security.login_failed", _("Failed sign-in"))
    register_action("security.permission_denied", _("Permission denied"))
    register_action("audit.export", _("Audit trail exported"))
