"""Write audit events: the one helper every action calls inside its own transaction."""

import json
import uuid as uuid_module
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.logs import request_id_var
from apps.core.rows import rows_insert

from .context import client_ip_var
from .models import AuditChainHead, AuditEvent, canonical_json, chain_hash
from .search import actor_search_key, target_search_key


def _snapshot(value: Any) -> Any:
    """The JSON form of a value as the database will give it back (so the hash re-computes)."""
    return _integral_floats_as_int(json.loads(canonical_json(value)))


def _integral_floats_as_int(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e20 back as the integer 100000000000000000000, and the hash must
    # re-compute from what the database returns.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_int(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral_floats_as_int(item) for key, item in value.items()}
    return value


def _agency_of(actor) -> tuple[uuid_module.UUID | None, str]:
    """(uuid, name) of the agency the actor acts for; users provide ``audit_agency()``."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    provider = getattr(actor, "audit_agency", None)
    agency = provider() if callable(provider) else None
    if agency is None:
        return None, ""
    return agency.uuid, str(agency)[:300]


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed."""
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _chain_head_create() -> AuditChainHead:
    """The chain head on the very first event (safe when two first events race)."""
    try:
        with transaction.atomic():
            AuditChainHead.objects.get_or_create(pk=1)
    except IntegrityError:
        pass  # made by a concurrent first event
    return AuditChainHead.objects.select_for_update().get(pk=1)


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_uuid=None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    agency=None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``target`` is a model instance with a ``uuid`` (its type and label are taken from it), or give
    ``target_type``/``target_uuid``/``target_label``. ``before``/``after`` are dicts of field values;
    only the changed fields are kept. ``agency`` overrides the actor's own agency.
    """
    event = audit_event_build(
        actor=actor,
        action=action,
        target=target,
        target_type=target_type,
        target_uuid=target_uuid,
        target_label=target_label,
        before=before,
        after=after,
        changes=changes,
        agency=agency,
    )
    return audit_append([event])[0]


def audit_event_build(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_uuid=None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    agency=None,
) -> AuditEvent:
    """An event as ``audit_record`` would write it, not yet in the chain: for an action that records
    several events and appends them together with ``audit_append``. Values are taken now."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_uuid = target_uuid or getattr(target, "uuid", None)
        target_label = target_label or str(target)
    if changes is None:
        changes = diff(_snapshot(before), _snapshot(after)) if (before or after) else {}
    if agency is not None:
        agency_uuid, agency_name = agency.uuid, str(agency)[:300]
    else:
        agency_uuid, agency_name = _agency_of(actor)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        actor_uuid=actor.uuid if authenticated else None,
        actor_username=actor.get_username()[:150] if authenticated else "",
        actor_name=(actor.get_full_name() or "")[:200] if authenticated else "",
        agency_uuid=agency_uuid,
        agency_name=agency_name,
        action=action,
        target_type=target_type,
        target_uuid=target_uuid,
        target_label=str(target_label)[:300],
        changes=_snapshot(changes),
        ip=client_ip_var.get(),
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )


def audit_append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain ``events`` (from ``audit_event_build``) in their order, in the caller's transaction:
    one lock of the chain head, one INSERT, one update of the head."""
    # No savepoint of its own: the events belong to the caller's transaction and fail with it.
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first() or _chain_head_create()
        occurred_at = timezone.now()
        if head.occurred_at is not None and head.occurred_at > occurred_at:
            occurred_at = head.occurred_at  # this server's clock is behind the last writer's
        seq, previous = head.seq, head.hash
        for event in events:
            seq += 1
            event.seq, event.occurred_at, event.prev_hash = seq, occurred_at, previous
            event.hash = previous = chain_hash(event.prev_hash, event.hashed_fields())
            event.actor_search = actor_search_key(event.actor_username, event.actor_name)
            event.target_search = target_search_key(event.target_label)
        # The model's own manager refuses bulk writes, which would go around the chain: this is
        # the one place that writes events, chained just above.
        rows_insert(events)
        head.seq, head.hash, head.occurred_at = seq, previous, occurred_at
        head.save(update_fields=["seq", "hash", "occurred_at"])
    return events


def audit_security_event(*, request, action: str, username: str = "", details: dict | None = None) -> AuditEvent:
    """Record a sign-in, a failed sign-in or a permission denial (in its own transaction)."""
    user = getattr(request, "user", None) if request is not None else None
    changes = {"path": request.path} if request is not None else {}
    if username:
        changes["username"] = username[:150]
    changes.update(details or {})
    with transaction.atomic():
        return audit_record(
            actor=user if user is not None and user.is_authenticated else None,
            action=action,
            target_type="accounts.user" if user is not None and user.is_authenticated else "",
            target_uuid=user.uuid if user is not None and user.is_authenticated else None,
            target_label=str(user) if user is not None and user.is_authenticated else username[:300],
            changes=changes,
        )


def audit_export_record(*, actor, filters: dict[str, Any]) -> AuditEvent:
    """Record that ``actor`` exports the trail as CSV with these filters, before the file is streamed.

    The file then holds the matching events older than this one, so the record says exactly what
    left the system.
    """
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="audit.export",
            target_type="audit.auditevent",
            target_label="Xuất nhật ký kiểm toán (CSV)",
            changes={"filter": filters},
        )
