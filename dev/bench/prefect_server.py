"""One Prefect server for the whole benchmark, its start-up timed on its own.

Every measured engine run talks to it through PREFECT_API_URL, so no run pays for a
temporary server, and the server's start-up (a fresh database, migrations, the API ready
for a health check) is a figure of its own. Its memory is not the engine's and is not
measured.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

__all__ = ["PrefectServer", "prefect_env"]


def prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The environment a process of the benchmark runs Prefect with."""
    env = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "erpsync",
    }
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class PrefectServer:
    def __init__(self, home: Path, *, host: str = "127.0.0.1", timeout: float = 180) -> None:
        self.home = home
        self.host = host
        self.timeout = timeout
        self.port = 0
        self.startup_seconds = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    def start(self) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        self.port = _free_port(self.host)
        env = {**os.environ, **prefect_env(self.home), "PREFECT_UI_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        cmd = [sys.executable, "-m", "prefect", "server", "start"]
        cmd += ["--host", self.host, "--port", str(self.port)]
        started = time.perf_counter()
        # Its own session, so stop() can end the server and anything it spawned together.
        self._proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_healthy(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def _wait_healthy(self, started: float) -> None:
        assert self._proc is not None
        with httpx.Client(timeout=2) as client:
            while True:
                if self._proc.poll() is not None:
                    raise RuntimeError(f"the Prefect server exited early:\n{self._log_tail()}")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.perf_counter() - started > self.timeout:
                    raise RuntimeError(
                        f"the Prefect server did not answer within {self.timeout:g}s:\n"
                        f"{self._log_tail()}"
                    )
                time.sleep(0.1)

    def _log_tail(self, lines: int = 20) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return "\n".join(self._log.read().decode(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group this class created, no other
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> PrefectServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
