"""The append-only audit trail, chained by hashes so that an edited row is detected.

Events name their actor, agency and target by UUID with a snapshot of their names at the time, not
by foreign keys: the trail outlives reorganisations and deleted accounts, and no cascade or
SET NULL can ever rewrite a row.
"""

import hashlib
import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


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

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["actor_uuid", "-seq"], name="audit_actor_seq"),
            models.Index(fields=["agency_uuid", "-seq"], name="audit_agency_seq"),
            models.Index(fields=["target_uuid", "-seq"], name="audit_target_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}".strip()

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.hashed_fields())

    def hashed_fields(self) -> list:
        """The values the hash covers, in a fixed order and a canonical form."""
        return [
            self.seq,
            str(self.uuid),
            self.occurred_at.isoformat(timespec="microseconds"),
            str(self.actor_uuid) if self.actor_uuid else None,
            self.actor_username,
            self.actor_name,
            str(self.agency_uuid) if self.agency_uuid else None,
            self.agency_name,
            self.action,
            self.target_type,
            str(self.target_uuid) if self.target_uuid else None,
            self.target_label,
            self.changes,
            self.ip,
            self.request_id,
        ]


class AuditChainHead(models.Model):
    """The last link of the chain; its row lock serialises appends across processes."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, fields: list) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode()).hexdigest()
