"""The production layout, run as far as these machines allow: a Prefect server on
PostgreSQL, the state on PostgreSQL, `prefect deploy` of deployments/prefect.yaml, two
process workers on two pools, and one sync whose ERP writes run on the other pool."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from erpsync.config import load_settings
from tests.service.conftest import free_port, processes_mentioning

ROOT = Path(__file__).resolve().parents[2]
POOLS = ("erpsync-sync", "erpsync-erp")


def _run(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


@pytest.fixture()
def production(
    tmp_path: Path, tiny_company_file: Path, prefect_database: str, postgres_schema_url: str
) -> Iterator[dict[str, Any]]:
    from erpsync.prefect_server import LocalPrefectServer
    from sandbox.platform import PlatformSandbox, issue_token

    company = tmp_path / "sage100-abc.db"
    shutil.copy(tiny_company_file, company)
    config = tmp_path / "abc.toml"
    config.write_text(
        f'[erp]\nurl = "sqlite:///{company}"\ncompany = "ABC"\n'
        '[state]\nurl = "env:ERPSYNC_TEST_STATE_URL"\n'
        '[prefect]\nerp_write_deployment = "erp-writes/abc"\nerp_write_timeout_seconds = 240\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERPSYNC_", "PREFECT_"))}
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        ERPSYNC_PREFECT_DB=prefect_database,
        ERPSYNC_TEST_STATE_URL=postgres_schema_url,
        ERPSYNC_CONFIG=str(config),
        ERPSYNC_ERP_CONFIG=str(config),
        PREFECT_WORKER_QUERY_SECONDS="2",
    )
    settings = load_settings(
        config, prefect__server_database_url="env:ERPSYNC_PREFECT_DB", prefect__home=str(tmp_path)
    )
    os.environ["ERPSYNC_PREFECT_DB"] = prefect_database
    server = LocalPrefectServer(settings, "127.0.0.1", free_port())
    store = tmp_path / "platform.db"
    token = issue_token(store, "engine", role="integration")
    workers: list[subprocess.Popen[str]] = []
    try:
        server.start()
        env["PREFECT_API_URL"] = server.api_url
        with PlatformSandbox(store) as platform:
            env.update(ERPSYNC_PLATFORM__URL=platform.url, ERPSYNC_PLATFORM_TOKEN=token)
            yield {"env": env, "server": server, "workers": workers, "root": tmp_path}
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.stop()
        os.environ.pop("ERPSYNC_PREFECT_DB", None)


def _flow_runs(api: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = httpx.post(
        f"{api}/flow_runs/filter", json={"limit": 50}, timeout=10
    ).json()
    return runs


@pytest.mark.slow
@pytest.mark.postgres
def test_a_sync_on_one_pool_hands_its_erp_writes_to_the_other(production: dict[str, Any]) -> None:
    env, server = production["env"], production["server"]
    api = server.api_url
    for pool in POOLS:
        made = _run(env, "prefect", "work-pool", "create", pool, "--type", "process")
        assert made.returncode == 0, made.stdout + made.stderr
    # A worker on a pool without erpsync deployments says so and stops.
    wrong = _run(env, "erpsync.cli", "worker", "--pool", "erpsync-sync")
    assert wrong.returncode == 2 and "has no erpsync deployments" in wrong.stderr, wrong.stderr
    deployed = _run(
        env, "prefect", "--no-prompt", "deploy", "--prefect-file", "deployments/prefect.yaml",
        "--all",
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    missing = _run(env, "erpsync.cli", "worker", "--pool", "erpsync-snyc")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "erpsync-sync" in missing.stderr

    for pool in POOLS:
        production["workers"].append(
            subprocess.Popen(
                [sys.executable, "-m", "erpsync.cli", "worker", "--pool", pool],
                cwd=production["root"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        )
    deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {(d["name"], d["work_pool_name"]): d for d in deployments if "erpsync" in d["tags"]}
    assert {(n, p) for n, p in by_name} == {("abc", "erpsync-sync"), ("abc", "erpsync-erp")}
    flows = {f["id"]: f["name"] for f in httpx.post(f"{api}/flows/filter", json={}).json()}
    sync = next(d for d in deployments if flows[d["flow_id"]] == "incremental-sync")
    run = httpx.post(f"{api}/deployments/{sync['id']}/create_flow_run", json={}).json()

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state"]
        if state and state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            break
        time.sleep(2)
    assert state["type"] == "COMPLETED", state

    runs = _flow_runs(api)
    writes = [r for r in runs if flows[r["flow_id"]] == "erp-writes"]
    # steps 13-15, 21 and 23 in three groups: one write run per group, all on the ERP pool
    assert len(writes) == 3 and {r["work_pool_name"] for r in writes} == {"erpsync-erp"}
    assert all(r["state_type"] == "COMPLETED" for r in writes)
    assert {r["parameters"]["parent_run_id"] for r in writes} == {run["id"]}

    os.environ["ERPSYNC_TEST_STATE_URL"] = env["ERPSYNC_TEST_STATE_URL"]
    try:
        store = load_settings(env["ERPSYNC_CONFIG"]).state_store()
    finally:
        os.environ.pop("ERPSYNC_TEST_STATE_URL")
    summary = store.run_summary(run["id"])
    store.close()
    assert summary is not None and summary.state == "COMPLETED", summary
    steps = {s.step: s.state for s in summary.steps}
    assert set(steps) == set(range(1, 24)) and {steps[n] for n in (13, 14, 15, 21, 23)} == {
        "COMPLETED"
    }
    assert not processes_mentioning("erpsync-snyc")
