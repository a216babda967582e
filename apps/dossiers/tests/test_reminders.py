import pytest
from django.core import mail
from freezegun import freeze_time

from apps.audit.models import AuditEvent
from apps.dossiers import actions
from apps.dossiers.models import DossierEvent
from apps.dossiers.reminders import reminders_run

pytestmark = pytest.mark.django_db(transaction=True)  # e-mails leave on commit


def test_steps_are_reminded_then_escalated_once_each(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
        appraisal = dossier.steps.get(order=2)
        actions.step_assign(actor=world.head, step=appraisal, assignee=world.handler)
    # The appraisal (4 working days) is due on 20/11 at 09:00.
    with freeze_time("2026-11-19 10:00:00+07:00"):
        first = reminders_run()
        again = reminders_run()
    with freeze_time("2026-11-20 10:00:00+07:00"):
        late = reminders_run()
        late_again = reminders_run()

    assert (first.reminded, first.escalated, again.reminded) == (1, 0, 0)
    assert (late.escalated, late_again.escalated) == (1, 0)
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Sắp đến hạn: hồ sơ {dossier.code}") == 1
    assert mail.outbox[0].to == [world.handler.email]
    escalation = [m for m in mail.outbox if m.subject.startswith("Quá hạn")]
    assert [m.to for m in escalation] == [[world.head.email]]
    assert (
        DossierEvent.objects.filter(dossier=dossier, public=False, note__startswith="Báo cáo trưởng phòng").count() == 1
    )
    assert AuditEvent.objects.filter(action="dossiers.step_escalate", target_uuid=dossier.uuid).count() == 1


def test_paused_dossiers_are_not_chased(world, register):
    with freeze_time("2026-11-16 09:00:00+07:00"):
        dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    with freeze_time("2026-11-23 09:00:00+07:00"):
        actions.dossier_request_supplement(actor=world.handler, dossier=dossier, items=["Bản vẽ"])
    with freeze_time("2026-11-30 09:00:00+07:00"):
        report = reminders_run()

    assert (report.reminded, report.escalated) == (0, 0)


def test_the_periodic_task_is_registered():
    import importlib

    import apps.dossiers.tasks
    from apps.core.schedule import periodic_tasks

    importlib.reload(apps.dossiers.tasks)  # other tests swap the registry; register into the live one

    assert "apps.dossiers.tasks.dossier_reminders" in {p.name for p in periodic_tasks()}
