"""Requests per second and latency of pages through the real server, against the bare view."""

from collections.abc import Iterator

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..load import CONNECTIONS, LoadResult
from ..run import Run
from ..server import get_status
from . import scenario

PERCENTILES = (50, 90, 99)  # of what wrk --latency prints (50, 75, 90, 99)
WARMUP_SECONDS = 2


def measure_interleaved(run: Run, urls: dict[str, str]) -> dict[str, list[LoadResult]]:
    """Load each URL ``run.rounds`` times in turn (a, b, a, b, ...), so drift hits all alike."""
    for name, url in urls.items():
        status = get_status(url)
        if status != 200:
            raise BenchError(f"{name} ({url}) trả về HTTP {status} thay vì 200.")
        run.load(url, duration=WARMUP_SECONDS)
    results: dict[str, list[LoadResult]] = {name: [] for name in urls}
    for round_no in range(1, run.rounds + 1):
        for name, url in urls.items():
            result = run.load(url)
            results[name].append(result)
            note(
                f"http vòng {round_no}/{run.rounds} {name}: {result.rps:.1f} req/s, p50 {result.latency_ms[50]:.2f} ms"
            )
    return results


def figures(name: str, results: list[LoadResult]) -> Iterator[Figure]:
    yield Figure(f"http.{name}.rps", median([r.rps for r in results]), "req/s")
    for p in PERCENTILES:
        yield Figure(f"http.{name}.latency_p{p}", median([r.latency_ms[p] for r in results]), "ms")


@scenario("http", label="trang đăng nhập so với view trống, qua granian", order=100)
def login_page_vs_bare(run: Run) -> Iterator[Figure]:
    from django.urls import reverse

    from ..urls import BARE_PATH

    server = run.server()
    tool = "wrk" if run.load_tool == "wrk" else "Python (số tuyệt đối thấp hơn wrk, không so với lượt chạy bằng wrk)"
    note(f"http: {CONNECTIONS} kết nối đồng thời, {run.rounds} vòng × {run.duration:g} s mỗi URL, công cụ {tool}")
    urls = {"bare_view": server.url(BARE_PATH), "login_page": server.url(reverse("accounts:login"))}
    results = measure_interleaved(run, urls)
    yield from figures("bare_view", results["bare_view"])
    yield from figures("login_page", results["login_page"])
    bare_rps = median([r.rps for r in results["bare_view"]])
    yield Figure("http.login_page.ratio_vs_bare", ratio(median([r.rps for r in results["login_page"]]), bare_rps), "x")
