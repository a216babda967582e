"""Chained audit events in bulk, so the auditor page can be measured on a million of them.

``audit_record`` appends one event per transaction with the chain head locked, which is right for
actions and far too slow for building a million rows. ``audit_events_fill`` makes the same rows
faster but the same way where it matters: every field, the hash (``AuditEvent.hashed_fields`` and
``chain_hash``) and the folded search columns are computed as ``audit_record`` computes them, each
event links to the previous one, and the head moves with its row locked, so
``manage.py audit_verify`` accepts the chain. Only the inserts are batched: one ``executemany`` per
batch, of the values Django would send (each field's ``get_db_prep_save``). The model's own
queryset refuses bulk writes on purpose, and ``bulk_create`` through a plain queryset takes about
twice as long, most of it building SQL.

The chain never goes back in time (seq order is time order; the date filter relies on it), and the
demo data's events are stamped when the dataset is built. So the bulk events start at the chain
head's time and go forward, ``EVENTS_PER_DAY`` a day on average: a million events cover about
twelve weeks after the build. Events that ``audit_record`` writes later in the run get the head's
time, as on a server whose clock is behind the last writer's.

Actors are the officials holding a post today (demo and bench officials), some much busier than
others; each event's agency is its actor's. Actions are mostly dossier steps, then sign-ins,
documents and a few account changes, with targets drawn from pools that stay the same across runs.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AuditChainHead, AuditEvent, chain_hash
from apps.audit.search import actor_search_key, target_search_key

from .figures import note

BATCH_SIZE = 5_000  # events per transaction: one head lock and one head update each
EVENTS_PER_DAY = 12_000
PROGRESS_EVERY = 100_000
TARGETS_NAMESPACE = uuid.UUID("6f1c1b5e-3a56-4c9e-9d0b-2b8f5a0b1e43")


@dataclass(frozen=True)
class Actor:
    uuid: uuid.UUID
    username: str
    name: str
    agency_uuid: uuid.UUID
    agency_name: str
    search: str


@dataclass(frozen=True)
class ActionKind:
    code: str
    weight: float
    target: str  # "dossier", "document" or "self" (the actor's own account)
    changes: tuple[dict, ...]  # one is picked per event


# The dossier transitions as ``dossiers.actions`` records them (status codes of dossiers.statuses),
# sign-ins as ``audit_security_event`` does; documents are the app still to come.
ACTIONS = (
    ActionKind("dossiers.submit_online", 8, "dossier", ({"status": [None, 1]},)),
    ActionKind("dossiers.receive", 10, "dossier", ({"status": [1, 2]}, {"status": [None, 2]})),
    ActionKind("dossiers.step_complete", 25, "dossier", ({"status": [2, 4]}, {})),
    ActionKind("dossiers.request_supplement", 2, "dossier", ({"status": [4, 5]},)),
    ActionKind("dossiers.supplement_received", 2, "dossier", ({"status": [5, 4]},)),
    ActionKind("dossiers.complete", 8, "dossier", ({"status": [4, 9]},)),
    ActionKind("dossiers.result_attach", 8, "dossier", ({"files": [None, 1]},)),
    ActionKind("dossiers.return_result", 7, "dossier", ({"status": [9, 10]},)),
    ActionKind("documents.register", 5, "document", ({"so_den": [None, 1024]},)),
    ActionKind("documents.sign", 4, "document", ({"trang_thai": ["cho_ky", "da_ky"]},)),
    ActionKind("security.login", 12, "self", ({"path": "/tai-khoan/dang-nhap/"},)),
    ActionKind("security.two_factor_ok", 10, "self", ({"path": "/tai-khoan/xac-thuc-hai-buoc/"},)),
    ActionKind("security.logout", 6, "self", ({"path": "/tai-khoan/dang-xuat/"},)),
    ActionKind("security.permission_denied", 1, "self", ({"path": "/lam-viec/nhat-ky/"},)),
    ActionKind("accounts.membership.roles", 0.2, "self", ({"roles": [["handler"], ["handler", "head_of_unit"]]},)),
    ActionKind("audit.export", 0.1, "self", ({"filter": {"action": "dossiers."}},)),
)
DOCUMENT_KINDS = ("UBND-VX", "UBND-KT", "SKHCN-VP", "QĐ-UBND", "TB-VP")


def _actors() -> list[Actor]:
    from apps.accounts.models import Membership

    today = timezone.localdate()
    memberships = (
        Membership.objects.filter(valid_from__lte=today, valid_to__isnull=True, user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__username")
    )
    actors = []
    for membership in memberships:
        user, agency = membership.user, membership.agency
        username, name = user.get_username()[:150], (user.get_full_name() or "")[:200]
        actors.append(
            Actor(
                uuid=user.uuid,
                username=username,
                name=name,
                agency_uuid=agency.uuid,
                agency_name=str(agency)[:300],
                search=actor_search_key(username, name),
            )
        )
    return actors


class _Targets:
    """Dossiers (labelled by their code) and documents by number; a number's UUID is the same in every run."""

    def __init__(self, dossiers: int, documents: int):
        self.dossiers, self.documents = dossiers, documents
        self._cache: dict[tuple[str, int], tuple[uuid.UUID, str, str]] = {}

    def pick(self, rng: random.Random, kind: str) -> tuple[str, uuid.UUID, str, str]:
        """(target_type, uuid, label, folded label) of a random dossier or document."""
        count = self.dossiers if kind == "dossier" else self.documents
        number = rng.randrange(count)
        key = (kind, number)
        if (found := self._cache.get(key)) is None:
            if kind == "dossier":
                label = f"000.00.{number % 40 + 10:02d}.H27-26{number % 12 + 1:02d}{number % 28 + 1:02d}-{number:07d}"
            else:
                label = f"Văn bản số {number % 9000 + 1}/{DOCUMENT_KINDS[number % len(DOCUMENT_KINDS)]}"
            found = (uuid.uuid5(TARGETS_NAMESPACE, f"{kind}-{number}"), label, target_search_key(label))
            self._cache[key] = found
        target_uuid, label, search = found
        return ("dossiers.dossier" if kind == "dossier" else "documents.document"), target_uuid, label, search


