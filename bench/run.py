"""What a scenario is given: the run's options, the shared application server, the load tool."""

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from . import load
from .server import AppServer


@dataclass
class Run:
    size: int
    duration: int  # seconds of each load run
    rounds: int  # load runs per URL, interleaved across URLs; the median is reported
    data_dir: Path
    base_dir: Path
    env: dict[str, str]  # environment of child processes: bench settings, data dir, database
    load_tool: str  # "wrk" or "python", see load.choose_tool
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _server: AppServer | None = None

    def server(self) -> AppServer:
        """The application server, started on first use and shared by the scenarios of the run."""
        if self._server is None:
            from .urls import BARE_PATH  # imports the project's URLs: needs Django set up

            server = AppServer(
                env=self.env, cwd=self.base_dir, log_path=self.data_dir / "server.log", ready_path=BARE_PATH
            )
            self._server = self._stack.enter_context(server)
        return self._server

    def load(self, url: str, *, duration: int | None = None) -> load.LoadResult:
        return load.load(url, duration=self.duration if duration is None else duration, tool=self.load_tool)

    def close(self) -> None:
        self._stack.close()
