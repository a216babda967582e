"""The citizens' procedure catalogue: pages and search on 2,000 procedures, and the procedure page weight.

Dataset: ``catalogue_procedures`` (a step registered here, run after the bulk dossiers) tops the
demo catalogue up to ``CATALOGUE_SIZE`` procedures through ``procedure_create`` — the action that
also indexes them for search — with names made from the verbs and objects of real procedures over
the demo sectors, commune procedures (no fixed agency) and province ones (a department of today).
With ``--dossiers 1000000`` the database also holds the million dossiers of ``dossier.*``.

``portal.catalogue`` times, through the real server (sequential requests on one keep-alive
connection, no sign-in): the catalogue home (browse counts), the unfiltered results page, the
search results of several queries typed without diacritics (one with a typo, one with a half
word), and a procedure page; and ``bare_view`` as the baseline. The search's own cost is also
measured in-process against a bare full-text query on the same index: ours (read the query, match,
rank, count, first page of 20 procedures with their sector, agency and deadline) over the bare
engine query (SQLite ``MATCH … ORDER BY rank LIMIT 20``; PostgreSQL ``@@ … ORDER BY ts_rank LIMIT
20``) as queries per second (``ratio_vs_bare``). Page weight: the procedure page's HTML and the CSS
it links, as sent and gzip-compressed; the JavaScript it loads is reported apart.
"""

import gzip
import itertools
import random
import re
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..dataset import Sizes, dataset_step
from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario
from .audit import PAGE_REQUESTS, PAGE_WARMUP
from .dossiers import dossier_count, page_figures, query_count, sequential, timed_gets

CATALOGUE_SIZE = 2_000
CODE_PREFIX = "9."  # bench procedures: 9.NNNNNN.000.00.00.H27, apart from the demo's codes
SEARCHES = [
    "cap giay phep xay dung",
    "dang ky khai sinh",
    "chung thuc ban sao",
    "cap lai giay chung nhan",
    "thanh lap doanh ngh",  # half a word
    "gia han giay phepp",  # a typo
    "ho tro nguoi co cong",
    "dieu chinh quy hoach",
]
INPROCESS_SECONDS = 2.0
INPROCESS_ROUNDS = 3

