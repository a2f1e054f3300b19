"""A command stopped from outside ends cleanly: one line, exit 130, its run closed in the
ledger, and nothing it started (the platform sandbox, a Prefect server) left running."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.service.conftest import processes_mentioning


def _running(state: Path) -> bool:
    if not state.exists():
        return False
    try:
        with sqlite3.connect(state, timeout=1) as conn:
            return bool(conn.execute("SELECT 1 FROM run WHERE state = 'RUNNING'").fetchall())
    except sqlite3.OperationalError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_seed_stopped_mid_way_ends_with_one_line(
    tmp_path: Path, tiny_company_file: Path, sig: int
) -> None:
    import shutil

    sandbox = tmp_path / ".erpsync" / "sandbox"
    sandbox.mkdir(parents=True)
    shutil.copy(tiny_company_file, sandbox / "sage100-tiny.db")
    (tmp_path / "erpsync.toml").write_text('[sandbox]\nscale = "tiny"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERPSYNC_", "PREFECT_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "erpsync.cli", "seed"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    state = tmp_path / ".erpsync" / "state.db"
    deadline = time.monotonic() + 120
    while not _running(state):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "erpsync: interrupted"
    with sqlite3.connect(state) as conn:
        (ended,) = conn.execute("SELECT state, message FROM run").fetchall()
    assert ended[0] == "CRASHED" and "stopped" in ended[1]
    assert processes_mentioning(str(tmp_path)) == []
