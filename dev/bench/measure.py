"""The measurements, one function each: start-up, a seed with its raw I/O limit, the
incremental runs and the run with no change. Each returns plain figures (dicts of numbers)
for `bench.suite` to assemble."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.companies import ROOT
from bench.plan import sources_for
from bench.raw import raw_copy
from bench.runs import EngineRun, Workspace
from erpsync.config import load_settings

__all__ = ["BenchFailed", "help_startup", "incremental", "seed_figures"]


class BenchFailed(RuntimeError):
    """An engine run the benchmark depends on did not complete."""


def _rate(records: float, seconds: float) -> float:
    if records == 0:
        return 0.0
    return records / seconds if seconds > 0 else float("nan")


def help_startup(samples: int) -> dict[str, Any]:
    """`erpsync --help` in a fresh process, best of `samples`."""
    script = Path(sys.executable).with_name("erpsync")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "erpsync.cli"]
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        subprocess.run([*cmd, "--help"], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return {"help_seconds": min(times), "samples": times, "command": " ".join([*cmd, "--help"])}


def _checked(run: EngineRun, what: str) -> EngineRun:
    if not run.ok:
        raise BenchFailed(f"{what} failed (exit {run.returncode}): {run.describe_failure()}")
    return run


def seed_figures(ws: Workspace, profile: Path | None) -> dict[str, Any]:
    with ws.platform() as sandbox:
        run = _checked(ws.run("seed", profile=profile), f"the seed on {ws.company.scale}")
    downloads = [s for s in run.steps if s["direction"] == "download" and s["state"] == "COMPLETED"]
    sources = sources_for(s["step"] for s in downloads)
    years = load_settings(ws.root / "erpsync.toml").sync.seed_years
    raw = raw_copy(ws.erp_url, sources, ws.root / "raw-platform.db", seed_years=years)
    records = raw.rows
    flow, process = run.flow_seconds, run.process_seconds
    calls: dict[str, int] = run.io.get("platform_calls", {})
    write_calls = sum(n for k, n in calls.items() if not k.startswith("GET "))
    sent = int(run.io.get("platform_records_sent", 0))
    fewest = sum(math.ceil(int(s["written"]) / ws.max_batch) for s in downloads)
    selected: dict[int, int] = {}
    for t in raw.tables:
        if t.records:
            selected[t.step] = selected.get(t.step, 0) + t.rows
    filtered = {src.step for src in sources if src.filtered}
    steps = [
        {
            **s,
            "records_per_second": _rate(s["read"], s["seconds"]),
            # rows the raw path selected for this step, and whether the engine filters them
            "raw_rows": selected.get(s["step"], 0),
            "filtered": s["step"] in filtered,
        }
        for s in sorted(run.steps, key=lambda s: s["step"])
    ]
    slowest = max(steps, key=lambda s: s["seconds"])["step"] if steps else -1
    return {
        "records": records,
        "tables": sorted({src.table for src in sources}),
        "child_tables": sorted({c.table for src in sources for c in src.children}),
        "child_rows": sum(t.rows for t in raw.tables if not t.records),
        "resources": sorted({src.resource for src in sources}),
        "engine_read": sum(int(s["read"]) for s in downloads),
        "engine_written": sum(int(s["written"]) for s in downloads),
        "engine": {
            "flow_seconds": flow,
            "process_seconds": process,
            "records_per_second": _rate(records, flow),
            "process_records_per_second": _rate(records, process),
            "erp_queries": run.io.get("erp_queries"),
        },
        "raw": {
            "seconds": raw.seconds,
            "records_per_second": _rate(records, raw.seconds),
            "tables": [vars(t) for t in raw.tables],
        },
        "engine_over_raw": raw.seconds / flow if flow else float("nan"),
        "memory": {
            "engine_peak_rss_bytes": run.peak_rss_bytes,
            "platform_peak_rss_bytes": sandbox.peak_rss_bytes,
        },
        "api": {
            "write_calls": write_calls,
            "records_sent": sent,
            "max_batch": ws.max_batch,
            "batch_fill": sent / (write_calls * ws.max_batch) if write_calls else float("nan"),
            "min_write_calls": fewest,
            # 1.0: no call could have been saved (every resource's last batch is partial).
            "call_efficiency": fewest / write_calls if write_calls else float("nan"),
            "calls": calls,
        },
        "steps": steps,
        "slowest_step": slowest,
        "run_id": run.run.get("run_id"),
        "finished_at": run.run.get("finished_at"),
    }


def _changes(ws: Workspace, n: int, seed: int) -> int:
    from sandbox.sage100 import simulate_erp

    rows = ws.company.rows
    items = min(n, rows.get("CI_Item", 0) // 2)
    quantities = min(n, rows.get("IM_ItemWarehouse", 0) // 2)
    changed = simulate_erp(ws.erp_url, items=items, quantities=quantities, seed=seed)
    return sum(len(keys) for keys in changed.changed.values())


def _since(earlier: str | None, later: str | None) -> float:
    if not earlier or not later:
        return float("nan")
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


def _sync_figures(run: EngineRun, scale: str, seeded_at: str | None) -> dict[str, Any]:
    calls: dict[str, int] = run.io.get("platform_calls", {})
    reads = [n for k, n in calls.items() if k.startswith("GET ")]
    by_table = run.erp_queries_by_table
    return {
        "scale": scale,
        # The upload steps read platform records changed since their watermark minus
        # sync.overlap_seconds; how long after the seed this run started says whether
        # the seed's own writes were still inside that window.
        "seconds_after_seed": _since(seeded_at, run.run.get("started_at")),
        "process_seconds": run.process_seconds,
        "flow_seconds": run.flow_seconds,
        "peak_rss_bytes": run.peak_rss_bytes,
        "written_platform": run.written("download"),
        "written_erp": run.written("upload"),
        "platform_calls": calls,
        "platform_reads_max_per_resource": max(reads, default=0),
        "platform_records_sent": run.io.get("platform_records_sent"),
        "erp_queries": run.io.get("erp_queries"),
        "erp_queries_by_table": by_table,
        "erp_queries_max_per_table": max(by_table.values(), default=0),
        "erp_queries_outside_run": run.erp_queries_outside_run,
        "steps": run.steps,
    }


def incremental(
    ws: Workspace,
    changes: int,
    seed: int,
    rounds: int,
    profile: Path | None,
    no_change: bool,
    seeded_at: str | None,
) -> list[Any]:
    """`rounds` incremental runs after ERP changes, then (`no_change`) one more right after."""
    out: list[Any] = []
    with ws.platform():
        for i in range(rounds):
            changed = _changes(ws, changes, seed + i)
            prof = profile if i == rounds - 1 else None
            run = _checked(ws.run("sync", profile=prof), f"the sync on {ws.company.scale}")
            figures = _sync_figures(run, ws.company.scale, seeded_at)
            out.append({**figures, "changed_records": changed})
        if no_change:
            quiet = _checked(ws.run("sync"), f"the no-change sync on {ws.company.scale}")
            out.append(_sync_figures(quiet, ws.company.scale, seeded_at))
    return out
