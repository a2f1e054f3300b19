"""`erpsync serve`: the company's deployments, served from this process, for as long as
the service runs.

With PREFECT_API_URL (or prefect.api_url) set, the deployments attach to that server.
Otherwise a local Prefect server is started for the life of the service (SQLite in the
project's Prefect home, or the PostgreSQL database named by prefect.server_database_url).
While serving, a watchdog checks the server's health; a server that stops answering ends
the service with exit 3, so a supervisor (systemd, a Windows service wrapper) restarts
it. SIGTERM or SIGINT stops the runner and then the server, within seconds and without a
traceback; if the runner's shutdown hangs (a remote server gone), it is cut short.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from erpsync.config import Settings
from erpsync.errors import ConnectionFailed
from erpsync.prefect_server import LocalPrefectServer, announce, flush_prefect_queues
from erpsync.processes import kill_descendants

__all__ = ["serve_deployments"]

log = logging.getLogger("erpsync.serve")

# How long the runner may take to cancel the runs in flight, and the whole shutdown.
_RUNNER_STOP_SECONDS = 3.0
_SHUTDOWN_SECONDS = 8.0
_HEALTH_EVERY = 15.0
_HEALTH_FAILURES = 4


def serve_deployments(
    settings: Settings,
    config: Path | None,
    *,
    host: str | None = None,
    port: int | None = None,
    paused: bool = False,
) -> int:
    """Serve until stopped; returns the exit status (0 on SIGTERM/SIGINT)."""
    api_url = os.environ.get("PREFECT_API_URL")
    if api_url:
        _require_healthy(api_url)
        return _serve(settings, config, api_url, paused=paused, pause_on_shutdown=True)
    server = LocalPrefectServer(
        settings, host or settings.prefect.server_host, port or settings.prefect.server_port
    )
    server.start()
    announced = announce(server, settings)  # the project's commands use it while it runs
    try:
        print(f"erpsync: Prefect server and UI at {server.url} (log: {server.log_path})")
        # The server stops with the service: pausing its schedules on the way out is moot.
        return _serve(
            settings, config, server.api_url, paused=paused, pause_on_shutdown=False,
            server=server,
        )  # fmt: skip
    finally:
        announced.unlink(missing_ok=True)
        server.stop(timeout=3)


def _require_healthy(api_url: str) -> None:
    try:
        ok = httpx.get(f"{api_url.rstrip('/')}/health", timeout=10).status_code == 200
    except httpx.HTTPError as exc:
        raise ConnectionFailed(f"PREFECT_API_URL {api_url}: not reachable ({exc})") from None
    if not ok:
        raise ConnectionFailed(f"PREFECT_API_URL {api_url}: /health did not answer 200")


def _serve(
    settings: Settings,
    config: Path | None,
    api_url: str,
    *,
    paused: bool,
    pause_on_shutdown: bool,
    server: LocalPrefectServer | None = None,
) -> int:
    keep = {server.pid} if server is not None and server.pid else set()

    def stop_server() -> None:
        if server is not None:
            server.stop(timeout=3)

    os.environ["PREFECT_API_URL"] = api_url
    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from deployments.alerts import ensure_automations
    from deployments.definitions import build_deployments

    status = {"code": 0}
    stop = threading.Event()

    class ServiceRunner(Runner):
        def handle_sigterm(self, *_: object) -> None:  # installed by Runner.start()
            stop.set()

    async def run(runner: ServiceRunner) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        serving = asyncio.create_task(runner.start())
        while not stop.is_set() and not serving.done():
            await asyncio.sleep(0.2)
        if serving.done():  # the runner ended on its own
            _runner_ended(serving, server, status)
        print("erpsync: stopping (runs in flight are cancelled)", file=sys.stderr)
        threading.Thread(target=_deadline, args=(status, keep, stop_server), daemon=True).start()
        # Runs in flight get SIGTERM straight away: Prefect's own cancellation loads each
        # run's flow code first (seconds). A run stopped mid-way is safe: every write is
        # idempotent and the next run carries on from the unmoved watermarks.
        kill_descendants(keep=keep, sig=signal.SIGTERM)
        # Cancelling the runner's task stops its polling and winds it down (Runner.astop
        # would cancel the runs once more, through that slow path).
        serving.cancel()
        with suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(serving, timeout=_RUNNER_STOP_SECONDS)
        kill_descendants(keep=keep)  # anything that ignored SIGTERM

    with temporary_settings({PREFECT_API_URL: api_url}):
        runner = ServiceRunner(
            name=f"erpsync-{settings.company.lower()}", pause_on_shutdown=pause_on_shutdown
        )
        for deployment in build_deployments(settings, config, paused=paused):
            runner.add_deployment(deployment)
        for name in ensure_automations(settings):
            print(f"erpsync: automation {name!r} reports to {settings.notifications.target}")
        print(f"erpsync: serving the deployments of {settings.company}; Ctrl-C or SIGTERM stops")
        sys.stdout.flush()
        with _watch(server, stop, status):
            asyncio.run(run(runner))
        flush_prefect_queues()
    return status["code"]


def _runner_ended(
    serving: asyncio.Task[None], server: LocalPrefectServer | None, status: dict[str, int]
) -> None:
    """Why the runner stopped by itself, as one line and the exit status: 3 when the
    Prefect server went away (the supervisor starts the service again), else 1."""
    error = None if serving.cancelled() else serving.exception()
    if server is not None and not server.running:
        why, code = f"the Prefect server exited ({server.exit_status})", 3
    elif isinstance(error, httpx.HTTPError | OSError):
        why, code = f"the Prefect server is not reachable ({error})", 3
    else:
        why, code = f"the runner stopped: {error!r}", 1
    print(f"erpsync: {why}; ending the service", file=sys.stderr)
    status["code"] = status["code"] or code


def _deadline(status: dict[str, int], keep: set[int], stop_server: Callable[[], None]) -> None:
    """The last resort: whatever still runs below this process is killed, the local server
    is stopped, and the service ends."""
    time.sleep(_SHUTDOWN_SECONDS)
    print("erpsync: shutdown took too long; stopping now", file=sys.stderr)
    kill_descendants(keep=keep)
    stop_server()
    os._exit(status["code"])


@contextmanager
def _watch(
    server: LocalPrefectServer | None, stop: threading.Event, status: dict[str, int]
) -> Iterator[None]:
    """A local server that exits, or stops answering, ends the service (exit 3) for its
    supervisor to start it again."""
    done = threading.Event()

    def end(why: str) -> None:
        print(f"erpsync: the Prefect server {why}; ending the service", file=sys.stderr)
        status["code"] = 3
        stop.set()

    def watch() -> None:
        assert server is not None
        failures = 0
        next_check = time.monotonic() + _HEALTH_EVERY
        while not done.wait(1.0):
            if not server.running:
                return end(f"exited ({server.exit_status})")
            if time.monotonic() < next_check:
                continue
            next_check = time.monotonic() + _HEALTH_EVERY
            failures = 0 if server.healthy() else failures + 1
            if failures >= _HEALTH_FAILURES:
                return end(f"did not answer {failures} health checks")

    if server is not None:
        threading.Thread(target=watch, name="prefect-health", daemon=True).start()
    try:
        yield
    finally:
        done.set()
