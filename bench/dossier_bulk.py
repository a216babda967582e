"""Dossiers in bulk, so the inbox, the lookup and the statistics can be measured on a million.

``dossier_register`` + ``dossier_receive`` make a few hundred dossiers a second, which is right for
a desk and far too slow for building a million. ``dossiers_fill`` writes the same rows faster but
the same way where the pages look: every column is computed as the actions compute it (code in the
legal format ``<agency>-<YYMMDD>-<XXXX>`` with per-agency-day sequences, register numbers per agency
and year, appointment by the working-day calendar, ``search_text`` folded from code and name), and
the code and register counters move with the codes, so later receipts in the run go on from there.
Open dossiers (statuses 2, 4, 5) get the active step row of their routing plan's first processing
step, so the step inboxes have work. Only the inserts are batched: one ``executemany`` per batch, of
the values Django would send (each field's ``get_db_prep_save``), as ``bench/audit_trail.py`` does.

Dossiers go over the (procedure, receiving agency) pairs the demo data offers today, received on
the working days of the ``DAYS_BACK`` days before the build; the older the dossier, the likelier it
is finished. No trail or audit events are written for them (``audit.page`` has its own).
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from apps.core.folding import fold_text
from apps.core.working_days import VN_TZ, get_calendar

from .figures import note

BATCH_SIZE = 5_000
PROGRESS_EVERY = 100_000
DAYS_BACK = 730
KEY_PREFIX = "bench-dossier-"


def _insert_sql(model, fields) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )


def _offers(today: date) -> list[tuple]:
    """(procedure, version, agency, first processing step, its agency) of the demo's pairs in force today."""
    from apps.dossiers.demo import _offers
    from apps.procedures.models import RoutingStep
    from apps.procedures.selectors import procedure_version_in_force, routing_plan

    offers = []
    for procedure, agency in _offers(today):
        version = procedure_version_in_force(procedure)
        if version is None:
            continue
        planned = [
            p for group in routing_plan(version, agency) for p in group.steps if p.step.kind != RoutingStep.Kind.INTAKE
        ]
        first = planned[0] if planned else None
        offers.append((procedure, version, agency, first.step if first else None, first.agency if first else None))
    return offers


def _counters_save(model, period: str, last: dict, touched: set) -> None:
    """Move the code or register counters of ``touched`` (agency id, day or year) keys to ``last``."""
    rows = {(c.agency_id, getattr(c, period)): c for c in model.objects.filter(agency_id__in={a for a, _p in touched})}
    changed, new = [], []
    for key in touched:
        if (row := rows.get(key)) is not None:
            row.last = last[key]
            changed.append(row)
        else:
            new.append(model(agency_id=key[0], **{period: key[1]}, last=last[key]))
    model.objects.bulk_update(changed, ["last"], batch_size=500)
    model.objects.bulk_create(new, batch_size=500)


