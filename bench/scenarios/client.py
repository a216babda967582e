"""Time per request of pages through Django's test client, in process: no server, no network.

Cheap and quick (a few seconds), so ``--only client --size 5`` serves as a smoke test of the
harness; the figures isolate what Django and the view cost from what the server adds.
"""

import time
from collections.abc import Callable, Iterator

from ..errors import BenchError
from ..figures import Figure, median, note, ratio
from ..run import Run
from . import scenario

ROUNDS = 3
SECONDS_PER_ROUND = 0.5


def time_per_call(call: Callable[[], None], *, seconds: float) -> float:
    """Mean seconds per call over at least ``seconds`` of calls."""
    calls = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or calls == 0:
        call()
        calls += 1
    return elapsed / calls


@scenario("client", label="trang đăng nhập so với view trống, qua Django test client", order=10)
def login_page_vs_bare(run: Run) -> Iterator[Figure]:
    from django.test import Client
    from django.urls import reverse

    from ..urls import BARE_PATH

    client = Client(SERVER_NAME="127.0.0.1")
    paths = {"bare_view": BARE_PATH, "login_page": reverse("accounts:login")}

    def get(path: str) -> Callable[[], None]:
        def call() -> None:
            client.cookies.clear()  # each request a first visit, as under wrk
            response = client.get(path)
            if response.status_code != 200:
                raise BenchError(f"{path} trả về HTTP {response.status_code} thay vì 200 (test client).")

        return call

    calls = {name: get(path) for name, path in paths.items()}
    for call in calls.values():
        call()  # warm up: template loading, URL resolver, first queries
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            samples[name].append(time_per_call(call, seconds=SECONDS_PER_ROUND))
    note(f"client: {ROUNDS} vòng × {SECONDS_PER_ROUND:g} s mỗi trang, trong tiến trình")
    per_request_us = {name: median(values) * 1e6 for name, values in samples.items()}
    yield Figure("client.bare_view.time_per_request", per_request_us["bare_view"], "us")
    yield Figure("client.login_page.time_per_request", per_request_us["login_page"], "us")
    # Throughput ratio, like every ``ratio_vs_bare``: the inverse of the time ratio.
    yield Figure(
        "client.login_page.ratio_vs_bare", ratio(per_request_us["bare_view"], per_request_us["login_page"]), "x"
    )