VERBS = ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Đăng ký", "Xác nhận", "Công nhận"]
OBJECTS = {
    "XD": ["giấy phép xây dựng công trình", "chứng chỉ hành nghề hoạt động xây dựng", "giấy phép di dời công trình"],
    "DD": ["giấy chứng nhận quyền sử dụng đất", "biến động đất đai", "quyết định giao đất, cho thuê đất"],
    "HT": ["khai sinh", "kết hôn", "khai tử", "thay đổi, cải chính hộ tịch", "giám hộ"],
    "CT": ["bản sao từ bản chính", "chữ ký trong giấy tờ, văn bản", "hợp đồng, giao dịch"],
    "DN": ["thành lập doanh nghiệp", "thay đổi nội dung đăng ký doanh nghiệp", "địa điểm kinh doanh"],
    "HKD": ["thành lập hộ kinh doanh", "thay đổi nội dung đăng ký hộ kinh doanh"],
    "BTXH": ["trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng", "đối tượng bảo trợ xã hội"],
    "NCC": ["chế độ ưu đãi người có công", "trợ cấp thờ cúng liệt sĩ", "hỗ trợ nhà ở người có công"],
    "DUOC": ["chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược"],
    "ATTP": ["giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "bản tự công bố sản phẩm"],
    "MT": ["giấy phép môi trường", "kế hoạch bảo vệ môi trường", "đánh giá tác động môi trường"],
    "VBCC": ["bằng tốt nghiệp", "chứng chỉ ngoại ngữ, tin học", "văn bằng do cơ sở nước ngoài cấp"],
}
QUALIFIERS = [
    "",
    "đối với cá nhân",
    "đối với tổ chức",
    "cấp tỉnh",
    "trong khu kinh tế",
    "có yếu tố nước ngoài",
    "theo quy hoạch chi tiết",
    "cho người nước ngoài",
    "trường hợp bị mất, hỏng",
    "đối với dự án đầu tư",
]


@dataset_step(order=35, label=f"danh mục {CATALOGUE_SIZE} thủ tục (procedure_create)", needed_by=("portal.catalogue",))
def catalogue_procedures(sizes: Sizes) -> None:
    from apps.organizations.models import Agency, Level
    from apps.organizations.selectors import agencies_valid_on
    from apps.procedures.actions import procedure_create
    from apps.procedures.models import DeadlineUnit, Procedure, RoutingStep, Sector
    from apps.procedures.specs import DocumentSpec, FeeSpec, ProcedureSpec, StepSpec, VersionSpec

    missing = CATALOGUE_SIZE - Procedure.objects.count()
    if missing <= 0:
        return
    sectors = {s.code: s for s in Sector.objects.filter(code__in=OBJECTS)}
    departments = list(agencies_valid_on().filter(category=Agency.Category.DEPARTMENT).order_by("pk"))
    if not sectors or not departments:
        raise BenchError("catalogue_procedures: thiếu lĩnh vực hoặc sở của dữ liệu mẫu (seed_demo).")
    taken = set(Procedure.objects.values_list("name", flat=True))
    names = []
    for qualifier, verb, (code, objects) in itertools.product(QUALIFIERS, VERBS, OBJECTS.items()):
        for thing in objects:
            name = " ".join(part for part in (verb, thing, qualifier) if part)
            if code in sectors and name not in taken:
                names.append((code, name))
    rng = random.Random("bench-catalogue")
    rng.shuffle(names)
    first = Procedure.objects.filter(code__startswith=CODE_PREFIX).count()
    valid_from = date(2025, 7, 1)
    for number, (sector_code, name) in enumerate(names[:missing], start=first):
        commune = number % 2 == 0
        agency = None if commune else departments[number % len(departments)]
        target = {} if commune else {"target": RoutingStep.Target.AGENCY, "agency": agency}
        days = rng.choice([3, 5, 7, 10, 15, 20, 30])
        procedure_create(
            actor=None,
            spec=ProcedureSpec(
                code=f"{CODE_PREFIX}{number:06d}.000.00.00.H27",
                name=name,
                sector_code=sector_code,
                level=Level.COMMUNE if commune else Level.PROVINCE,
                competent_category=Agency.Category.PEOPLES_COMMITTEE if commune else Agency.Category.DEPARTMENT,
                competent_agency=agency,
                online_mode=rng.choice(["full", "partial"]),
            ),
            version=VersionSpec(
                deadline_value=Decimal(days),
                deadline_unit=DeadlineUnit.WORKING_DAYS,
                sequence="Bước 1: nộp hồ sơ.\nBước 2: cơ quan thẩm định.\nBước 3: nhận kết quả.",
                channels="Trực tiếp tại bộ phận một cửa hoặc trực tuyến.",
                subjects="Cá nhân, tổ chức",
                result_description=f"Văn bản {name.lower()}",
                legal_basis="Dữ liệu thử tải",
                documents=[
                    DocumentSpec(name="Tờ khai theo mẫu", originals=1, form_template="Mẫu số 01"),
                    DocumentSpec(name="Giấy tờ chứng minh", certified_copies=1),
                    DocumentSpec(name="Bản vẽ, sơ đồ (nếu có)", copies=1, mandatory=False),
                ],
                fees=[FeeSpec(name="Lệ phí", amount=rng.choice([0, 20000, 50000, 100000, 1250000]))],
                steps=[
                    StepSpec(order=1, kind="intake", name="Tiếp nhận", role="desk_officer", **target),
                    StepSpec(
                        order=2,
                        kind="appraisal",
                        name="Thẩm định",
                        role="handler",
                        share_value=Decimal(days - 1),
                        **target,
                    ),
                    StepSpec(order=3, kind="return", name="Trả kết quả", role="desk_officer", **target),
                ],
            ),
            valid_from=valid_from,
        )
    if Procedure.objects.count() < CATALOGUE_SIZE:
        note(f"catalogue_procedures: chỉ có {Procedure.objects.count()} thủ tục (hết tên để ghép)")


def search_path(query_text: str) -> None:
    """Our search as the results page runs it: read, match, rank, count, first page."""
    from apps.portal.catalogue.selectors import catalogue_results, with_deadlines
    from apps.procedures.search import catalogue_query

    results = catalogue_results(query=catalogue_query(query_text))
    results.count()
    for procedure in with_deadlines(list(results[:20])):
        _ = (procedure.sector.name, procedure.competent_agency_id, procedure.current_deadline_label)


def bare_search(query_text: str) -> None:
    """The engine's own full-text query on the same index, best 20 by its own score."""
    from django.db import connection

    from apps.procedures.search import search_words

    words = search_words(query_text)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " AND ".join(f'"{w}"*' for w in words)
            cursor.execute(
                "SELECT rowid FROM procedures_search WHERE procedures_search MATCH %s ORDER BY rank LIMIT 20", [match]
            )
        else:
            tsquery = " & ".join(f"{w}:*" for w in words)
            cursor.execute(
                "SELECT procedure_id FROM procedures_proceduresearchentry WHERE document @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank(document, to_tsquery('simple', %s)) DESC LIMIT 20",
                [tsquery, tsquery],
            )
        cursor.fetchall()


def per_second(func, seconds: float) -> float:
    queries = itertools.cycle(SEARCHES)
    done = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or not done:
        func(next(queries))
        done += 1
    return done / elapsed


def fetch(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


@scenario("portal.catalogue", label="danh mục TTHC công khai: trang, tìm kiếm không dấu, trọng lượng trang", order=130)
def catalogue(run: Run) -> Iterator[Figure]:
    from django.urls import reverse

    from apps.portal.catalogue.selectors import public_procedures
    from apps.procedures.models import Procedure

    total = Procedure.objects.count()
    public = public_procedures()
    procedure = public.filter(code__startswith=CODE_PREFIX).order_by("pk").first() or public.order_by("pk").first()
    if procedure is None:
        raise BenchError("portal.catalogue: không có thủ tục công khai nào.")
    search_base = reverse("portal:catalogue-search")
    pages = {
        "home": (reverse("portal:catalogue"), {}),
        "browse": (search_base, {}),
        "procedure": (reverse("portal:procedure", args=[procedure.uuid]), {}),
    }
    searches = [(f"search_{n}", f"{search_base}?q={text.replace(' ', '+')}", {}) for n, text in enumerate(SEARCHES)]
    counts = {name: query_count(path, headers)[0] for name, (path, headers) in pages.items()}
    search_counts = [query_count(path, headers)[0] for _, path, headers in searches]
    hits = {}
    for text, (_, path, headers) in zip(SEARCHES, searches, strict=True):
        body = query_count(path, headers)[1]
        found = re.search(r'<h2 id="results-title">\D*?([\d.]+)', body)
        hits[text] = found.group(1) if found else "?"

    server = run.server()
    from ..urls import BARE_PATH

    samples = sequential(server.port, {**pages, "bare_view": (BARE_PATH, {})})
    timed_gets(server.port, searches * PAGE_WARMUP)
    search_samples = timed_gets(server.port, searches * (PAGE_REQUESTS // len(SEARCHES) + 1))
    all_searches = [ms for name, _, _ in searches for ms in search_samples[name]]

    note(
        f"portal.catalogue: {total:_} thủ tục ({public.count():_} công khai), {dossier_count():_} hồ sơ; "
        f"{PAGE_REQUESTS} yêu cầu tuần tự mỗi trang, {len(all_searches)} lượt tìm qua {len(SEARCHES)} từ khóa; "
        f"số kết quả: {', '.join(f'{t!r}={n}' for t, n in hits.items())}"
    )
    yield Figure("portal.catalogue.procedures", total, "procedures")
    yield Figure("portal.catalogue.dossiers", dossier_count(), "dossiers")
    yield from page_figures("portal.catalogue.bare_view", samples["bare_view"])
    for name in pages:
        yield from page_figures(f"portal.catalogue.{name}", samples[name])
        yield Figure(f"portal.catalogue.{name}.queries", counts[name], "queries")
    yield from page_figures("portal.catalogue.search", all_searches)
    yield Figure("portal.catalogue.search.queries_max", max(search_counts), "queries")

    # The search's own cost against the engine's bare full-text query, in this process.
    ours_rates, bare_rates = [], []
    for _ in range(INPROCESS_ROUNDS):
        ours_rates.append(per_second(search_path, INPROCESS_SECONDS))
        bare_rates.append(per_second(bare_search, INPROCESS_SECONDS))
    ours, bare = median(ours_rates), median(bare_rates)
    yield Figure("portal.catalogue.search_path.queries_per_second", ours, "1/s")
    yield Figure("portal.catalogue.bare_fts.queries_per_second", bare, "1/s")
    yield Figure("portal.catalogue.search_path.ratio_vs_bare", ratio(ours, bare), "x")

    # Page weight of the procedure page: its HTML and the stylesheets it links; scripts apart.
    html = fetch(server.port, pages["procedure"][0])
    text = html.decode()
    css = [fetch(server.port, href) for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)]
    js = [fetch(server.port, src) for src in re.findall(r'<script src="([^"]+)"', text)]
    css_bytes = b"".join(css)
    kb = 1024
    yield Figure("portal.catalogue.procedure_page.html_kb", len(html) / kb, "KB")
    yield Figure("portal.catalogue.procedure_page.css_kb", len(css_bytes) / kb, "KB")
    yield Figure("portal.catalogue.procedure_page.html_css_kb", (len(html) + len(css_bytes)) / kb, "KB")
    yield Figure(
        "portal.catalogue.procedure_page.html_css_gzip_kb",
        (len(gzip.compress(html)) + sum(len(gzip.compress(c)) for c in css)) / kb,
        "KB",
    )
    yield Figure("portal.catalogue.procedure_page.js_kb", sum(len(j) for j in js) / kb, "KB")
