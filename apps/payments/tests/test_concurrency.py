"""Two callbacks for one payment at the same moment, in real threads with their own connections
(row locks on PostgreSQL, serialised writers on SQLite): one settles, the other is a replay."""

from urllib.parse import urlencode

import pytest

from apps.audit.models import AuditEvent
from apps.payments.actions import payment_callback_receive, payment_create
from apps.payments.gateways import sandbox_secret, signed_fields
from apps.payments.models import CallbackLog, Method, Payment, State
from apps.payments.reconciliation import reconcile_run
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_callbacks_at_once_settle_the_payment_once(world, lodge, db_vendor):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    body = urlencode(
        signed_fields(
            bill_number=payment.bill_number,
            reference=payment.gateway_reference,
            status="paid",
            amount=payment.amount,
            secret=sandbox_secret(),
        )
    ).encode()

    results, errors = at_once(*(lambda: payment_callback_receive(body=body) for _ in range(4)))

    assert errors == [None] * 4
    assert sorted(r.outcome for r in results) == ["duplicate", "duplicate", "duplicate", "settled"]
    assert Payment.objects.get().state == State.PAID
    assert AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_settle").count() == 1
    assert sorted(CallbackLog.objects.values_list("outcome", flat=True)) == ["duplicate"] * 3 + ["settled"]


def test_a_callback_and_the_reconciliation_at_once_settle_once(world, lodge, db_vendor):
    from apps.payments.models import SandboxTransaction

    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    SandboxTransaction.objects.filter(reference=payment.gateway_reference).update(status="paid")
    body = urlencode(
        signed_fields(
            bill_number=payment.bill_number,
            reference=payment.gateway_reference,
            status="paid",
            amount=payment.amount,
            secret=sandbox_secret(),
        )
    ).encode()

    _, errors = at_once(lambda: payment_callback_receive(body=body), reconcile_run, reconcile_run)

    assert errors == [None, None, None]
    assert Payment.objects.get().state == State.PAID
    assert AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_settle").count() == 1


def test_two_clicks_on_pay_at_once_make_one_bill(world, lodge, db_vendor):
    dossier = lodge()

    results, errors = at_once(
        lambda: payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY),
        lambda: payment_create(actor=world.applicant, dossier=dossier, method=Method.GATEWAY),
    )

    assert errors == [None, None]
    assert results[0].pk == results[1].pk
    assert Payment.objects.count() == 1
