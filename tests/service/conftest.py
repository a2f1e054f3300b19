"""`erpsync serve` as a service: a real Prefect server, a real scheduler, real processes.

Each test gets a project folder with a tiny sandbox company and its own port; the
service runs as a subprocess exactly as an operator (or systemd) starts it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    root: Path
    port: int
    env: dict[str, str]
    proc: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, *args: str) -> subprocess.Popen[str]:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "erpsync.cli", "serve", "--port", str(self.port), *args],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self.proc

    def wait_api(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                _, err = self.proc.communicate()
                pytest.fail(f"erpsync serve exited {self.proc.returncode}: {err[-2000:]}")
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail(f"no Prefect API on {self.api} after {timeout}s")

    def flow_runs(self) -> list[dict[str, Any]]:
        body = {"limit": 200, "sort": "EXPECTED_START_TIME_ASC"}
        found: list[dict[str, Any]] = httpx.post(
            f"{self.api}/flow_runs/filter", json=body, timeout=10
        ).json()
        return found

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, float, str]:
        """Send `sig`; return (exit status, seconds it took, stderr)."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            pytest.fail(f"erpsync serve did not stop within {timeout}s: {err[-2000:]}")
        return self.proc.returncode, time.monotonic() - started, err


def processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes whose command line or cwd contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if text in cmdline or text in cwd:
            found.append(f"{entry.name}: {cmdline.strip()}")
    return found


@pytest.fixture()
def service(tmp_path: Path, tiny_company_file: Path) -> Iterator[Service]:
    sandbox = tmp_path / ".erpsync" / "sandbox"
    sandbox.mkdir(parents=True)
    shutil.copy(tiny_company_file, sandbox / "sage100-tiny.db")
    (tmp_path / "erpsync.toml").write_text(
        '[sandbox]\nscale = "tiny"\n[prefect]\nincremental_interval_seconds = 10\n'
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ERPSYNC_", "PREFECT_API_URL", "PREFECT_HOME"))
    }
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        # The scheduler and the runner look every 2 s instead of every 60 s and 10 s.
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    made = Service(tmp_path, free_port(), env)
    yield made
    if made.proc is not None and made.proc.poll() is None:
        made.proc.kill()
        made.proc.communicate()
    for line in processes_mentioning(str(tmp_path)):  # never leave a server behind
        os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


@pytest.fixture()
def prefect_database(postgres_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for a Prefect server, dropped afterwards."""
    name = f"prefect_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(postgres_server_url).set(drivername="postgresql+asyncpg", database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
