from dataclasses import dataclass, field

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import (
    AuditFilter,
    audit_events_filter,
    audit_events_for_user,
    audit_events_page,
    audit_events_stream,
)

from .conftest import record

pytestmark = pytest.mark.django_db


@dataclass
class FakeUser:
    perms: frozenset = frozenset({"audit.view_auditevent"})
    is_superuser: bool = False
    is_authenticated: bool = True
    is_active: bool = True

    def has_perm(self, perm: str) -> bool:
        return self.is_superuser or perm in self.perms


@dataclass
class ScopedUser(FakeUser):
    scope: set | None = field(default_factory=set)

    def audit_scope_uuids(self):
        return self.scope


def visible(user) -> set[str]:
    return {e.target_label for e in audit_events_for_user(user)}


def test_superuser_sees_every_event_even_without_an_agency(trail):
    assert visible(FakeUser(is_superuser=True)) == {e.target_label for e in trail.values()}


def test_auditor_sees_the_agencies_of_their_scope(trail, agencies):
    user = ScopedUser(scope={agencies["so_tu_phap"].uuid, agencies["ubnd_cam_xuyen"].uuid})

    assert visible(user) == {trail[k].target_label for k in ("login", "receive", "complete")}


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(FakeUser(), id="no-scope-method"),
        pytest.param(ScopedUser(scope=set()), id="empty-scope"),
        pytest.param(ScopedUser(scope=None), id="none-scope"),
        pytest.param(ScopedUser(scope={"x"}, perms=frozenset()), id="scope-without-permission"),
        pytest.param(FakeUser(is_superuser=True, is_active=False), id="inactive-superuser"),
        pytest.param(FakeUser(is_superuser=True, is_authenticated=False), id="anonymous"),
        pytest.param(None, id="no-user"),
    ],
)
def test_users_without_a_scope_see_nothing(trail, user):
    assert visible(user) == set()


def test_scope_holds_when_a_filter_names_another_agency(trail, agencies):
    user = ScopedUser(scope={agencies["so_tu_phap"].uuid})

    events = audit_events_filter(audit_events_for_user(user), filters=AuditFilter(agency_uuid=agencies["so_y_te"].uuid))

    assert list(events) == []


def test_keyset_pages_walk_the_trail_both_ways():
    for n in range(1, 12):
        record(action="test.page", target_label=f"{n}")
    events = AuditEvent.objects.all()

    first = audit_events_page(events, size=5)
    second = audit_events_page(events, before=first.older_cursor, size=5)
    last = audit_events_page(events, before=second.older_cursor, size=5)
    back = audit_events_page(events, after=last.newer_cursor, size=5)

    assert [e.seq for e in first.events] == [11, 10, 9, 8, 7]
    assert (first.newer_cursor, first.older_cursor) == (None, 7)
    assert [e.seq for e in second.events] == [6, 5, 4, 3, 2]
    assert (second.newer_cursor, second.older_cursor) == (6, 2)
    assert [e.seq for e in last.events] == [1]
    assert (last.newer_cursor, last.older_cursor) == (1, None)
    assert [e.seq for e in back.events] == [6, 5, 4, 3, 2]
    assert (back.newer_cursor, back.older_cursor) == (6, 2)
    assert audit_events_page(events, after=first.events[0].seq, size=5).events == []


def test_cursor_past_the_end_gives_an_empty_page_with_a_way_back():
    for n in range(3):
        record(action="test.page", target_label=f"{n}")

    page = audit_events_page(AuditEvent.objects.all(), before=1, size=5)

    assert (page.events, page.newer_cursor, page.older_cursor) == ([], 0, None)


def test_stream_reads_everything_below_the_bound_in_chunks():
    for n in range(7):
        record(action="test.stream", target_label=f"{n}")

    seqs = [e.seq for e in audit_events_stream(AuditEvent.objects.all(), below_seq=7, chunk_size=2)]

    assert seqs == [6, 5, 4, 3, 2, 1]
