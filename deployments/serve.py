"""`erpsync serve`: serve the deployments from this process against a Prefect server.

With PREFECT_API_URL (or prefect.api_url) set, the deployments attach to that server.
Otherwise a local `prefect server start` is launched for the life of the command, on
SQLite in PREFECT_HOME or on the PostgreSQL database named by prefect.server_database_url.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from erpsync.config import Settings
from erpsync.errors import ConnectionFailed

__all__ = ["local_prefect_server", "serve_deployments"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_prefect_server(settings: Settings, timeout: float = 120.0) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ)
    if settings.prefect.server_database_url is not None:
        db_url = settings.prefect.server_database_url.resolve().get_secret_value()
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = db_url
    cmd = [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                tail = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")[-800:]
                raise ConnectionFailed(f"prefect server exited at start-up: {tail.strip()}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ConnectionFailed(f"prefect server did not answer on {url} in {timeout:.0f}s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve_deployments(settings: Settings, *, paused: bool = False) -> None:
    from prefect import serve

    from deployments.definitions import build_deployments

    if os.environ.get("PREFECT_API_URL"):
        serve(*build_deployments(paused=paused))
        return
    with local_prefect_server(settings) as api_url:
        os.environ["PREFECT_API_URL"] = api_url
        print(f"erpsync: Prefect server at {api_url.removesuffix('/api')}")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api_url}):
            serve(*build_deployments(paused=paused))
