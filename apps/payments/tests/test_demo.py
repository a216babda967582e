"""The demo step pays some demo online dossiers through the actions and is idempotent."""

import pytest

from apps.audit.models import AuditEvent
from apps.payments.demo import demo_payments
from apps.payments.models import CallbackLog, Payment, State

pytestmark = pytest.mark.django_db


def test_demo_payments_go_through_the_actions_and_run_twice_safely(world, lodge):
    dossiers = [lodge() for _ in range(9)]
    assert len({d.pk for d in dossiers}) == 9

    demo_payments(lambda message: None)
    counted = Payment.objects.count()
    demo_payments(lambda message: None)

    assert counted == Payment.objects.count() == 9
    states = list(Payment.objects.order_by("created_at").values_list("state", flat=True))
    assert states.count(State.PAID) == 7 and states.count(State.PENDING) == 2
    assert CallbackLog.objects.filter(source="callback", outcome="settled").count() == 6
    assert AuditEvent.objects.filter(action="payments.payment_settle").count() == 7
