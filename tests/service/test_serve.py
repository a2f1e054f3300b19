"""The ten-minute deployment, for real: the scheduler creates runs, the service runs them,
SIGTERM stops everything within seconds, bad set-ups end in one line."""

from __future__ import annotations

import os
import signal
import socket
import time

import httpx
import pytest
import sqlalchemy as sa

from erpsync.state import StateStore
from tests.service.conftest import Service, free_port, processes_mentioning


def _scheduled_runs_complete(service: Service, wanted: int, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    done: list[dict] = []
    while time.monotonic() < deadline:
        runs = service.flow_runs()
        done = [r for r in runs if r["auto_scheduled"] and r["state_type"] == "COMPLETED"]
        if len(done) >= wanted:
            return done
        time.sleep(1)
    states = sorted((r["state_type"], r["auto_scheduled"]) for r in service.flow_runs())
    pytest.fail(f"{len(done)} scheduled run(s) completed in {timeout}s; runs: {states[:20]}")


def _serve_until_two_scheduled_runs(service: Service) -> None:
    service.start()
    service.wait_api()
    # The UI served by this server asks this server's API, not 127.0.0.1:4200.
    ui = httpx.get(f"http://127.0.0.1:{service.port}/ui-settings", timeout=10).json()
    assert ui["api_url"] == service.api
    done = _scheduled_runs_complete(service, wanted=2, timeout=120)
    names = {r["deployment_id"] for r in done}
    deployments = httpx.post(f"{service.api}/deployments/filter", json={}, timeout=10).json()
    by_id = {d["id"]: d["name"] for d in deployments}
    assert {by_id[n] for n in names} == {"abc"}
    store = StateStore(f"sqlite:///{service.root / '.erpsync' / 'state.db'}", "ABC")
    ledger = {r.run_id: r.state for r in store.recent_runs(limit=50)}
    store.close()
    assert all(ledger.get(r["id"]) == "COMPLETED" for r in done), ledger

    status, seconds, err = service.stop(signal.SIGTERM)
    (service.root / "serve.err").write_text(err)
    assert status == 0, err[-3000:]
    assert seconds < 10
    assert "Traceback" not in err
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{service.api}/health", timeout=2)
    assert processes_mentioning(str(service.root)) == []


@pytest.mark.slow
def test_the_scheduler_creates_runs_the_service_runs_and_sigterm_stops(service: Service) -> None:
    _serve_until_two_scheduled_runs(service)
    log = service.root / ".erpsync" / "logs" / "prefect-server.log"
    assert log.exists()


@pytest.mark.slow
@pytest.mark.postgres
def test_the_schedule_fires_with_the_server_on_postgresql(
    service: Service, prefect_database: str
) -> None:
    service.env["ERPSYNC_PREFECT_SERVER_DB"] = prefect_database
    config = service.root / "erpsync.toml"
    config.write_text(
        config.read_text() + 'server_database_url = "env:ERPSYNC_PREFECT_SERVER_DB"\n'
    )
    _serve_until_two_scheduled_runs(service)
    engine = sa.create_engine(prefect_database.replace("+asyncpg", "+psycopg"))
    with engine.connect() as conn:
        runs = conn.execute(sa.text("SELECT count(*) FROM flow_run")).scalar_one()
    engine.dispose()
    assert runs >= 2  # the runs live in PostgreSQL, not in a SQLite file


def test_a_port_in_use_is_one_line_and_nothing_is_left_running(service: Service) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", service.port))
        taken.listen()
        proc = service.start()
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and f"127.0.0.1:{service.port} is not free" in lines[0], err
    assert processes_mentioning(str(service.root)) == []


def test_a_prefect_server_that_is_down_is_one_line(service: Service) -> None:
    service.env["PREFECT_API_URL"] = f"http://127.0.0.1:{free_port()}/api"
    proc = service.start()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 3
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "not reachable" in lines[0], err


@pytest.mark.slow
def test_a_server_that_dies_ends_the_service_with_exit_3(service: Service) -> None:
    from erpsync.processes import descendants

    proc = service.start()
    service.wait_api()
    (server,) = [
        pid
        for pid in descendants(proc.pid)
        if b"server\0start" in open(f"/proc/{pid}/cmdline", "rb").read()  # noqa: SIM115
    ]
    started = time.monotonic()
    os.kill(server, signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err[-2000:]
    assert time.monotonic() - started < 20
    assert "the Prefect server exited" in err
    assert processes_mentioning(str(service.root)) == []