def dossiers_fill(*, total: int) -> int:
    """Add bulk dossiers until ``total`` of them exist; return how many were added."""
    from apps.dossiers.demo import FAMILY, GIVEN, MIDDLE
    from apps.dossiers.models import Dossier, DossierCodeCounter, DossierStep, RegisterCounter

    existing = Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX).count()
    missing = total - existing
    if missing <= 0:
        return 0
    today = timezone.localdate()
    offers = _offers(today)
    if not offers:
        raise ValueError("Không có thủ tục nào được tiếp nhận hôm nay trong dữ liệu mẫu.")
    calendar = get_calendar()
    days = [d for n in range(DAYS_BACK, 0, -1) if calendar.is_working_day(d := today - timedelta(days=n))]
    rng = random.Random(f"bench-dossiers-{existing}")
    code_last = {(c.agency_id, c.day): c.last for c in DossierCodeCounter.objects.all()}
    register_last = {(c.agency_id, c.year): c.last for c in RegisterCounter.objects.all()}
    due_cache: dict[tuple[date, int], datetime] = {}
    dossier_fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    step_fields = [f for f in DossierStep._meta.concrete_fields if not f.primary_key]
    dossier_sql, step_sql = _insert_sql(Dossier, dossier_fields), _insert_sql(DossierStep, step_fields)
    now = timezone.now()
    written = 0
    while written < missing:
        count = min(BATCH_SIZE, missing - written)
        dossiers, steps = [], []
        touched_codes, touched_registers = set(), set()
        for index in range(existing + written, existing + written + count):
            procedure, version, agency, routing_step, step_agency = rng.choice(offers)
            age = rng.random()
            day = days[min(len(days) - 1, int(len(days) * (1 - age**2)))]  # more dossiers lately
            while code_last.get((agency.pk, day), 0) >= 9999:
                day = rng.choice(days)
            received = datetime.combine(day, time(7, 35), VN_TZ) + timedelta(minutes=rng.randrange(9 * 60))
            code_key, register_key = (agency.pk, day), (agency.pk, day.year)
            code_last[code_key] = code_last.get(code_key, 0) + 1
            register_last[register_key] = register_last.get(register_key, 0) + 1
            touched_codes.add(code_key)
            touched_registers.add(register_key)
            code = f"{agency.identifier}-{day:%y%m%d}-{code_last[code_key]:04d}"
            limit = max(1, int(version.deadline_value))
            if (due := due_cache.get((day, limit))) is None:
                start = calendar.counting_start(datetime.combine(day, time(10), VN_TZ))
                due = due_cache[(day, limit)] = calendar.add_working_days(start, limit)
            overdue = due < now
            roll = rng.random()
            if overdue:
                status = 10 if roll < 0.8 else 9 if roll < 0.88 else 4 if roll < 0.93 else 7 if roll < 0.96 else 8
            else:
                status = 4 if roll < 0.55 else 2 if roll < 0.8 else 5 if roll < 0.9 else 9
            finished = min(received + (due - received) * rng.uniform(0.3, 1.2), now) if status in (9, 10) else None
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            dossier = Dossier(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                created_at=received,
                updated_at=finished or received,
                code=code,
                procedure=procedure,
                version=version,
                receiving_agency=agency,
                channel=2 if rng.random() < 0.4 else 1,
                status=status,
                applicant_name=name,
                applicant_id_number=f"042{rng.randint(0, 3)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}",
                applicant_phone=f"09{rng.randint(0, 99999999):08d}",
                applicant_address="Hà Tĩnh",
                subject=procedure.name[:1000],
                idempotency_key=f"{KEY_PREFIX}{index:08d}",
                submitted_at=received,
                received_at=received,
                register_year=day.year,
                register_number=register_last[register_key],
                deadline_value=version.deadline_value,
                deadline_unit=version.deadline_unit,
                clock_started_at=received,
                original_due_at=due,
                due_at=due,
                finished_at=finished,
                returned_at=finished if status == 10 else None,
                closed_at=finished if status == 10 else (received + timedelta(days=2) if status in (7, 8) else None),
                timeliness=("on_time" if finished <= due else "late") if finished else "",
                result_channel=1 if status == 10 else None,
                search_text=fold_text(f"{code} {name}")[:600],
            )
            dossiers.append(dossier)
            if status in (2, 4, 5) and routing_step is not None:
                steps.append((dossier, routing_step, step_agency))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(
                    dossier_sql,
                    [[f.get_db_prep_save(getattr(d, f.attname), connection) for f in dossier_fields] for d in dossiers],
                )
            ids = dict(Dossier.objects.filter(uuid__in=[d.uuid for d, _s, _a in steps]).values_list("uuid", "id"))
            step_rows = []
            for dossier, routing_step, step_agency in steps:
                step = DossierStep(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    created_at=dossier.received_at,
                    updated_at=dossier.received_at,
                    dossier_id=ids[dossier.uuid],
                    routing_step=routing_step,
                    order=routing_step.order,
                    position=routing_step.position,
                    is_lead=routing_step.is_lead,
                    kind=routing_step.kind,
                    name=routing_step.name,
                    agency=step_agency,
                    role=routing_step.role,
                    share_value=routing_step.share_value,
                    share_unit=routing_step.share_unit,
                    state=DossierStep.State.ACTIVE,
                    started_at=dossier.clock_started_at,
                    due_at=dossier.due_at,
                )
                step_rows.append([f.get_db_prep_save(getattr(step, f.attname), connection) for f in step_fields])
            if step_rows:
                with connection.cursor() as cursor:
                    cursor.executemany(step_sql, step_rows)
            _counters_save(DossierCodeCounter, "day", code_last, touched_codes)
            _counters_save(RegisterCounter, "year", register_last, touched_registers)
        before = written
        written += count
        if written // PROGRESS_EVERY > before // PROGRESS_EVERY:
            note(f"hồ sơ: {written:_}/{missing:_}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Dossier, DossierStep):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return written
