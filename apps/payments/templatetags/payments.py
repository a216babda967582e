"""Template tags that put payments on other apps' pages without their views knowing payments.

``{% dossier_payment_panel dossier as panel %}`` (one dossier page) and, for lists,
``{% payment_states dossiers as states %}`` then ``{{ states|payment_state_of:dossier.pk }}`` —
two queries whatever the number of rows.
"""

from django import template

from ..selectors import PaymentState, dossier_payment_panel, payment_states

register = template.Library()


@register.simple_tag(name="dossier_payment_panel")
def dossier_payment_panel_tag(dossier):
    return dossier_payment_panel(dossier)


@register.simple_tag(name="payment_states")
def payment_states_tag(dossiers):
    return payment_states(dossiers)


@register.filter
def payment_state_of(states: dict, dossier_id) -> str:
    return PaymentState.LABELS.get(states.get(dossier_id, ""), "")
