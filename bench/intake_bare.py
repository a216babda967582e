"""The baseline of ``dossier.intake``: the rows one desk intake writes, written with bare SQL.

For each dossier our path received, one transaction inserts a copy of every row that intake
wrote — the dossier (in its final state), its documents, its steps, the access grants of other
agencies, its two trail events and its two audit events — and moves the code counter, the
register counter and the audit chain head, each table in one INSERT … VALUES (…), (…) as a bare
program would. Unique values are made anew. Dossier rows go into the real tables (deleted
afterwards); audit rows go into a copy of the audit table and of its chain head made for the run
(same columns and indexes), because the real trail is append-only. Counters are put back.
"""

import itertools
import time
import uuid

from django.db import models, transaction

PREFIX = "BENCH-"


def _copy_model(model, table: str):
    """An unmanaged-by-migrations model with ``model``'s fields and indexes on ``table``."""
    attrs = {"__module__": __name__}
    for field in model._meta.concrete_fields:
        attrs[field.name] = field.clone()
    indexes = [
        models.Index(fields=index.fields, name=f"{table[:20]}_{n}") for n, index in enumerate(model._meta.indexes)
    ]
    attrs["Meta"] = type("Meta", (), {"db_table": table, "app_label": "bench", "indexes": indexes})
    return type(f"Bare{model.__name__}", (models.Model,), attrs)


def _values(obj, fields, connection) -> list:
    return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]


