"""Template filters of the auditor pages."""

import json

from django import template
from django.utils import timezone

from apps.audit.labels import action_label as _action_label

register = template.Library()


@register.filter
def moment(value) -> str:
    """An aware moment as 'dd/mm/yyyy HH:MM:SS' in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%d/%m/%Y %H:%M:%S")


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


@register.filter
def change_value(value) -> str:
    """A recorded value as text: strings as they are, anything else as JSON; absent as '—'."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
