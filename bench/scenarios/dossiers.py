"""One-stop dossiers: intake per second, and the lookup, inbox and statistics pages on N dossiers.

``dossier.intake`` times the real path of a desk receipt, ``dossier_register`` then
``dossier_receive`` (legal code, register number, appointment, steps, trail and audit events), each
in its own transaction, as the demo desk officer on a procedure of her centre, against a bare
INSERT of the same dossier rows (same columns, new unique values), one row per transaction, into
the same table; the bare rows are deleted afterwards. Notifications to applicants are silenced.

``dossier.lookup``, ``dossier.inbox`` and ``dossier.statistics`` time pages through the real server
on the ``--dossiers`` bulk dossiers (``bench/dossier_bulk.py``), sequential requests on one
keep-alive connection: the API lookup ``GET /api/v1/dossiers/{code}`` (bearer token) of codes in
the desk officer's scope; the inbox of the desk officer and of a handler, with sessions that have
passed the second factor; the statistics page of the current year for the whole province (the
demo auditor, whose scope is UBND tỉnh and every agency below it).
"""

import http.client
import itertools
import random
import re
import time
from collections.abc import Iterator

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario
from .audit import PAGE_REQUESTS, PAGE_WARMUP, percentile

INTAKE_ROUNDS = 3
INTAKE_SECONDS = 3.0
DESK, HANDLER = "motcua", "chuyenvien"
# Province-wide statistics (UBND tỉnh and every agency below it): the demo auditor's scope.
STATISTICS_USER = "kiemtoan"
STATISTICS_REQUESTS = 20  # seconds a request on a million dossiers: fewer than the other pages
LOOKUP_CODES = 200
DOSSIER_LINK = re.compile(r'href="/lam-viec/ho-so/([0-9a-f-]{36})/"')  # a dossier row of the inbox


def verified_cookie(username: str) -> str:
    """A session cookie of ``username`` signed in with the second factor passed (as in audit.page)."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def query_count(path: str, headers: dict[str, str]) -> tuple[int, str]:
    """SQL queries and body of one GET through the test client (asked twice: the first may stamp the session)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", headers=headers)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"{path} trả về HTTP {response.status_code} (test client).")
    return len(queries), response.content.decode()


