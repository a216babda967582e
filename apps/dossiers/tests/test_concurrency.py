"""Two officials acting on dossiers at the same moment, in real threads with their own connections
(row locks on PostgreSQL, serialised writers on SQLite)."""

from datetime import date

import pytest

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.dossiers import actions
from apps.dossiers.errors import DossierError
from apps.dossiers.models import Dossier, DossierEvent, DossierStep
from apps.dossiers.statuses import Status
from tests.concurrency import at_once

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def colleague(world, agency, role, username):
    return official_create(
        username=username,
        full_name=f"Cán Bộ {username}",
        email=f"{username}@x.vn",
        password=PASSWORD,
        agency=agency,
        roles=[role],
        valid_from=date(2020, 1, 1),
    )


def test_two_desks_receiving_at_once_get_consecutive_codes(world, register):
    second_desk = colleague(world, world.department, Role.DESK_OFFICER, "motcua2")
    first, second = register(), register()

    results, errors = at_once(
        lambda: actions.dossier_receive(actor=world.desk, dossier=first, expected_status=Status.NEW),
        lambda: actions.dossier_receive(actor=second_desk, dossier=second, expected_status=Status.NEW),
    )

    assert errors == [None, None]
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert [c[-4:] for c in codes] == ["0001", "0002"]
    assert {r.code for r in results} == set(codes)
    assert sorted(Dossier.objects.values_list("register_number", flat=True)) == [1, 2]


def test_two_officials_completing_one_step_at_once_one_wins(world, register):
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    appraisal = dossier.steps.get(order=2)
    actions.step_assign(actor=world.head, step=appraisal, assignee=world.handler)

    _, errors = at_once(
        lambda: actions.step_complete(actor=world.handler, step=appraisal, note="Chuyên viên"),
        lambda: actions.step_complete(actor=world.head, step=appraisal, note="Trưởng phòng"),
    )

    assert sum(error is None for error in errors) == 1
    loser = next(error for error in errors if error is not None)
    assert isinstance(loser, DossierError)
    assert "đã được người khác hoàn thành" in loser.message
    assert DossierStep.objects.get(pk=appraisal.pk).state == DossierStep.State.DONE
    assert DossierEvent.objects.filter(dossier=dossier, from_step=appraisal, transition="step_complete").count() == 1
    assert dossier.steps.filter(order=3, state=DossierStep.State.ACTIVE).count() == 2  # next group started once


def test_two_heads_assigning_one_step_from_the_same_page_the_second_is_refused(world, register):
    """The choice made: each assignment carries the status the head saw; the first one moves the
    dossier to "being processed", so the second is told the dossier changed (no silent overwrite)."""
    other_head = colleague(world, world.unit, Role.HEAD_OF_UNIT, "truongphong2")
    second_handler = colleague(world, world.unit, Role.HANDLER, "chuyenvien2")
    dossier = actions.dossier_receive(actor=world.desk, dossier=register())
    appraisal = dossier.steps.get(order=2)

    _, errors = at_once(
        lambda: actions.step_assign(
            actor=world.head, step=appraisal, assignee=world.handler, expected_status=Status.RECEIVED
        ),
        lambda: actions.step_assign(
            actor=other_head, step=appraisal, assignee=second_handler, expected_status=Status.RECEIVED
        ),
    )

    assert sum(error is None for error in errors) == 1
    winner = errors.index(None)
    loser = errors[1 - winner]
    assert isinstance(loser, DossierError) and "vừa được người khác cập nhật" in loser.message
    assignee = [world.handler, second_handler][winner]
    assert DossierStep.objects.get(pk=appraisal.pk).assignee == assignee
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    trail = DossierEvent.objects.filter(dossier=dossier, to_step=appraisal, transition="start")
    assert trail.count() == 1 and assignee.full_name in trail.get().note
