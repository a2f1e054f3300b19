"""The two commands of the README's promise, run as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.flows.test_seed_and_sync import STEP_NAMES


def _erpsync(
    project: Path, *args: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
    env.update(env_extra or {})
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

    # A dry run says so: in its own output (table and JSON) and in the history.
    dry = _erpsync(tmp_path, "sync", "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "(dry run)" in dry.stdout.splitlines()[0], dry.stdout[:300]
    history = _erpsync(tmp_path, "history", "--json", "--limit", "2")
    latest, before = json.loads(history.stdout)["runs"]
    assert (latest["dry_run"], before["dry_run"]) == (True, False)
    assert json.loads(sync.stdout)["runs"][0]["dry_run"] is False


def test_seed_uses_the_company_sandbox_init_made_and_shows_its_progress(tmp_path: Path) -> None:
    # No configuration names a scale: `sandbox init --scale` decides which company is used.
    made = _erpsync(tmp_path, "sandbox", "init", "--scale", "tiny")
    assert made.returncode == 0 and "(tiny, seed 42)" in made.stdout, made.stderr
    lines = {"ERPSYNC_PROGRESS": "lines", "ERPSYNC_PROGRESS_INTERVAL": "0"}
    seed = _erpsync(tmp_path, "seed", "--json", env_extra=lines)
    assert seed.returncode == 0, seed.stderr[-3000:]
    assert "creating the" not in seed.stderr  # the tiny company, not a new small one
    (run,) = json.loads(seed.stdout)["runs"]  # progress is on stderr only
    items = next(s for s in run["steps"] if s["step"] == 10)["read"]
    # Not a terminal: plain lines, with the count the seed made first and an ETA.
    progress = [ln for ln in seed.stderr.splitlines() if ln.startswith("step 10 Download Items")]
    assert progress and all(f"of {items:,} records" in ln for ln in progress), progress
    assert any("ETA" in ln for ln in progress), progress
    assert progress[-1].endswith(": done"), progress
