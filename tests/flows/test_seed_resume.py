"""A seed killed part-way and started again ends exactly like an uninterrupted one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors.platform.resources import RESOURCES


def _project(root: Path, company: Path) -> Path:
    sandbox = root / ".erpsync" / "sandbox"
    sandbox.mkdir(parents=True)
    shutil.copy(company, sandbox / "sage100-small.db")
    (root / "erpsync.toml").write_text('[sandbox]\nscale = "small"\n')
    return root


def _env() -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    return env


def _seed(project: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "erpsync.cli", "seed", "--json"],
        cwd=project, env=_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    runs: list[dict[str, object]] = json.loads(done.stdout)["runs"]
    return runs[0]


def _completed_steps(project: Path) -> set[int]:
    state = project / ".erpsync" / "state.db"
    if not state.exists():
        return set()
    try:
        with sqlite3.connect(state, timeout=1) as conn:
            rows = conn.execute("SELECT step FROM run_step WHERE state = 'COMPLETED'").fetchall()
    except sqlite3.OperationalError:
        return set()
    return {r[0] for r in rows}


def _platform_content(project: Path) -> dict[str, set[tuple[str | None, str]]]:
    store = project / ".erpsync" / "sandbox" / "platform.db"
    out = {}
    with sqlite3.connect(store) as conn:
        for name in RESOURCES:
            rows = conn.execute(f"SELECT natural_key, data FROM r_{name}").fetchall()
            out[name] = {(k, d) for k, d in rows}
    return out


@pytest.fixture(scope="module")
def small_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sandbox.sage100 import generate

    path = tmp_path_factory.mktemp("small") / "sage100-small.db"
    generate(f"sqlite:///{path}", scale="small", seed=3)
    return path


def test_a_killed_seed_resumes_where_it_stopped(tmp_path: Path, small_company: Path) -> None:
    whole = _project(tmp_path / "whole", small_company)
    broken = _project(tmp_path / "broken", small_company)
    _seed(whole)

    proc = subprocess.Popen(
        [sys.executable, "-m", "erpsync.cli", "seed"],
        cwd=broken, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while 16 not in _completed_steps(broken):
        assert proc.poll() is None, "the seed ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and the platform sandbox it runs
    proc.wait()
    done_before = _completed_steps(broken)
    assert 16 in done_before and 22 not in done_before

    resumed = _seed(broken)
    steps = {s["step"]: s for s in resumed["steps"]}  # type: ignore[index, union-attr]
    for n in done_before:
        assert steps[n]["state"] == "SKIPPED"
        assert str(steps[n]["message"]).startswith("done in interrupted run")
    assert steps[22]["state"] == "COMPLETED"
    assert _platform_content(broken) == _platform_content(whole)

    # Prefect no longer shows the killed run Running: the resumed run, holding the lease,
    # found it in the ledger and marked it crashed there too.
    from prefect.client.orchestration import get_client

    with sqlite3.connect(broken / ".erpsync" / "state.db") as conn:
        states = dict(conn.execute("SELECT run_id, state FROM run").fetchall())
    (killed,) = [run_id for run_id, state in states.items() if state == "CRASHED"]
    with get_client(sync_client=True) as client:
        found = client.read_flow_run(killed)  # type: ignore[arg-type]
    assert found.state is not None and found.state.type.value == "CRASHED", found.state
