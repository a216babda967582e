"""Reconciliation with payments left pending: the gateway's answer settles or fails them, those
nobody confirmed expire after the limit, and a second run changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.payments.actions import payment_create
from apps.payments.models import CallbackLog, Method, SandboxTransaction, State
from apps.payments.reconciliation import reconcile_run
from apps.payments.tasks import payments_reconcile

pytestmark = pytest.mark.django_db


def gateway_side(payment) -> SandboxTransaction:
    return SandboxTransaction.objects.get(reference=payment.gateway_reference)


def test_a_payment_left_pending_settles_when_the_gateway_says_paid(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)

    first = reconcile_run()  # the payer has not decided yet
    # The payer paid but the callback never arrived (the sandbox records it without calling back).
    SandboxTransaction.objects.filter(pk=gateway_side(payment).pk).update(status="paid")
    second = reconcile_run()
    third = reconcile_run()

    payment.refresh_from_db()
    assert (first.still_pending, first.settled) == (1, 0)
    assert second.settled == 1
    assert (third.settled, third.still_pending) == (0, 0)
    assert payment.state == State.PAID and payment.settled_by == "reconciliation"
    assert AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_settle").count() == 1
    assert CallbackLog.objects.get(source="reconciliation").outcome == "settled"


def test_a_payment_nobody_confirms_expires_after_the_limit(world, lodge, settings):
    settings.PAYMENT_EXPIRE_MINUTES = 30
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)

    before = reconcile_run(now=timezone.now() + timedelta(minutes=29))
    after = reconcile_run(now=timezone.now() + timedelta(minutes=31))
    again = reconcile_run(now=timezone.now() + timedelta(minutes=32))

    payment.refresh_from_db()
    assert before.still_pending == 1 and before.expired == 0
    assert after.expired == 1
    assert again.expired == 0
    assert payment.state == State.EXPIRED
    assert AuditEvent.objects.filter(target_uuid=payment.uuid, action="payments.payment_expire").count() == 1


def test_the_gateway_saying_failed_fails_the_payment(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    SandboxTransaction.objects.filter(pk=gateway_side(payment).pk).update(status="failed")

    report = reconcile_run()

    payment.refresh_from_db()
    assert report.failed == 1 and payment.state == State.FAILED


def test_a_gateway_amount_that_does_not_match_is_refused_and_left_for_a_person(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    SandboxTransaction.objects.filter(pk=gateway_side(payment).pk).update(status="paid", amount=10_000)

    report = reconcile_run()

    payment.refresh_from_db()
    assert report.refused == 1
    assert payment.state == State.PENDING
    assert "không khớp" in CallbackLog.objects.get(source="reconciliation").detail


def test_vietqr_payments_are_expired_too(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.VIETQR)

    report = reconcile_run(now=payment.expires_at)

    payment.refresh_from_db()
    assert report.expired == 1 and payment.state == State.EXPIRED


def test_the_periodic_task_runs_the_reconciliation(world, lodge):
    payment = payment_create(actor=world.applicant, dossier=lodge(), method=Method.GATEWAY)
    SandboxTransaction.objects.filter(pk=gateway_side(payment).pk).update(status="paid")

    result = payments_reconcile.enqueue()

    payment.refresh_from_db()
    assert result.return_value["settled"] == 1
    assert payment.state == State.PAID


def test_the_task_is_registered_as_periodic():
    from apps.core.schedule import periodic_tasks

    assert "apps.payments.tasks.payments_reconcile" in {p.name for p in periodic_tasks()}
