"""The audit trail: events written per second, and the auditor page on the whole trail.

``audit.write`` times ``audit_record`` the way actions call it, one event per transaction (lock the
chain head, hash, insert, move the head), against a bare INSERT of the same rows, one per
transaction too, into a scratch table with the same columns and indexes and no chain.

``audit.page`` times the auditor page (``/lam-viec/nhat-ky/``) through the real server, signed in
as the demo auditor with a session that has passed the second factor, on a trail of
``--audit-events`` events (built by the dataset step in ``bench/audit_trail.py``). Requests are
sequential on one keep-alive connection, so the latency is the page's own, without queueing.
"""

import contextlib
import http.client
import itertools
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario

WRITE_ROUNDS = 3
WRITE_SECONDS = 2.0
SCRATCH_TABLE = "bench_audit_scratch"
BARE_ROWS_PER_EVENT = 30  # rows prepared for the baseline per event written by audit_record

PAGE_REQUESTS = 60  # per page, interleaved across the pages (p95: the 57th of 60)
PAGE_WARMUP = 3
AUDITOR = "kiemtoan"
ACTION_PREFIX = "dossiers."  # what an auditor narrows an official's trail to
EVENT_LINK = re.compile(r'href="/lam-viec/nhat-ky/[0-9a-f-]{36}/"')  # one per event row


# --- audit.write ------------------------------------------------------------------------------
@scenario("audit.write", label="ghi sự kiện qua audit_record (chuỗi băm) so với INSERT trần", order=30)
def write_vs_bare(run: Run) -> Iterator[Figure]:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.audit.actions import audit_record
    from apps.audit.models import AuditEvent

    # As dossiers.actions records a step: the actor, the acting agency, the dossier's status and
    # deadline before and after.
    actor = User.objects.get(username="chuyenvien")
    agency = actor.audit_agency()
    due_at = timezone.now() + timedelta(days=10)
    dossier_uuids = [uuid.uuid4() for _ in range(100)]
    counter = itertools.count()

    def write_ours(seconds: float) -> tuple[float, list[int]]:
        seqs = []
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds or not seqs:
            number = next(counter)
            with transaction.atomic():
                event = audit_record(
                    actor=actor,
                    action="dossiers.step_complete",
                    target_type="dossiers.dossier",
                    target_uuid=dossier_uuids[number % len(dossier_uuids)],
                    target_label=f"000.00.15.H27-261127-{number:04d}",
                    before={"status": 2, "due_at": due_at},
                    after={"status": 4, "due_at": due_at},
                    agency=agency,
                )
            seqs.append(event.seq)
        return len(seqs) / elapsed, seqs

    with scratch_table(connection, AuditEvent) as (insert_sql, columns):
        ours_rates, bare_rates = [], []
        next_seq = itertools.count(10**15)
        for _ in range(WRITE_ROUNDS):
            ours_rate, seqs = write_ours(WRITE_SECONDS)
            ours_rates.append(ours_rate)
            # The same rows again for the baseline (with their unique columns made unique anew),
            # prepared before the clock starts: the baseline pays for the database only.
            template = [
                [field.get_db_prep_value(getattr(event, field.attname), connection) for field in columns]
                for event in AuditEvent.objects.filter(seq__gte=seqs[0], seq__lte=seqs[-1])
            ]
            rows = list(bare_rows(template, columns, connection, next_seq, count=len(template) * BARE_ROWS_PER_EVENT))
            bare_rates.append(insert_bare(connection, insert_sql, rows, seconds=WRITE_SECONDS))
    note(
        f"audit.write: {WRITE_ROUNDS} vòng × {WRITE_SECONDS:g} s mỗi bên, mỗi sự kiện một giao dịch, "
        f"bảng có {AuditEvent.objects.count():_} sự kiện, CSDL {connection.vendor}"
    )
    ours_rate, bare_rate = median(ours_rates), median(bare_rates)
    yield Figure("audit.write.audit_record.events_per_second", ours_rate, "1/s")
    yield Figure("audit.write.bare_insert.events_per_second", bare_rate, "1/s")
    yield Figure("audit.write.audit_record.ratio_vs_bare", ratio(ours_rate, bare_rate), "x")
    yield Figure("audit.write.audit_record.time_vs_bare", ratio(bare_rate, ours_rate), "x slower")


@contextlib.contextmanager
def scratch_table(connection, model) -> Iterator[tuple[str, list]]:
    """A table with ``model``'s columns and indexes (names prefixed), dropped on exit.

    Yields the single-row INSERT statement and the fields in its column order.
    """
    from django.apps.registry import Apps
    from django.db import models

    meta = model._meta
    indexes = [index.clone() for index in meta.indexes]
    for index in indexes:
        index.name = f"bench_{index.name}"[:30]
    scratch_meta = type(
        "Meta", (), {"app_label": "bench", "db_table": SCRATCH_TABLE, "apps": Apps(), "indexes": indexes}
    )
    attrs = {field.name: field.clone() for field in meta.local_fields}
    scratch = type("ScratchAuditEvent", (models.Model,), {**attrs, "__module__": __name__, "Meta": scratch_meta})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # left behind by an interrupted run
        cursor.execute(f"DROP TABLE IF EXISTS {quote(SCRATCH_TABLE)}")
    with connection.schema_editor() as editor:
        editor.create_model(scratch)
    try:
        columns = [field for field in scratch._meta.local_fields if field.name != "id"]
        insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
            quote(SCRATCH_TABLE),
            ", ".join(quote(field.column) for field in columns),
            ", ".join(["%s"] * len(columns)),
        )
        yield insert_sql, columns
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(scratch)


