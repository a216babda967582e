"""Load one URL with CONNECTIONS concurrent keep-alive clients: wrk, or Python when wrk is missing."""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import BenchError

CONNECTIONS = 20
WRK_THREADS = 2


@dataclass(frozen=True)
class LoadResult:
    requests: int
    rps: float
    latency_ms: dict[int, float]  # percentile → milliseconds: 50, 75, 90, 99


def wrk_path() -> str | None:
    return shutil.which("wrk")


def choose_tool(wanted: str) -> str:
    """``wrk`` or ``python`` for ``wanted`` in auto/wrk/python; auto falls back to Python without wrk."""
    if wanted == "python" or (wanted == "auto" and not wrk_path()):
        return "python"
    if not wrk_path():
        raise BenchError("không tìm thấy wrk (cài bằng: apt-get install -y wrk).")
    return "wrk"


def load(url: str, *, duration: int, tool: str) -> LoadResult:
    if tool == "wrk":
        return load_wrk(url, duration=duration)
    return load_python(url, duration=duration)


# --- wrk ------------------------------------------------------------------------------------
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: (.*)")


def load_wrk(url: str, *, duration: int) -> LoadResult:
    command = [wrk_path(), f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk thất bại (mã {done.returncode}) với {url}:\n{done.stderr or done.stdout}")
    return parse_wrk(done.stdout, url)


def parse_wrk(output: str, url: str) -> LoadResult:
    if match := _NON_2XX.search(output):
        raise BenchError(f"{url} trả về {match.group(1)} phản hồi lỗi (không phải 2xx/3xx) khi đo:\n{output}")
    if match := _SOCKET_ERRORS.search(output):
        # A few timeouts under load are a figure, not a failure; lost connections are.
        counts = dict(re.findall(r"(\w+) (\d+)", match.group(1)))
        if any(int(counts.get(kind, 0)) for kind in ("connect", "read", "write")):
            raise BenchError(f"wrk gặp lỗi kết nối với {url}: {match.group(1)}")
    rps, total = _RPS.search(output), _TOTAL.search(output)
    if not rps or not total or int(total.group(1)) == 0:
        raise BenchError(f"không đọc được kết quả wrk cho {url}:\n{output}")
    latency = {round(float(p)): float(v) * _UNIT_MS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if not {50, 75, 90, 99} <= latency.keys():
        raise BenchError(f"không đọc được phân bố độ trễ trong kết quả wrk cho {url}:\n{output}")
    return LoadResult(requests=int(total.group(1)), rps=float(rps.group(1)), latency_ms=latency)


# --- Python fallback ------------------------------------------------------------------------
def load_python(url: str, *, duration: int) -> LoadResult:
    """CONNECTIONS threads, each a keep-alive http.client connection; slower than wrk (GIL)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    deadline = time.perf_counter() + duration
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    errors: list[str] = []

    def client(samples: list[float]) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            while (started := time.perf_counter()) < deadline:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors.append(f"HTTP {response.status}")
                    return
                samples.append(time.perf_counter() - started)
        except OSError as error:
            errors.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(samples,), daemon=True) for samples in latencies]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise BenchError(f"{url} lỗi khi đo: {errors[0]} ({len(errors)} máy khách)")
    samples = sorted(s for per_client in latencies for s in per_client)
    if not samples:
        raise BenchError(f"không có yêu cầu nào tới {url} hoàn tất")
    latency = {p: samples[min(len(samples) - 1, int(len(samples) * p / 100))] * 1000 for p in (50, 75, 90, 99)}
    return LoadResult(requests=len(samples), rps=len(samples) / elapsed, latency_ms=latency)