class BareIntake:
    def __init__(self, connection):
        self.connection = connection
        self.fresh = itertools.count(1)
        self.rows_per_intake = ""

    # --- set-up and tear-down ---------------------------------------------------------------------
    def __enter__(self):
        from apps.audit.models import AuditChainHead, AuditEvent

        self.audit_model = _copy_model(AuditEvent, "bench_bare_auditevent")
        self.head_model = _copy_model(AuditChainHead, "bench_bare_chainhead")
        with self.connection.schema_editor() as editor:
            editor.create_model(self.audit_model)
            editor.create_model(self.head_model)
        head = AuditChainHead.objects.get(pk=1)
        self.head_model.objects.create(pk=1, seq=head.seq, hash=head.hash, occurred_at=head.occurred_at)
        self.made: list[int] = []
        return self

    def __exit__(self, *exc):
        from apps.accounts.models import AccessGrant
        from apps.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep

        for start in range(0, len(self.made), 500):
            ids = self.made[start : start + 500]
            DossierEvent.objects.filter(dossier_id__in=ids).delete()
            DossierStep.objects.filter(dossier_id__in=ids).delete()
            DossierDocument.objects.filter(dossier_id__in=ids).delete()
            uuids = list(Dossier.objects.filter(pk__in=ids).values_list("uuid", flat=True))
            AccessGrant.objects.filter(target_uuid__in=uuids).delete()
            Dossier.objects.filter(pk__in=ids, code__startswith=PREFIX).delete()
        with self.connection.schema_editor() as editor:
            editor.delete_model(self.audit_model)
            editor.delete_model(self.head_model)
        return False

    # --- the rows ------------------------------------------------------------------------------
    def _templates(self, ids: list[int]) -> list[dict]:
        """Per dossier of our run: the rows it wrote, as lists of database values."""
        from apps.accounts.models import AccessGrant
        from apps.audit.models import AuditEvent
        from apps.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep

        c = self.connection
        self.f = {
            model: [f for f in model._meta.concrete_fields if not f.primary_key]
            for model in (Dossier, DossierDocument, DossierStep, DossierEvent, AccessGrant)
        }
        self.f[AuditEvent] = [f for f in self.audit_model._meta.concrete_fields if not f.primary_key]
        dossiers = Dossier.objects.in_bulk(ids)
        by = {pk: {"documents": [], "steps": [], "events": [], "grants": [], "audit": []} for pk in ids}
        uuid_to_pk = {d.uuid: pk for pk, d in dossiers.items()}
        for doc in DossierDocument.objects.filter(dossier_id__in=ids):
            by[doc.dossier_id]["documents"].append(doc)
        for step in DossierStep.objects.filter(dossier_id__in=ids).order_by("pk"):
            by[step.dossier_id]["steps"].append(step)
        for event in DossierEvent.objects.filter(dossier_id__in=ids).order_by("pk"):
            by[event.dossier_id]["events"].append(event)
        for grant in AccessGrant.objects.filter(target_uuid__in=list(uuid_to_pk)):
            by[uuid_to_pk[grant.target_uuid]]["grants"].append(grant)
        for event in AuditEvent.objects.filter(target_uuid__in=list(uuid_to_pk)).order_by("seq"):
            by[uuid_to_pk[event.target_uuid]]["audit"].append(event)
        templates = []
        for pk in ids:
            rows = by[pk]
            step_index = {s.pk: n for n, s in enumerate(rows["steps"])}
            templates.append(
                {
                    "dossier": _values(dossiers[pk], self.f[Dossier], c),
                    "documents": [_values(d, self.f[DossierDocument], c) for d in rows["documents"]],
                    "steps": [_values(s, self.f[DossierStep], c) for s in rows["steps"]],
                    "events": [
                        (
                            _values(e, self.f[DossierEvent], c),
                            step_index.get(e.from_step_id),
                            step_index.get(e.to_step_id),
                        )
                        for e in rows["events"]
                    ],
                    "grants": [_values(g, self.f[AccessGrant], c) for g in rows["grants"]],
                    "audit": [_values(a, self.f[AuditEvent], c) for a in rows["audit"]],
                    "agency": dossiers[pk].receiving_agency_id,
                    "day": dossiers[pk].received_at,
                    "year": dossiers[pk].register_year,
                }
            )
        first = templates[0]
        self.rows_per_intake = (
            f"1 hồ sơ, {len(first['documents'])} giấy tờ, {len(first['steps'])} bước, {len(first['grants'])} "
            f"quyền truy cập, {len(first['events'])} sự kiện, {len(first['audit'])} sự kiện nhật ký, 3 bộ đếm"
        )
        return templates

    def _sql(self, model, table=None) -> tuple[str, list[str], str]:
        quote = self.connection.ops.quote_name
        fields = self.f[model]
        columns = ", ".join(quote(f.column) for f in fields)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        insert = f"INSERT INTO {quote(table or model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 (model names)
        return insert, [f.name for f in fields], row

    def run(self, ids: list[int], *, seconds: float) -> float:
        """Write copies of the rows of ``ids`` for ``seconds``, one transaction per dossier; per second."""
        from apps.accounts.models import AccessGrant
        from apps.audit.models import AuditEvent
        from apps.core.working_days import VN_TZ
        from apps.dossiers.models import (
            Dossier,
            DossierCodeCounter,
            DossierDocument,
            DossierEvent,
            DossierStep,
            RegisterCounter,
        )

        templates = self._templates(ids)
        quote = self.connection.ops.quote_name
        sql = {m: self._sql(m) for m in (Dossier, DossierDocument, DossierStep, DossierEvent, AccessGrant)}
        sql[AuditEvent] = self._sql(AuditEvent, self.audit_model._meta.db_table)
        pos = {m: {name: i for i, name in enumerate(sql[m][1])} for m in sql}
        code_counter = (
            f"UPDATE {quote(DossierCodeCounter._meta.db_table)} SET {quote('last')} = {quote('last')} + 1 "  # noqa: S608
            f"WHERE {quote('agency_id')} = %s AND {quote('day')} = %s"
        )
        register_counter = code_counter.replace(
            DossierCodeCounter._meta.db_table, RegisterCounter._meta.db_table
        ).replace(quote("day"), quote("year"))
        head = (
            f"UPDATE {quote(self.head_model._meta.db_table)} SET {quote('seq')} = %s, {quote('hash')} = %s, "  # noqa: S608
            f"{quote('occurred_at')} = %s WHERE {quote('id')} = 1"
        )
        c = self.connection
        done = 0
        moved: dict[tuple, int] = {}
        started = time.perf_counter()
        with c.cursor() as cursor:
            for template in itertools.cycle(templates):
                n = next(self.fresh)
                with transaction.atomic():
                    row = list(template["dossier"])
                    row[pos[Dossier]["uuid"]] = uuid.uuid4().hex if c.vendor == "sqlite" else uuid.uuid4()
                    row[pos[Dossier]["code"]] = f"{PREFIX}{n:012d}"
                    row[pos[Dossier]["register_number"]] = 10_000_000 + n
                    row[pos[Dossier]["idempotency_key"]] = None
                    cursor.execute(f"{sql[Dossier][0]}{sql[Dossier][2]} RETURNING {quote('id')}", row)
                    dossier_id = cursor.fetchone()[0]
                    self.made.append(dossier_id)
                    for model, key in ((DossierDocument, "documents"), (AccessGrant, "grants")):
                        rows = template[key]
                        if rows:
                            params = []
                            for r in rows:
                                r = list(r)
                                r[pos[model]["uuid"]] = uuid.uuid4().hex if c.vendor == "sqlite" else uuid.uuid4()
                                if model is DossierDocument:
                                    r[pos[model]["dossier"]] = dossier_id
                                else:
                                    r[pos[model]["target_uuid"]] = row[pos[Dossier]["uuid"]]
                                params.extend(r)
                            cursor.execute(sql[model][0] + ", ".join([sql[model][2]] * len(rows)), params)
                    step_ids = []
                    if template["steps"]:
                        params = []
                        for r in template["steps"]:
                            r = list(r)
                            r[pos[DossierStep]["uuid"]] = uuid.uuid4().hex if c.vendor == "sqlite" else uuid.uuid4()
                            r[pos[DossierStep]["dossier"]] = dossier_id
                            params.extend(r)
                        cursor.execute(
                            sql[DossierStep][0]
                            + ", ".join([sql[DossierStep][2]] * len(template["steps"]))
                            + f" RETURNING {quote('id')}",
                            params,
                        )
                        step_ids = [r[0] for r in cursor.fetchall()]
                    params = []
                    for r, from_index, to_index in template["events"]:
                        r = list(r)
                        r[pos[DossierEvent]["dossier"]] = dossier_id
                        r[pos[DossierEvent]["from_step"]] = step_ids[from_index] if from_index is not None else None
                        r[pos[DossierEvent]["to_step"]] = step_ids[to_index] if to_index is not None else None
                        params.extend(r)
                    cursor.execute(
                        sql[DossierEvent][0] + ", ".join([sql[DossierEvent][2]] * len(template["events"])), params
                    )
                    params = []
                    for r in template["audit"]:
                        r = list(r)
                        r[pos[AuditEvent]["seq"]] = 10_000_000_000 + 4 * n + len(params)
                        r[pos[AuditEvent]["uuid"]] = uuid.uuid4().hex if c.vendor == "sqlite" else uuid.uuid4()
                        r[pos[AuditEvent]["hash"]] = uuid.uuid4().hex + uuid.uuid4().hex
                        r[pos[AuditEvent]["target_uuid"]] = row[pos[Dossier]["uuid"]]
                        params.extend(r)
                    cursor.execute(
                        sql[AuditEvent][0] + ", ".join([sql[AuditEvent][2]] * len(template["audit"])), params
                    )
                    day = template["day"].astimezone(VN_TZ).date()
                    cursor.execute(code_counter, [template["agency"], day.isoformat() if c.vendor == "sqlite" else day])
                    cursor.execute(register_counter, [template["agency"], template["year"]])
                    cursor.execute(head, [n, uuid.uuid4().hex + uuid.uuid4().hex, row[pos[Dossier]["created_at"]]])
                moved[(template["agency"], day, template["year"])] = (
                    moved.get((template["agency"], day, template["year"]), 0) + 1
                )
                done += 1
                if time.perf_counter() - started >= seconds:
                    break
        elapsed = time.perf_counter() - started
        for (agency, day, year), count in moved.items():  # counters back where our path left them
            DossierCodeCounter.objects.filter(agency_id=agency, day=day).update(last=models.F("last") - count)
            RegisterCounter.objects.filter(agency_id=agency, year=year).update(last=models.F("last") - count)
        return done / elapsed
