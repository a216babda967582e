"""Scoping of dossiers in one place, the role inboxes (filters, order, search without diacritics,
a query count that does not grow) and the public tracking lookup."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from apps.accounts.actions import official_create
from apps.accounts.roles import Role
from apps.core.working_days import get_calendar
from apps.dossiers import actions
from apps.dossiers.models import Dossier
from apps.dossiers.selectors import (
    Act,
    Due,
    Inbox,
    InboxFilter,
    desk_inbox,
    dossier_abilities,
    dossier_get_for_user,
    dossier_track,
    dossiers_for_official,
    handler_inbox,
    head_inbox,
    inbox_page,
    inboxes_for,
    leader_inbox,
)
from apps.dossiers.statuses import Status

from .conftest import PASSWORD, at

pytestmark = pytest.mark.django_db


def received(world, register, **kwargs):
    return actions.dossier_receive(actor=world.desk, dossier=register(**kwargs))


def step(dossier, order, agency=None):
    qs = dossier.steps.filter(order=order)
    return (qs.filter(agency=agency) if agency is not None else qs).get()


def visible(user) -> set[int]:
    return set(dossiers_for_official(user).values_list("pk", flat=True))


# --- scoping --------------------------------------------------------------------------------------
def test_each_official_reaches_the_dossiers_of_their_scope_or_routed_to_them(world, register):
    dossier = received(world, register)

    assert dossier.pk in visible(world.desk)  # receiving agency
    assert dossier.pk in visible(world.leader)
    assert dossier.pk in visible(world.head)  # active step at the agency above the unit
    assert dossier.pk in visible(world.handler)
    assert dossier.pk not in visible(world.consulted_handler)  # not routed there yet
    assert dossier.pk not in visible(world.outsider)


def test_the_consulted_agency_reads_the_dossier_while_consulted_and_after(world, register):
    dossier = received(world, register)
    actions.step_assign(actor=world.head, step=step(dossier, 2), assignee=world.handler)
    actions.step_complete(actor=world.handler, step=step(dossier, 2))

    assert dossier_get_for_user(world.consulted_handler, dossier.uuid, change=True) == dossier
    actions.step_complete(actor=world.consulted_handler, step=step(dossier, 3, world.consulted))

    assert dossier_get_for_user(world.consulted_handler, dossier.uuid) == dossier  # read grant stays
    assert dossier_get_for_user(world.consulted_handler, dossier.uuid, change=True) is None


def test_a_handler_keeps_reading_the_dossiers_they_worked_on(world, register):
    dossier = received(world, register)
    actions.step_assign(actor=world.head, step=step(dossier, 2), assignee=world.handler)
    actions.step_complete(actor=world.handler, step=step(dossier, 2))
    actions.step_complete(actor=world.consulted_handler, step=step(dossier, 3, world.consulted))
    actions.step_complete(actor=world.head, step=step(dossier, 3, world.department))
    actions.dossier_withdraw(actor=world.desk, dossier=dossier, reason="Rút")

    assert dossier_get_for_user(world.handler, dossier.uuid) == dossier
    assert dossier_get_for_user(world.handler, dossier.uuid, change=True) is None


def test_guessed_and_out_of_scope_dossiers_are_both_none(world, register):
    import uuid

    dossier = received(world, register)

    assert dossier_get_for_user(world.outsider, dossier.uuid) is None
    assert dossier_get_for_user(world.outsider, uuid.uuid4()) is None


def test_officials_without_the_dossiers_permission_see_nothing(world, register):
    received(world, register)
    auditor = official_create(
        username="kiemtoan",
        full_name="Kiểm Toán Viên",
        email="kt@x.vn",
        password=PASSWORD,
        agency=world.department,
        roles=[Role.AUDITOR],
        valid_from=date(2020, 1, 1),
    )

    assert visible(auditor) == set()
    assert inboxes_for(auditor) == []


# --- inboxes --------------------------------------------------------------------------------------
def test_each_role_has_its_inbox(world):
    assert inboxes_for(world.desk) == [Inbox.DESK]
    assert inboxes_for(world.handler) == [Inbox.HANDLER]
    assert inboxes_for(world.head) == [Inbox.HEAD]
    assert inboxes_for(world.leader) == [Inbox.LEADER]


def test_desk_inbox_holds_new_before_receipt_and_finished_dossiers(world, register):
    new = register()
    incomplete = register()
    actions.dossier_ask_to_complete(actor=world.desk, dossier=incomplete, items=["Bản vẽ"])
    processing = received(world, register)

    found = set(desk_inbox(world.desk).values_list("pk", flat=True))

    assert found == {new.pk, incomplete.pk}
    assert processing.pk not in found
    assert not desk_inbox(world.outsider).exists()


def test_handler_inbox_holds_their_steps_and_open_steps_of_their_unit(world, register):
    mine = received(world, register)
    open_step = received(world, register)
    actions.step_assign(actor=world.head, step=step(mine, 2), assignee=world.handler)
    other = official_create(
        username="cv2",
        full_name="Chuyên Viên Hai",
        email="cv2@x.vn",
        password=PASSWORD,
        agency=world.unit,
        roles=[Role.HANDLER],
        valid_from=date(2020, 1, 1),
    )
    taken = received(world, register)
    actions.step_assign(actor=world.head, step=step(taken, 2), assignee=other)

    dossiers = {s.dossier_id for s in handler_inbox(world.handler)}

    assert dossiers == {mine.pk, open_step.pk}
    assert {s.dossier_id for s in handler_inbox(world.consulted_handler)} == set()


def test_head_and_leader_inboxes(world, register):
    dossier = received(world, register)
    actions.step_assign(actor=world.head, step=step(dossier, 2), assignee=world.handler)

    assert [s.dossier_id for s in head_inbox(world.head)] == [dossier.pk]
    assert list(leader_inbox(world.leader)) == []  # nothing to approve, nothing overdue
    actions.step_complete(actor=world.handler, step=step(dossier, 2))
    actions.step_complete(actor=world.consulted_handler, step=step(dossier, 3, world.consulted))
    actions.step_complete(actor=world.handler, step=step(dossier, 3, world.department))

    assert [s.name for s in leader_inbox(world.leader)] == ["Phê duyệt"]


def test_inbox_lists_overdue_first_and_undated_last(world, register):
    with freeze_time("2026-11-02 09:00:00+07:00"):
        old = received(world, register)
    with freeze_time("2026-11-16 09:00:00+07:00"):
        recent = received(world, register)
        new = register()  # no due moment yet
        now = at(2026, 11, 16, 10)

        _, rows = inbox_page(world.leader, Inbox.LEADER, now=now)
        _, desk_rows = inbox_page(world.desk, Inbox.DESK, now=now)
        _, handler_rows = inbox_page(world.handler, Inbox.HANDLER, now=now)

    assert [r.dossier.pk for r in rows] == [old.pk]  # the leader sees the overdue step
    assert rows[0].overdue and rows[0].countdown.startswith("quá")
    assert [r.dossier.pk for r in handler_rows] == [old.pk, recent.pk]
    assert handler_rows[1].countdown.startswith("còn") and not handler_rows[1].overdue
    assert [r.dossier.pk for r in desk_rows] == [new.pk]


def test_inbox_filters_by_status_procedure_due_and_search_without_diacritics(world, register):
    with freeze_time("2026-11-02 09:00:00+07:00"):
        late = received(world, register, name="Đặng Quốc Khánh")
    with freeze_time("2026-11-16 09:00:00+07:00"):
        other = received(world, register, name="Lê Thị Hoa")
        now = at(2026, 11, 16, 10)

        def found(**filters):
            return [s.dossier_id for s in handler_inbox(world.handler, InboxFilter(**filters), now=now)]

        assert found(query="dang quoc") == [late.pk]
        assert found(query="ĐẶNG QUỐC") == [late.pk]
        assert found(query="le thi") == [other.pk]
        assert found(query=other.code.lower()) == [other.pk]
        assert found(query="261116") == [other.pk]
        assert found(due=Due.OVERDUE) == [late.pk]
        assert found(status=Status.RECEIVED) == [late.pk, other.pk]
        assert found(status=Status.PROCESSING) == []
        assert found(procedure=world.procedure) == [late.pk, other.pk]


@pytest.mark.parametrize("inbox", list(Inbox), ids=[i.name.lower() for i in Inbox])
def test_inbox_query_count_does_not_grow_with_the_dossiers(world, register, inbox):
    user = {
        Inbox.DESK: world.desk,
        Inbox.HANDLER: world.handler,
        Inbox.HEAD: world.head,
        Inbox.LEADER: world.leader,
    }[inbox]

    def make(n):
        for _ in range(n):
            dossier = register()
            if inbox != Inbox.DESK:
                actions.dossier_receive(actor=world.desk, dossier=dossier)

    def count() -> int:
        fresh = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            inbox_page(fresh, inbox, now=at(2026, 12, 31, 9))
        return len(queries)

    get_calendar()  # the working calendar is cached per process: read it before counting
    make(3)
    few = count()
    make(37)
    many = count()

    assert few == many <= 8


# --- abilities ------------------------------------------------------------------------------------
def test_abilities_follow_role_agency_and_status(world, register):
    dossier = received(world, register)
    active = list(dossier.steps.filter(state="active"))

    head = dossier_abilities(world.head, dossier, active)
    handler = dossier_abilities(world.handler, dossier, active)
    desk = dossier_abilities(world.desk, dossier, active)
    outsider = dossier_abilities(world.outsider, dossier, active)

    assert Act.ASSIGN in head and Act.STOP in head
    assert Act.COMPLETE in handler and Act.ASSIGN not in handler and Act.STOP not in handler
    assert Act.WITHDRAW in desk and Act.RETURN_RESULT not in desk
    assert outsider.acts == set()


# --- public tracking ------------------------------------------------------------------------------
def test_tracking_needs_the_code_and_the_secret_or_the_phone(world, register):
    dossier = received(world, register, phone="0912345678")

    assert dossier_track(code=dossier.code, secret=dossier.tracking_secret).code == dossier.code
    assert dossier_track(code=dossier.code.lower(), secret=dossier.tracking_secret.lower()) is not None
    assert dossier_track(code=dossier.code, phone="+84 912 345 678") is not None
    assert dossier_track(code=dossier.code, secret="ZZZZZZ") is None
    assert dossier_track(code=dossier.code, phone="0987654321") is None
    assert dossier_track(code=dossier.code) is None
    assert dossier_track(code="000.00.14.H27-261116-9999", secret=dossier.tracking_secret) is None


def test_tracking_shows_only_the_public_trail(world, register):
    dossier = received(world, register)
    actions.step_assign(actor=world.head, step=step(dossier, 2), assignee=world.handler)  # internal entry

    result = dossier_track(code=dossier.code, secret=dossier.tracking_secret)

    assert [s.label for s in result.trail] == [
        str(e.get_transition_display()) for e in dossier.events.filter(public=True)
    ]
    assert len(result.trail) == Dossier.objects.get().events.filter(public=True).count() == 2
    assert {s.agency_name for s in result.trail} == {world.department.name}
