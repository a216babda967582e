"""Reads of the audit trail, scoped to what the user may see (the one place that decides it).

Audit knows users only by duck typing: ``audit_scope_uuids()`` (the set of agency UUIDs whose
events the user may read) and ``audit_scope_agencies()`` (those agencies as objects with ``.uuid``
and ``str()``, for the filter's choices) are provided by the accounts app.
"""

import uuid as uuid_module
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import PositiveBigIntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import GENESIS_HASH, AuditEvent
from .search import fold

VIEW_PERMISSION = "audit.view_auditevent"
PAGE_SIZE = 50
_SEQ_MAX = 2**63 - 1


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor narrows the trail by; empty values do not filter."""

    actor: str = ""
    agency_uuid: uuid_module.UUID | None = None
    target_type: str = ""
    target: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_record(self) -> dict[str, Any]:
        """The filter as JSON-able values, for the export's own audit event."""
        values = {
            "actor": self.actor,
            "agency_uuid": str(self.agency_uuid) if self.agency_uuid else "",
            "target_type": self.target_type,
            "target": self.target,
            "action": self.action,
            "date_from": self.date_from.strftime("%d/%m/%Y") if self.date_from else "",
            "date_to": self.date_to.strftime("%d/%m/%Y") if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    newer_cursor: int | None  # ?sau=<seq>: the page of events after this one
    older_cursor: int | None  # ?truoc=<seq>: the page of events before this one


@dataclass(frozen=True)
class ChainLinks:
    hash_ok: bool
    previous_seq: int | None  # None for the first event
    previous_ok: bool | None  # prev_hash matches the previous event's hash; None if that event is missing
    previous_uuid: uuid_module.UUID | None  # only when the user may see it
    next_uuid: uuid_module.UUID | None  # only when the user may see it


def audit_events_for_user(user) -> QuerySet[AuditEvent]:
    """Events the user may read: all for a superuser, their agencies' for an auditor, else none."""
    events = AuditEvent.objects.all()
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return events.none()
    if user.is_superuser:
        return events
    if not user.has_perm(VIEW_PERMISSION):
        return events.none()
    provider = getattr(user, "audit_scope_uuids", None)
    agency_uuids = provider() if callable(provider) else None
    if not agency_uuids:
        return events.none()
    return events.filter(agency_uuid__in=sorted(agency_uuids, key=str))


def audit_event_get_for_user(*, user, event_uuid: uuid_module.UUID) -> AuditEvent:
    """One event the user may read; ``AuditEvent.DoesNotExist`` when it is missing or out of scope."""
    return audit_events_for_user(user).get(uuid=event_uuid)


def audit_scope_agency_choices(user) -> list[tuple[str, str]] | None:
    """(uuid, name) of the agencies the user may filter by, or None when the user offers no list."""
    provider = getattr(user, "audit_scope_agencies", None)
    if not callable(provider):
        return None
    return [(str(agency.uuid), str(agency)) for agency in provider()]


def _as_uuid(text: str) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(text.strip())
    except ValueError:
        return None


def _start_of_day(day: date) -> datetime:
    """Midnight of ``day`` in Asia/Ho_Chi_Minh (the settings' time zone), as an aware moment."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def audit_events_filter(events: QuerySet[AuditEvent], *, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Narrow ``events`` (already scoped) by the auditor's filter."""
    if filters.actor:
        actor_uuid = _as_uuid(filters.actor)
        if actor_uuid is not None:
            events = events.filter(actor_uuid=actor_uuid)
        else:
            events = events.filter(actor_search__contains=fold(filters.actor.strip()))
    if filters.agency_uuid:
        events = events.filter(agency_uuid=filters.agency_uuid)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type.strip().lower())
    if filters.target:
        target_uuid = _as_uuid(filters.target)
        if target_uuid is not None:
            events = events.filter(target_uuid=target_uuid)
        else:
            events = events.filter(target_search__contains=fold(filters.target.strip()))
    if filters.action:
        events = events.filter(action__startswith=filters.action.strip().lower())
    if filters.date_from:
        start = _start_of_day(filters.date_from)
        events = events.filter(occurred_at__gte=start, seq__gte=_first_seq_at_or_after(start))
    if filters.date_to and filters.date_to < date.max:
        end = _start_of_day(filters.date_to + timedelta(days=1))
        events = events.filter(occurred_at__lt=end, seq__lt=Coalesce(_first_seq_at_or_after(end), Value(_SEQ_MAX)))
    return events


def _first_seq_at_or_after(moment: datetime) -> Subquery:
    """The seq of the first event at or after ``moment`` (one probe of the occurred_at index).

    Events never go back in time along the chain (actions.audit_record), so a day range is a seq
    range; the page query then walks the seq index between the two bounds instead of the whole
    table, which PostgreSQL's planner cannot know on its own.
    """
    first = AuditEvent.objects.filter(occurred_at__gte=moment).order_by("occurred_at", "seq").values("seq")[:1]
    return Subquery(first, output_field=PositiveBigIntegerField())


def audit_events_page(
    events: QuerySet[AuditEvent], *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """One page of ``events``, newest first, by keyset on ``seq`` (no COUNT, two queries at most).

    ``before``: the events older than that seq; ``after``: the events newer than that seq.
    """
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: size + 1])
        has_newer = len(rows) > size
        page = rows[:size][::-1]
        newer = page[0].seq if has_newer else None
        bottom = page[-1].seq if page else after + 1
        older = bottom if events.filter(seq__lt=bottom).exists() else None
        return AuditPage(events=page, newer_cursor=newer, older_cursor=older)

    window = events if before is None else events.filter(seq__lt=before)
    rows = list(window.order_by("-seq")[: size + 1])
    page = rows[:size]
    older = page[-1].seq if len(rows) > size else None
    newer = None
    if before is not None:
        top = page[0].seq if page else before - 1
        newer = top if events.filter(seq__gt=top).exists() else None
    return AuditPage(events=page, newer_cursor=newer, older_cursor=older)


def audit_events_stream(
    events: QuerySet[AuditEvent], *, below_seq: int, chunk_size: int = 1000
) -> Iterator[AuditEvent]:
    """Every event of ``events`` older than ``below_seq``, newest first, read in keyset chunks."""
    last = below_seq
    while True:
        chunk = list(events.filter(seq__lt=last).order_by("-seq")[:chunk_size])
        yield from chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1].seq


def audit_event_chain_links(*, user, event: AuditEvent) -> ChainLinks:
    """Whether the event's hash re-computes and links to the previous one, with its visible neighbours."""
    previous_seq = event.seq - 1 if event.seq > 1 else None
    if previous_seq is None:
        previous_ok: bool | None = event.prev_hash == GENESIS_HASH
    else:
        previous_hash = AuditEvent.objects.filter(seq=previous_seq).values_list("hash", flat=True).first()
        previous_ok = None if previous_hash is None else previous_hash == event.prev_hash
    visible = dict(
        audit_events_for_user(user).filter(seq__in=[event.seq - 1, event.seq + 1]).values_list("seq", "uuid")
    )
    return ChainLinks(
        hash_ok=event.compute_hash() == event.hash,
        previous_seq=previous_seq,
        previous_ok=previous_ok,
        previous_uuid=visible.get(event.seq - 1),
        next_uuid=visible.get(event.seq + 1),
    )
