"""The sandbox process: the READY contract, start-up failures, the token command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox.platform import PlatformSandbox, SandboxStartFailed
from tests.platform.conftest import Sandbox


def test_a_child_that_dies_reports_its_stderr(tmp_path: Path) -> None:
    store = tmp_path / "missing-dir" / "platform.db"  # SQLite cannot create the file
    sandbox = PlatformSandbox(store, startup_timeout=20)
    with pytest.raises(SandboxStartFailed, match="exited with code") as caught:
        sandbox.start()
    assert "unable to open database file" in str(caught.value)
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.url
    sandbox.stop()  # harmless when nothing runs


def test_token_command_prints_a_working_token(sandbox: Sandbox) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sandbox.platform", "token", "--store", str(sandbox.store),
         "--name", "cli-test", "--role", "user"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    token = done.stdout.strip()
    assert token.startswith("psb_") and len(done.stdout.splitlines()) == 1
    response = httpx.get(
        f"{sandbox.url}/api/v1/resources", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_stop_ends_the_process(tmp_path: Path) -> None:
    with PlatformSandbox(tmp_path / "p.db") as running:
        url = running.url
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        assert httpx.get(f"{url}/api/v1/health").json() == {"status": "ok"}
        pid = running.pid
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/v1/health")
    with pytest.raises(ProcessLookupError):  # ended and reaped, not left as a zombie
        os.kill(pid, 0)


def test_the_sandbox_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from sandbox.platform import PlatformSandbox\n"
         f"s = PlatformSandbox({str(tmp_path / 'p.db')!r}).start()\n"
         "print(s.pid, flush=True)\n"
         "time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()  # no chance to clean up
    parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not _alive(child):
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)  # do not leave it behind for the rest of the session
    pytest.fail("the sandbox kept running after its parent was killed")


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for an init that may never reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
