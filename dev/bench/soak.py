"""`make soak` (python -m bench.soak): `erpsync serve` for a long while, as in production.

Serves a small sandbox company with a short incremental interval (1 minute by default)
on its own local Prefect server for `--minutes` (30 by default), changes the ERP now and
then so runs have work, and reports: runs the scheduler created vs. runs that completed
(and any that failed, crashed or never started), the server's and the service's RSS and
open file descriptors at the start and the end, and whether SIGTERM stopped it all.
Exits non-zero when a due scheduled run did not complete or the service hung.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.companies import ROOT, company
from erpsync.processes import descendants

__all__ = ["main"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proc_figures(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return {"rss_kib": rss, "open_fds": len(os.listdir(f"/proc/{pid}/fd"))}


def _server_pid(service: int) -> int:
    for pid in descendants(service):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"server" in cmdline and b"start" in cmdline:
            return pid
    raise RuntimeError("no Prefect server process below the service")


def _runs(api: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = {"limit": 200, "offset": offset, "sort": "ID_DESC"}
        page = httpx.post(f"{api}/flow_runs/filter", json=body, timeout=30).json()
        found.extend(page)
        if len(page) < 200:
            return found
        offset += 200


def _snapshot(service: int, server: int) -> dict[str, Any]:
    return {"service": _proc_figures(service), "server": _proc_figures(server)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--interval", type=int, default=60, help="incremental interval, seconds")
    p.add_argument("--scale", default="small")
    p.add_argument("--edit-every", type=float, default=5.0, help="minutes between ERP edits")
    args = p.parse_args(argv)

    work = ROOT / ".erpsync" / "soak" / datetime.now().strftime("%Y%m%dT%H%M%S")
    sandbox = work / ".erpsync" / "sandbox"
    sandbox.mkdir(parents=True)
    source = company(args.scale)
    shutil.copy(source.path, sandbox / f"sage100-{args.scale}.db")
    port = _free_port()
    (work / "erpsync.toml").write_text(
        f'[sandbox]\nscale = "{args.scale}"\n[prefect]\n'
        f"incremental_interval_seconds = {args.interval}\nserver_port = {port}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERPSYNC_", "PREFECT_"))}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    log = (work / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "erpsync.cli", "serve"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        proc.kill()
        print(f"soak: the service did not come up; see {work / 'serve.log'}", file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    server = _server_pid(proc.pid)
    first = _snapshot(proc.pid, server)
    print(f"soak: serving {args.scale} every {args.interval}s for {args.minutes:g} min in {work}")
    from sandbox.sage100 import simulate_erp

    end = time.monotonic() + args.minutes * 60
    next_edit = time.monotonic() + args.edit_every * 60
    edits = 0
    try:
        while time.monotonic() < end:
            time.sleep(min(15.0, max(0.0, end - time.monotonic())))
            if proc.poll() is not None:
                print(f"soak: the service exited early ({proc.returncode})", file=sys.stderr)
                return 2
            if time.monotonic() >= next_edit:
                simulate_erp(f"sqlite:///{sandbox / f'sage100-{args.scale}.db'}", items=5,
                             quantities=5, seed=edits)  # fmt: skip
                edits += 1
                next_edit += args.edit_every * 60
                done = sum(r["state_type"] == "COMPLETED" for r in _runs(api))
                print(f"soak: {edits} ERP edit round(s), {done} run(s) completed", flush=True)
        # Let the run due at the end finish before counting.
        time.sleep(min(args.interval, 90))
        last = _snapshot(proc.pid, server)
        runs = _runs(api)
    except BaseException:
        proc.kill()
        raise
    cutoff = datetime.now(UTC) - timedelta(seconds=args.interval + 60)
    due = [
        r for r in runs
        if r["auto_scheduled"] and r["expected_start_time"]
        and started <= datetime.fromisoformat(r["expected_start_time"]) <= cutoff
    ]  # fmt: skip
    states = Counter(r["state_type"] for r in due)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
    stop_seconds = time.monotonic() - t0
    left = [pid for pid in (server,) if Path(f"/proc/{pid}").exists()]
    report = {
        "minutes": args.minutes,
        "interval_seconds": args.interval,
        "erp_edits": edits,
        "runs_scheduled_and_due": len(due),
        "runs_by_state": dict(states),
        "completed": states.get("COMPLETED", 0),
        "start": first,
        "end": last,
        "server_rss_growth_kib": last["server"]["rss_kib"] - first["server"]["rss_kib"],
        "sigterm_exit": code,
        "sigterm_seconds": round(stop_seconds, 2),
        "left_running": left,
        "work": str(work),
    }
    out = work / "soak.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    ok = due and states.get("COMPLETED", 0) == len(due) and code == 0 and not left
    print(f"soak: {'PASS' if ok else 'FAIL'} (figures in {out})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
