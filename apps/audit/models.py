"""The append-only audit trail, chained by hashes so that an edited row is detected.

Events name their actor, agency and target by UUID with a snapshot of their names at the time, not
by foreign keys: the trail outlives reorganisations and deleted accounts, and no cascade or
SET NULL can ever rewrite a row.

Rows are only ever inserted, by ``actions.audit_record``. The model and its queryset refuse
updates and deletions; database triggers (migration 0003) refuse them too, for code that goes
around the ORM. Someone with the table owner's rights can still drop those triggers, which is what
the hash chain and ``manage.py audit_verify`` are for.
"""

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import UTC

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import AuditAppendOnlyError
from .search import SEARCH_MAX_LENGTH

GENESIS_HASH = "0" * 64

# The columns the hash covers, in the order they are hashed. Changing this list or their canonical
# form below breaks every existing chain.
HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "uuid",
    "occurred_at",
    "actor_uuid",
    "actor_username",
    "actor_name",
    "agency_uuid",
    "agency_name",
    "action",
    "target_type",
    "target_uuid",
    "target_label",
    "changes",
    "ip",
    "request_id",
)
_UUID_FIELDS = frozenset({"uuid", "actor_uuid", "agency_uuid", "target_uuid"})

APPEND_ONLY_UPDATE = "Nhật ký kiểm toán chỉ được ghi thêm: không được sửa sự kiện đã ghi."
APPEND_ONLY_DELETE = "Nhật ký kiểm toán chỉ được ghi thêm: không được xoá sự kiện đã ghi."


class AuditEventQuerySet(models.QuerySet):
    """Reads only: bulk writes would go around the chain."""

    def update(self, **kwargs):
        raise AuditAppendOnlyError(APPEND_ONLY_UPDATE)

    def delete(self):
        raise AuditAppendOnlyError(APPEND_ONLY_DELETE)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditAppendOnlyError(APPEND_ONLY_UPDATE)

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditAppendOnlyError(
            "Nhật ký kiểm toán chỉ được ghi thêm qua audit_record() hoặc audit_append(), nối vào chuỗi."
        )


class AuditEvent(models.Model):
    """One state change (or security event), in the order it was committed."""

    seq = models.PositiveBigIntegerField(unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor_uuid = models.UUIDField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    agency_uuid = models.UUIDField(null=True, blank=True)
    agency_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_uuid = models.UUIDField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Folded copies for case- and diacritic-insensitive filters (search.py); derived from hashed
    # columns, so audit_verify checks them too.
    actor_search = models.CharField(max_length=SEARCH_MAX_LENGTH, blank=True, editable=False)
    target_search = models.CharField(max_length=SEARCH_MAX_LENGTH, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["actor_uuid", "-seq"], name="audit_actor_seq"),
            models.Index(fields=["agency_uuid", "-seq"], name="audit_agency_seq"),
            models.Index(fields=["target_uuid", "-seq"], name="audit_target_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
            # The action filter is a prefix (LIKE 'dossier.%'): on PostgreSQL under a non-C collation
            # only a pattern_ops index serves it. Other databases ignore the operator class.
            models.Index(fields=["action"], name="audit_action_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["target_type", "-seq"], name="audit_target_type_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditAppendOnlyError(APPEND_ONLY_UPDATE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditAppendOnlyError(APPEND_ONLY_DELETE)

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.hashed_fields())

    def hashed_fields(self) -> list:
        """The values the hash covers, in a fixed order and a canonical form."""
        return hashed_form([getattr(self, name) for name in HASHED_FIELDS])


class AuditChainHead(models.Model):
    """The last link of the chain; its row lock serialises appends across processes."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The last event's time: the next one is never earlier, so seq order is time order and a date
    # filter becomes a seq range (selectors.audit_events_filter).
    occurred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def hashed_form(values: Sequence) -> list:
    """Put the values of HASHED_FIELDS (a row as the database gives it back) in canonical form."""
    form = []
    for name, value in zip(HASHED_FIELDS, values, strict=True):
        if name in _UUID_FIELDS:
            value = str(value) if value else None
        elif name == "occurred_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        form.append(value)
    return form


def chain_hash(prev_hash: str, fields: list) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode()).hexdigest()