def audit_events_fill(*, total: int) -> int:
    """Append chained events until the trail holds ``total``; return how many were added."""
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    missing = total - head.seq
    if missing <= 0:
        return 0
    actors = _actors()
    if not actors:
        raise ValueError("Không có cán bộ nào đang giữ chức vụ để làm người thực hiện sự kiện.")
    # Seeded by where the chain stands: the same data for the same start, new UUIDs on a top-up.
    rng = random.Random(f"bench-audit-{head.seq}")
    shuffled = rng.sample(actors, len(actors))
    actor_weights = [1 / (rank + 1) for rank in range(len(shuffled))]  # Zipf: a few busy officials
    action_weights = [kind.weight for kind in ACTIONS]
    targets = _Targets(dossiers=max(100, total // 8), documents=max(100, total // 40))
    mean_gap = 86_400 / EVENTS_PER_DAY
    moment = max(head.occurred_at or timezone.now(), timezone.now())
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    written = 0
    while written < missing:
        count = min(BATCH_SIZE, missing - written)
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().get(pk=1)
            seq, prev_hash = head.seq, head.hash
            moment = max(moment, head.occurred_at or moment)
            batch = []
            for actor, kind in zip(
                rng.choices(shuffled, weights=actor_weights, k=count),
                rng.choices(ACTIONS, weights=action_weights, k=count),
                strict=True,
            ):
                seq += 1
                moment += timedelta(seconds=rng.expovariate(1 / mean_gap))
                event = _event(rng, seq=seq, moment=moment, actor=actor, kind=kind, targets=targets)
                event.prev_hash = prev_hash
                event.hash = prev_hash = chain_hash(prev_hash, event.hashed_fields())
                batch.append(event)
            rows = [
                [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
                for event in batch
            ]
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            head.seq, head.hash, head.occurred_at = seq, prev_hash, moment
            head.save(update_fields=["seq", "hash", "occurred_at"])
        before = written
        written += count
        if written // PROGRESS_EVERY > before // PROGRESS_EVERY:
            note(f"nhật ký kiểm toán: {written:_}/{missing:_} sự kiện")
    if connection.vendor == "postgresql":
        # What autovacuum would long have done on a trail grown over weeks; without statistics the
        # planner guesses. SQLite has no such daemon and egov does not run ANALYZE on it, so the
        # SQLite figures are those of a deployment as it stands.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(AuditEvent._meta.db_table)}")
    return written


def _event(
    rng: random.Random, *, seq: int, moment: datetime, actor: Actor, kind: ActionKind, targets: _Targets
) -> AuditEvent:
    """One event as ``audit_record`` would have built it (without prev_hash and hash)."""
    if kind.target == "self":
        target_type, target_uuid, label, target_search = "accounts.user", actor.uuid, actor.name or actor.username, None
    else:
        target_type, target_uuid, label, target_search = targets.pick(rng, kind.target)
    event = AuditEvent(
        seq=seq,
        uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
        occurred_at=moment,
        actor_uuid=actor.uuid,
        actor_username=actor.username,
        actor_name=actor.name,
        agency_uuid=actor.agency_uuid,
        agency_name=actor.agency_name,
        action=kind.code,
        target_type=target_type,
        target_uuid=target_uuid,
        target_label=label[:300],
        changes=rng.choice(kind.changes),
        ip=f"10.43.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        request_id=f"{rng.getrandbits(128):032x}",
    )
    event.actor_search = actor.search
    event.target_search = target_search if target_search is not None else target_search_key(label)
    return event
