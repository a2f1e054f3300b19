"""The local Prefect server erpsync runs when no PREFECT_API_URL is given: for the life of
`erpsync serve`, or of one command (`erpsync sync` and the others).

A service, not a convenience: it listens where it is told (prefect.server_host/port,
--host/--port), its UI talks to its own API, its output is drained line by line into a
rotating log file under the project's home (a pipe nobody reads blocks the server once
its buffer fills, which hung the first `erpsync serve` after about 20 minutes), it dies
with its parent, and it stops within seconds.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO

import httpx

from erpsync.config import Settings
from erpsync.errors import ConfigError, ConnectionFailed
from erpsync.processes import child_kwargs, stop_process_group

__all__ = ["LocalPrefectServer", "announce", "flush_prefect_queues", "prefect_api"]

_LOG_BYTES = 10 * 1024 * 1024
_LOG_BACKUPS = 5


class LocalPrefectServer:
    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self.host, self.port = host, port
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{port}"
        self.api_url = f"{self.url}/api"
        self.log_path = settings.path(".erpsync/logs/prefect-server.log")
        self._settings = settings
        self._proc: subprocess.Popen[bytes] | None = None
        self._drain: threading.Thread | None = None

    # --- start -------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> None:
        self._check_port()
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)
        env.update(
            PREFECT_SERVER_API_HOST=self.host,
            PREFECT_SERVER_API_PORT=str(self.port),
            # The UI in a browser asks this address for the API, not 127.0.0.1:4200.
            PREFECT_UI_API_URL=self.api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
        )
        database = self._settings.prefect.server_database_url
        if database is not None:
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database.resolve().get_secret_value()
        cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", self.host,
               "--port", str(self.port)]  # fmt: skip
        self._proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **child_kwargs(),
        )
        self._drain = threading.Thread(
            target=_drain_to_file, args=(self._proc.stdout, self.log_path),
            name="prefect-server-log", daemon=True,
        )  # fmt: skip
        self._drain.start()
        self._wait_healthy(timeout)

    def _check_port(self) -> None:
        try:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                # As the server will: a port held only by closed connections is free.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((self.host, self.port))
        except OSError as exc:
            raise ConfigError(
                f"prefect.server_port: {self.host}:{self.port} is not free ({exc.strerror}); "
                "choose another with --port, or point PREFECT_API_URL at the server there"
            ) from None

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise ConnectionFailed(
                    f"the Prefect server exited at start-up (exit {self._proc.returncode}); "
                    f"see {self.log_path}"
                )
            if self.healthy(timeout=2):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise ConnectionFailed(
                    f"the Prefect server did not answer on {self.api_url} in {timeout:.0f}s; "
                    f"see {self.log_path}"
                )
            time.sleep(0.5)

    # --- while it runs ------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def exit_status(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def healthy(self, timeout: float = 5.0) -> bool:
        try:
            return httpx.get(f"{self.api_url}/health", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    # --- stop ----------------------------------------------------------------------------
    def stop(self, timeout: float = 8.0) -> None:
        if self._proc is not None:
            stop_process_group(self._proc, timeout=timeout)
        if self._drain is not None:
            self._drain.join(timeout=2)


def _drain_to_file(stream: IO[bytes] | None, path: Path) -> None:
    """Copy the server's output into a rotating log until the server closes it."""
    if stream is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=_LOG_BYTES, backupCount=_LOG_BACKUPS)
    handler.setFormatter(logging.Formatter("%(message)s"))
    record = logging.LogRecord("prefect-server", logging.INFO, "", 0, "", None, None)
    try:
        for raw in iter(stream.readline, b""):
            record.msg = raw.decode(errors="replace").rstrip("\n")
            handler.emit(record)
    finally:
        handler.close()


def _announce_path(settings: Settings) -> Path:
    return settings.prefect_home / "erpsync-server.json"


def announce(server: LocalPrefectServer, settings: Settings) -> Path:
    """Tell the project's other commands where this long-running server is."""
    path = _announce_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"api_url": server.api_url, "pid": server.pid}))
    return path


def _announced(settings: Settings) -> str | None:
    """The API of the project's `erpsync serve` server, when one is up and answering."""
    path = _announce_path(settings)
    try:
        found = json.loads(path.read_text())
        os.kill(int(found["pid"]), 0)
        api = str(found["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        ok = httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return None
    return api if ok else None


@contextmanager
def prefect_api(settings: Settings) -> Iterator[str]:
    """A Prefect API for one command: PREFECT_API_URL when set; else the project's running
    `erpsync serve` server; else a local server started for the command (on a free port,
    dying with it: Prefect's own temporary server outlives a killed command)."""
    given = os.environ.get("PREFECT_API_URL")
    if given:
        yield given
        return
    api = _announced(settings)
    server: LocalPrefectServer | None = None
    if api is None:
        server = LocalPrefectServer(settings, "127.0.0.1", _free_port())
        server.start()
        api = server.api_url
    os.environ["PREFECT_API_URL"] = api
    try:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api}):
            try:
                yield api
            finally:
                if server is not None:
                    flush_prefect_queues()
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        if server is not None:
            server.stop(timeout=3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def flush_prefect_queues(timeout: float = 2.0) -> None:
    """Send the logs and events still queued while the server is up: Prefect otherwise
    sends them at interpreter exit, after a local server has gone, and retries there."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        with suppress(Exception):
            service.drain_all(timeout=timeout)
