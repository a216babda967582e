"""The real application server (granian, WSGI, two workers) on a free port of 127.0.0.1."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .errors import BenchError
from .figures import note

WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``egov.wsgi:application`` under granian, with the bench settings; a context manager."""

    def __init__(self, *, env: dict[str, str], cwd: Path, log_path: Path, ready_path: str):
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.ready_path = ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "AppServer":
        command = [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--workers", str(WORKERS),
            "--working-dir", str(self.cwd),
            "egov.wsgi:application",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            # A session of its own: the workers are stopped with the group, and Ctrl-C in the
            # terminal reaches the bench, which then stops the server in order.
            self.process = subprocess.Popen(
                command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready(timeout=60)
        except BaseException:
            self.stop()
            raise
        note(f"máy chủ granian ({WORKERS} worker) đang chạy trên 127.0.0.1:{self.port}, nhật ký {self.log_path}")
        return self

    def _wait_ready(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"granian dừng với mã {self.process.returncode} khi khởi động.\n{self.log_tail()}")
            try:
                status = get_status(self.url(self.ready_path))
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchError(f"{self.ready_path} trả về HTTP {status} khi khởi động.\n{self.log_tail()}")
        raise BenchError(f"granian không trả lời sau {timeout:.0f} s.\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid  # the session leader: its pid is the group id
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait()
        # Workers left behind by a crashed main process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def get_status(url: str, timeout: float = 5) -> int:
    """GET ``url`` once and return the status code."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", "/" + path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