def timed_gets(port: int, requests: list[tuple[str, str, dict[str, str]]]) -> dict[str, list[float]]:
    """Milliseconds of each (name, path, headers) GET in the order given, on one connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples: dict[str, list[float]] = {}
    try:
        for name, path, headers in requests:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise BenchError(f"{name} ({path}) trả về HTTP {response.status} qua granian.")
            samples.setdefault(name, []).append(elapsed)
    finally:
        connection.close()
    return samples


def page_figures(prefix: str, samples: list[float]) -> Iterator[Figure]:
    yield Figure(f"{prefix}.latency_p50", median(samples), "ms")
    yield Figure(f"{prefix}.latency_p95", percentile(samples, 95), "ms")


def sequential(
    port: int, pages: dict[str, tuple[str, dict[str, str]]], *, requests: int = PAGE_REQUESTS, warmup: int = PAGE_WARMUP
) -> dict[str, list[float]]:
    """``requests`` timed GETs of each page, interleaved, after ``warmup`` rounds."""
    warm = [(name, path, headers) for _ in range(warmup) for name, (path, headers) in pages.items()]
    timed_gets(port, warm)
    timed = [(name, path, headers) for _ in range(requests) for name, (path, headers) in pages.items()]
    return timed_gets(port, timed)


def dossier_count() -> int:
    from apps.dossiers.models import Dossier

    return Dossier.objects.count()


# --- dossier.intake ----------------------------------------------------------------------------
@scenario("dossier.intake", label="tiếp nhận hồ sơ tại quầy (action + mã + nhật ký) so với INSERT trần", order=40)
def intake_vs_bare(run: Run) -> Iterator[Figure]:
    from django.db import connection

    from apps.accounts.models import User
    from apps.dossiers import actions, notifications
    from apps.dossiers.actions import DocumentInput
    from apps.dossiers.demo import _person
    from apps.dossiers.statuses import Channel
    from apps.procedures.selectors import procedure_version_in_force, procedures_for_agency

    from ..intake_bare import BareIntake

    desk = User.objects.get(username=DESK)
    agency = desk.current_membership().agency
    offers = []
    for procedure in procedures_for_agency(agency):
        version = procedure_version_in_force(procedure)
        if version is not None:
            documents = [
                DocumentInput(name=r.name, requirement_id=r.id, paper_only=True) for r in version.documents.all()
            ]
            offers.append((procedure, version, documents))
    if not offers:
        raise BenchError(f"dossier.intake: {agency} không tiếp nhận thủ tục nào.")
    rng = random.Random("bench-intake")
    counter = itertools.count()

    def intake_ours(seconds: float) -> tuple[float, list[int]]:
        ids = []
        started = time.perf_counter()
        with notifications.silenced():
            while (elapsed := time.perf_counter() - started) < seconds or not ids:
                procedure, version, documents = offers[next(counter) % len(offers)]
                dossier = actions.dossier_intake(
                    actor=desk,
                    procedure=procedure,
                    receiving_agency=agency,
                    applicant=_person(rng, rng.randint(1950, 2005)),
                    channel=Channel.DESK,
                    documents=documents,
                    version=version,  # as the desk page passes the version its form was checked against
                )
                ids.append(dossier.pk)
        return len(ids) / elapsed, ids

    ours_rates, bare_rates = [], []
    with BareIntake(connection) as bare:
        for _ in range(INTAKE_ROUNDS):
            ours_rate, ids = intake_ours(INTAKE_SECONDS)
            ours_rates.append(ours_rate)
            bare_rates.append(bare.run(ids, seconds=INTAKE_SECONDS))
        rows = bare.rows_per_intake
    note(
        f"dossier.intake: {INTAKE_ROUNDS} vòng × {INTAKE_SECONDS:g} s mỗi bên, mỗi hồ sơ một giao dịch "
        f"(dossier_intake: đăng ký + tiếp nhận), {agency}, {len(offers)} thủ tục, {dossier_count():_} hồ sơ, "
        f"CSDL {connection.vendor}; bên trần ghi đúng các dòng ấy ({rows}) bằng SQL trần"
    )
    ours_rate, bare_rate = median(ours_rates), median(bare_rates)
    yield Figure("dossier.intake.register_receive.dossiers_per_second", ours_rate, "1/s")
    yield Figure("dossier.intake.bare_insert.dossiers_per_second", bare_rate, "1/s")
    yield Figure("dossier.intake.ratio_vs_bare", ratio(ours_rate, bare_rate), "x")
    yield Figure("dossier.intake.time_vs_bare", ratio(bare_rate, ours_rate), "x slower")


# --- dossier.lookup ----------------------------------------------------------------------------
@scenario("dossier.lookup", label="tra cứu hồ sơ theo mã qua API (GET /api/v1/dossiers/{code}), qua granian", order=120)
def lookup(run: Run) -> Iterator[Figure]:
    from apps.accounts.api_tokens import api_token_issue, api_token_revoke
    from apps.accounts.models import User

    from ..urls import BARE_PATH

    desk = User.objects.get(username=DESK)
    token, secret = api_token_issue(actor=None, user=desk, name="bench dossier.lookup", days=1)
    try:
        yield from _lookup(run, desk, {"Authorization": f"Bearer {secret}"}, bare_path=BARE_PATH)
    finally:  # a kept bench database is run again: no token piles up
        api_token_revoke(actor=None, token=token)


def _lookup(run: Run, desk, headers: dict, *, bare_path: str) -> Iterator[Figure]:
    from apps.dossiers.selectors import dossiers_for_official

    scope = dossiers_for_official(desk).filter(code__isnull=False)
    in_scope = scope.count()
    if not in_scope:
        raise BenchError("dossier.lookup: không có hồ sơ nào có mã trong phạm vi cán bộ một cửa.")
    rng = random.Random("bench-lookup")
    ids = list(scope.order_by().values_list("pk", flat=True))
    codes = list(
        scope.filter(pk__in=rng.sample(ids, min(LOOKUP_CODES, len(ids)))).order_by().values_list("code", flat=True)
    )
    paths = [f"/api/v1/dossiers/{code}" for code in codes]
    queries, _body = query_count(paths[0], headers)
    server = run.server()
    timed_gets(server.port, [("lookup", path, headers) for path in paths[:PAGE_WARMUP]])
    requests = []
    for number in range(PAGE_REQUESTS * 2):
        requests.append(("bare_view", bare_path, {}))
        requests.append(("lookup", paths[number % len(paths)], headers))
    samples = timed_gets(server.port, requests)
    note(
        f"dossier.lookup: {dossier_count():_} hồ sơ, {in_scope:_} trong phạm vi {DESK}; "
        f"{len(samples['lookup'])} mã khác nhau lần lượt, một kết nối"
    )
    yield Figure("dossier.lookup.dossiers", dossier_count(), "dossiers")
    yield from page_figures("dossier.lookup.bare_view", samples["bare_view"])
    yield from page_figures("dossier.lookup.api", samples["lookup"])
    yield Figure("dossier.lookup.api.queries", queries, "queries")


# --- dossier.inbox -----------------------------------------------------------------------------
@scenario("dossier.inbox", label="hộp hồ sơ của cán bộ một cửa và chuyên viên xử lý, qua granian", order=121)
def inbox(run: Run) -> Iterator[Figure]:
    from django.urls import reverse

    base = reverse("dossiers:inbox")
    pages = {
        "desk": (f"{base}?vai_tro=mot-cua", {"Cookie": verified_cookie(DESK)}),
        "handler": (f"{base}?vai_tro=xu-ly", {"Cookie": verified_cookie(HANDLER)}),
    }
    counts, rows = {}, {}
    for name, (path, headers) in pages.items():
        counts[name], body = query_count(path, headers)
        rows[name] = len(set(DOSSIER_LINK.findall(body)))
    samples = sequential(run.server().port, pages)
    note(f"dossier.inbox: {dossier_count():_} hồ sơ; {PAGE_REQUESTS} yêu cầu tuần tự mỗi trang, một kết nối")
    yield Figure("dossier.inbox.dossiers", dossier_count(), "dossiers")
    for name in pages:
        yield from page_figures(f"dossier.inbox.{name}", samples[name])
        yield Figure(f"dossier.inbox.{name}.queries", counts[name], "queries")
        yield Figure(f"dossier.inbox.{name}.rows_on_page", rows[name], "dossiers")


# --- dossier.statistics ------------------------------------------------------------------------
@scenario("dossier.statistics", label="trang thống kê hồ sơ toàn tỉnh của một năm, qua granian", order=122)
def statistics(run: Run) -> Iterator[Figure]:
    from django.urls import reverse
    from django.utils import timezone

    path = f"{reverse('dossier_reports:statistics')}?ky=nam&nam={timezone.localdate().year}"
    pages = {"year": (path, {"Cookie": verified_cookie(STATISTICS_USER)})}
    queries, _body = query_count(path, pages["year"][1])
    samples = sequential(run.server().port, pages, requests=STATISTICS_REQUESTS, warmup=1)
    note(
        f"dossier.statistics: {dossier_count():_} hồ sơ; {path} như {STATISTICS_USER}, "
        f"{STATISTICS_REQUESTS} yêu cầu tuần tự"
    )
    yield Figure("dossier.statistics.dossiers", dossier_count(), "dossiers")
    yield from page_figures("dossier.statistics.year", samples["year"])
    yield Figure("dossier.statistics.year.queries", queries, "queries")
