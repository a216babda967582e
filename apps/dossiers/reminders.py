"""Reminders before a step's due moment and escalation to the head of unit once it is past.

Run by a periodic task; safe to run twice or by two workers at once: each step is reminded and
escalated at most once (the moment is recorded on the step under a row lock, and a step locked by
another run is skipped).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.accounts.selectors import home_agency
from apps.audit.actions import audit_record
from apps.core.messaging import send_email
from apps.core.working_days import VN_TZ, get_calendar
from apps.organizations.selectors import agency_subtree_ids

from . import clock
from .models import DossierEvent, DossierStep
from .statuses import Transition


@dataclass
class RunReport:
    reminded: int = 0
    escalated: int = 0


def heads_of(agency, on) -> list:
    """Who answers for a late step at ``agency``: its heads of unit; failing them, the agency's
    heads of unit; failing those, its leaders."""
    for roles in ([Role.HEAD_OF_UNIT], [Role.AGENCY_LEADER]):
        for scope in (agency, home_agency(agency)):
            ids = agency_subtree_ids(scope, on=on) or {scope.pk}
            members = (
                Membership.objects.filter(agency_id__in=ids, roles__role__in=roles)
                .filter(valid_from__lte=on)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
                .select_related("user")
                .distinct()
            )
            users = [m.user for m in members if m.user.is_active]
            if users:
                return users
    return []


def _watching_agency(step: DossierStep):
    """The unit of the official handling the step, else the step's agency."""
    membership = step.assignee.current_membership() if step.assignee else None
    return membership.agency if membership is not None else step.agency


def _due_text(step: DossierStep) -> str:
    return f"{step.due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}"


def reminders_run(now: datetime | None = None) -> RunReport:
    """Remind steps due within one working day; escalate steps past due. Returns what was done."""
    now = now or timezone.now()
    calendar = get_calendar()
    report = RunReport()
    soon = calendar.add_working_days(now, 1)
    active = DossierStep.objects.filter(state=DossierStep.State.ACTIVE, dossier__paused_at__isnull=True)
    for pk in active.filter(due_at__lte=soon, due_at__gt=now, reminded_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            step = (
                DossierStep.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("dossier", "agency", "assignee")
                .filter(pk=pk, reminded_at__isnull=True, state=DossierStep.State.ACTIVE)
                .first()
            )
            if step is None:
                continue
            step.reminded_at = now
            step.save(update_fields=["reminded_at", "updated_at"])
            left = clock.countdown(calendar, due_at=step.due_at, now=now)
            recipients = [step.assignee] if step.assignee else heads_of(step.agency, now.astimezone(VN_TZ).date())
            for person in recipients:
                if person.email:
                    send_email(
                        to=person.email,
                        subject=f"Sắp đến hạn: hồ sơ {step.dossier.code}",
                        body=f"Bước “{step.name}” của hồ sơ {step.dossier.code} hết hạn lúc {_due_text(step)} "
                        f"({left}).",
                    )
            report.reminded += 1
    for pk in active.filter(due_at__lte=now, escalated_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            step = (
                DossierStep.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("dossier", "agency", "assignee")
                .filter(pk=pk, escalated_at__isnull=True, state=DossierStep.State.ACTIVE)
                .first()
            )
            if step is None:
                continue
            step.escalated_at = now
            step.save(update_fields=["escalated_at", "updated_at"])
            heads = heads_of(_watching_agency(step), now.astimezone(VN_TZ).date())
            late = clock.countdown(calendar, due_at=step.due_at, now=now)
            for head in heads:
                if head.email:
                    send_email(
                        to=head.email,
                        subject=f"Quá hạn: hồ sơ {step.dossier.code}",
                        body=(
                            f"Bước “{step.name}” của hồ sơ {step.dossier.code} đã quá hạn ({late}); "
                            f"người xử lý: {step.assignee.get_full_name() if step.assignee else 'chưa giao'}."
                        ),
                    )
            DossierEvent.objects.create(
                dossier=step.dossier,
                at=now,
                transition=Transition.STEP_COMPLETE,
                actor_name="Hệ thống",
                agency=step.agency,
                to_status=step.dossier.status,
                from_status=step.dossier.status,
                from_step=step,
                note=f"Báo cáo trưởng phòng: bước “{step.name}” quá hạn ({late})",
                public=False,
                due_before=step.dossier.due_at,
                due_after=step.dossier.due_at,
            )
            audit_record(
                actor=None,
                action="dossiers.step_escalate",
                target=step.dossier,
                target_label=step.dossier.code or "",
                agency=step.agency,
                after={"step": step.name, "heads": [h.get_username() for h in heads]},
            )
            report.escalated += 1
    return report
