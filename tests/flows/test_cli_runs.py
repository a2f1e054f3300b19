"""The two commands of the README's promise, run as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.flows.test_seed_and_sync import STEP_NAMES


def _erpsync(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())  # the session's test server
    return subprocess.run(
        [sys.executable, "-m", "erpsync.cli", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_then_sync_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "erpsync.toml").write_text('[sandbox]\nscale = "tiny"\n')
    demo = _erpsync(tmp_path, "demo", "--json")
    assert demo.returncode == 0, demo.stderr[-3000:]
    runs = json.loads(demo.stdout)["runs"]
    assert [r["flow"] for r in runs] == ["initial-seed", "incremental-sync"]
    seed_steps = runs[0]["steps"]
    assert [s["name"] for s in seed_steps][:12] == STEP_NAMES
    assert [s["step"] for s in seed_steps] == sorted(s["step"] for s in seed_steps)
    assert all(s["written"] > 0 for s in seed_steps[:12])
    assert all(
        set(s)
        >= {
            "step",
            "name",
            "entity",
            "direction",
            "state",
            "read",
            "changed",
            "written",
            "unchanged",
            "quarantined",
            "failed",
            "seconds",
        }
        for s in seed_steps
    )
    sync = _erpsync(tmp_path, "sync", "--json")
    assert sync.returncode == 0, sync.stderr[-3000:]
    (run,) = json.loads(sync.stdout)["runs"]
    assert run["state"] == "COMPLETED"
    assert sum(s["written"] for s in run["steps"]) == 0

    history = _erpsync(tmp_path, "history", "--json")
    flows = [r["flow"] for r in json.loads(history.stdout)["runs"]]
    assert flows == ["incremental-sync", "incremental-sync", "initial-seed"]
