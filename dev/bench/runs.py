"""Running the engine as an operator does, in a subprocess the benchmark can measure.

A `Workspace` is one project folder: a copy of a cached company, an empty state database,
a platform sandbox store with an integration token, and an erpsync.toml wiring them. The
platform sandbox runs as its own process (`Workspace.platform()`), and each engine
command runs as another (`Workspace.run`), so the engine's memory high-water mark
(ru_maxrss from wait4) and the sandbox's (VmHWM) are read separately, and the Prefect
server's is in neither.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.companies import CODE, Company
from bench.memory import maxrss_bytes, vm_hwm_bytes
from bench.prefect_server import prefect_env

__all__ = ["EngineRun", "PlatformProcess", "Workspace"]

_TOKEN_ENV = "ERPSYNC_PLATFORM_TOKEN"


@dataclass
class EngineRun:
    """One `erpsync <command> --json` process and what its run ledger says."""

    command: list[str]
    returncode: int
    process_seconds: float  # the subprocess, start to exit
    peak_rss_bytes: int  # the engine process's high-water mark
    run: dict[str, Any]  # the ledger entry (RunSummary.as_json), {} if the command failed
    # ERP statements per table, per SQLAlchemy engine the process opened (creation order)
    erp_engines: list[dict[str, int]]
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.run.get("state") == "COMPLETED"

    @property
    def flow_seconds(self) -> float:
        """The flow run's own time, from the ledger: started to finished."""
        start, end = self.run.get("started_at"), self.run.get("finished_at")
        if not start or not end:
            return float("nan")
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.run.get("steps") or [])

    @property
    def io(self) -> dict[str, Any]:
        return dict(self.run.get("io") or {})

    @property
    def erp_queries_by_table(self) -> dict[str, int]:
        """The run's own reader: the engine whose count is the ledger's erp_queries (the
        CLI's preflight check and the write path use engines of their own)."""
        ledger = self.io.get("erp_queries")
        for counts in self.erp_engines:
            if sum(counts.values()) == ledger:
                return counts
        return max(self.erp_engines, key=lambda c: sum(c.values()), default={})

    @property
    def erp_queries_outside_run(self) -> int:
        own = self.erp_queries_by_table
        return sum(sum(c.values()) for c in self.erp_engines if c is not own)

    def written(self, direction: str) -> int:
        return sum(int(s["written"]) for s in self.steps if s["direction"] == direction)

    def describe_failure(self) -> str:
        failed = [s for s in self.steps if s.get("state") == "FAILED"]
        detail = "; ".join(f"step {s['step']} {s['name']}: {s.get('message')}" for s in failed)
        return detail or self.run.get("message") or self.stderr_tail or "no ledger entry"


@dataclass
class PlatformProcess:
    url: str
    pid: int
    peak_rss_bytes: int = 0  # VmHWM read when the sandbox stops


@dataclass
class Workspace:
    root: Path
    company: Company
    max_batch: int = 1000
    # Holds the platform token: kept out of the repr.
    env: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def create(
        cls, root: Path, company: Company, *, prefect_home: Path, api_url: str, max_batch: int
    ) -> Workspace:
        from sandbox.platform import issue_token

        root.mkdir(parents=True, exist_ok=True)
        company.copy_to(root / "company.db")
        token = issue_token(root / "platform.db", "bench-engine", role="integration")
        env = {**prefect_env(prefect_home, api_url), _TOKEN_ENV: token}
        return cls(root, company, max_batch, env)

    @property
    def erp_path(self) -> Path:
        return self.root / "company.db"

    @property
    def erp_url(self) -> str:
        return f"sqlite:///{self.erp_path}"

    @property
    def state_url(self) -> str:
        return f"sqlite:///{self.root / 'state.db'}"

    @property
    def store_path(self) -> Path:
        return self.root / "platform.db"

    @contextmanager
    def platform(self) -> Iterator[PlatformProcess]:
        """The platform sandbox on this workspace's store, for the duration of the block."""
        from sandbox.platform import PlatformSandbox

        with PlatformSandbox(self.store_path, max_batch=self.max_batch) as sandbox:
            proc = PlatformProcess(sandbox.url, sandbox.pid)
            self._write_config(sandbox.url)
            try:
                yield proc
            finally:
                # A sandbox that died has no peak to read; the failure is reported anyway.
                with contextlib.suppress(ProcessLookupError):
                    proc.peak_rss_bytes = vm_hwm_bytes(sandbox.pid)

    def _write_config(self, platform_url: str) -> None:
        # Only the wiring; every other setting is erpsync's default, as an operator has it.
        (self.root / "erpsync.toml").write_text(
            f'[erp]\nurl = "{self.erp_url}"\n'
            f'[state]\nurl = "{self.state_url}"\n'
            f'[platform]\nurl = "{platform_url}"\ntoken = "env:{_TOKEN_ENV}"\n'
            f"max_batch = {self.max_batch}\n"
            f'[prefect]\nhome = "{self.env["PREFECT_HOME"]}"\n'
        )

    def run(self, *command: str, profile: Path | None = None) -> EngineRun:
        """`erpsync <command> --json` in a fresh process; waits for it and measures it."""
        queries = self.root / "erp-queries.json"
        queries.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "bench.child", "--erp-db", str(self.erp_path)]
        cmd += ["--queries", str(queries)]
        if profile is not None:
            cmd += ["--profile", str(profile)]
        cmd += ["--", *command, "--json"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
        env.update(self.env)
        env["ERPSYNC_CONFIG"] = str(self.root / "erpsync.toml")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE), env.get("PYTHONPATH")]))
        out_path, err_path = self.root / "engine.out", self.root / "engine.err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=out, stderr=err)
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout = out_path.read_text(errors="replace")
        run: dict[str, Any] = {}
        try:
            runs = json.loads(stdout)["runs"]
            run = runs[-1] if runs else {}
        except (ValueError, KeyError, TypeError):
            pass
        engines = json.loads(queries.read_text())["engines"] if queries.exists() else []
        tail = "\n".join(err_path.read_text(errors="replace").splitlines()[-15:])
        return EngineRun(
            list(command), proc.returncode, seconds, maxrss_bytes(usage), run, engines, tail
        )