def bare_rows(template, columns, connection, next_seq, *, count: int) -> Iterator[list]:
    """``count`` copies of the template rows, each with a new seq, uuid and hash."""
    positions = {field.name: index for index, field in enumerate(columns)}
    uuid_field = columns[positions["uuid"]]
    for row in itertools.islice(itertools.cycle(template), count):
        row = list(row)
        row[positions["seq"]] = next(next_seq)
        row[positions["uuid"]] = uuid_field.get_db_prep_value(uuid.uuid4(), connection)
        row[positions["hash"]] = uuid.uuid4().hex * 2
        yield row


def insert_bare(connection, insert_sql: str, rows: list[list], *, seconds: float) -> float:
    """Rows per second inserted one per transaction, for ``seconds`` or until the rows run out."""
    from django.db import transaction

    done = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for row in rows:
            with transaction.atomic():
                cursor.execute(insert_sql, row)
            done += 1
            if time.perf_counter() - started >= seconds:
                break
    return done / (time.perf_counter() - started)


# --- audit.page -------------------------------------------------------------------------------
@scenario("audit.page", label="trang nhật ký kiểm toán của kiểm toán viên trên toàn bộ nhật ký, qua granian", order=110)
def auditor_page(run: Run) -> Iterator[Figure]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.models import User
    from apps.audit.models import AuditChainHead, AuditEvent
    from apps.audit.selectors import audit_events_for_user

    from ..urls import BARE_PATH

    auditor = User.objects.get(username=AUDITOR)
    device = TOTPDevice.objects.get(user=auditor, confirmed=True)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(auditor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as after a correct TOTP code
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    head = AuditChainHead.objects.get(pk=1)
    visible = audit_events_for_user(auditor)
    paths = page_paths(reverse("audit:event-list"), visible, head_seq=head.seq)
    for name, path in paths.items():
        note(f"audit.page {name}: {path}")

    # Query counts, through the test client in process (same middleware and view), each page
    # asked twice so the session's once-a-minute activity stamp is not counted.
    counts = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"audit.page {name} ({path}) trả về HTTP {response.status_code} (test client).")
        if not EVENT_LINK.search(response.content.decode()):
            raise BenchError(f"audit.page {name} ({path}) không có sự kiện nào: phép đo sẽ vô nghĩa.")
        counts[name] = len(queries)

    server = run.server()
    latencies = measure_sequential(server.port, {"bare_view": BARE_PATH, **paths}, cookie=cookie)
    note(
        f"audit.page: {AuditEvent.objects.count():_} sự kiện trong bảng, {visible.count():_} trong phạm vi "
        f"của {AUDITOR}; {PAGE_REQUESTS} yêu cầu tuần tự mỗi trang, một kết nối"
    )
    yield Figure("audit.page.events", head.seq, "events")
    bare_p50 = median(latencies["bare_view"])
    yield Figure("audit.page.bare_view.latency_p50", bare_p50, "ms")
    yield Figure("audit.page.bare_view.latency_p95", percentile(latencies["bare_view"], 95), "ms")
    for name in paths:
        yield Figure(f"audit.page.{name}.latency_p50", median(latencies[name]), "ms")
        yield Figure(f"audit.page.{name}.latency_p95", percentile(latencies[name], 95), "ms")
        yield Figure(f"audit.page.{name}.queries", counts[name], "queries")
        yield Figure(f"audit.page.{name}.ratio_vs_bare", ratio(bare_p50, median(latencies[name])), "x")


def page_paths(base: str, visible, *, head_seq: int) -> dict[str, str]:
    """The four pages: first, an official's dossier steps, a deep keyset page, one week's events."""
    from django.utils import timezone

    # An official of the auditor's scope with a middling share of the events: a typical search.
    recent = visible.filter(seq__gt=max(0, head_seq - 20_000), action__startswith=ACTION_PREFIX)
    shares = Counter(name for name in recent.values_list("actor_name", flat=True) if name)
    if not shares:
        raise BenchError("audit.page: không có sự kiện hồ sơ nào trong phạm vi kiểm toán viên (thiếu --audit-events?).")
    ranked = sorted(shares, key=lambda name: (-shares[name], name))
    actor = ranked[len(ranked) // 2]
    middle = visible.filter(seq__lte=max(1, head_seq // 2)).order_by("-seq").values_list("seq", "occurred_at")[:1]
    if not middle:
        raise BenchError("audit.page: không có sự kiện nào ở giữa nhật ký trong phạm vi kiểm toán viên.")
    middle_seq, middle_time = middle[0]
    day = timezone.localtime(middle_time).date()
    week = {"tu_ngay": f"{day:%d/%m/%Y}", "den_ngay": f"{day + timedelta(days=6):%d/%m/%Y}"}
    return {
        "first": base,
        "actor_action": f"{base}?{urlencode({'nguoi': actor, 'hanh_dong': ACTION_PREFIX})}",
        "deep": f"{base}?{urlencode({'truoc': middle_seq})}",
        "date_range": f"{base}?{urlencode(week)}",
    }


def measure_sequential(port: int, paths: dict[str, str], *, cookie: str) -> dict[str, list[float]]:
    """Milliseconds of each GET, the paths in turn, ``PAGE_REQUESTS`` each after a warm-up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie}
    samples: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for round_no in range(PAGE_WARMUP + PAGE_REQUESTS):
            for name, path in paths.items():
                started = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    raise BenchError(f"audit.page {name} ({path}) trả về HTTP {response.status} qua granian.")
                if round_no >= PAGE_WARMUP:
                    samples[name].append(elapsed)
    finally:
        connection.close()
    return samples


def percentile(values: list[float], p: int) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * p // 100) - 1))]
