"""The benchmark run: every measurement in one sequence, into one dictionary of figures.

    start-up (`erpsync --help`)  ->  one Prefect server  ->  cached companies
    -> per seeded scale: initial seed (engine process, platform sandbox process), raw I/O
    -> incremental runs with 100 changed ERP records, base scale and main scale
    -> a run with no change, right after the main one  ->  the gate's cost

Scales: the main scale is the one asked for. Seeds run on it (and on medium too when it
is large, for the large ÷ medium memory ratio) and on the base scale of the incremental
comparison (small; tiny for a tiny run). When base and main are the same scale, the two
incremental runs are two successive runs on the same company.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bench.companies import ROOT, Company, company
from bench.measure import BenchFailed, help_startup, incremental, seed_figures
from bench.memory import GIB
from bench.prefect_server import PrefectServer
from bench.report import targets
from bench.runs import Workspace

__all__ = ["SCALES", "BenchFailed", "Options", "run_benchmark"]

SCALES = ("tiny", "small", "medium", "large")

_T = TypeVar("_T")


@dataclass
class Options:
    scale: str
    seed: int = 42
    out: Path = ROOT / "dev" / "bench" / "results"
    work: Path | None = None  # default: .erpsync/bench/runs/<time>
    keep: bool = False
    max_batch: int = 1000
    changes: int = 50  # items and quantities each: 50 + 50 = 100 changed records
    gate_rows: tuple[int, ...] = (10_000, 100_000)
    help_samples: int = 5
    incremental_rounds: int = 3  # per scale; the ratio compares medians
    profile: bool = False  # cProfile the main seed and incremental run into `out`
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))


def scales_for(main: str) -> tuple[str, list[str], list[str]]:
    """(incremental base, seeds judged by the targets, every scale seeded)."""
    base = "small" if SCALES.index(main) >= SCALES.index("small") else main
    ladder = ["medium", "large"] if main == "large" else [main]
    seeded = sorted({base, *ladder}, key=SCALES.index)
    return base, ladder, seeded


def _load() -> float:
    return os.getloadavg()[0]


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024 / GIB
    return float("nan")


# --- the whole run ---------------------------------------------------------------------------
def run_benchmark(opts: Options) -> dict[str, Any]:
    if opts.scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {opts.scale!r}")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    work = opts.work or ROOT / ".erpsync" / "bench" / "runs" / stamp
    base, ladder, seeded = scales_for(opts.scale)
    log = opts.log
    figures: dict[str, Any] = {
        "scale": opts.scale,
        "seed": opts.seed,
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "seed_scales": ladder,
        "seed_scales_all": seeded,
        "records_are": (
            "rows of the Sage table each download step of the seed reads its records from"
            " (one row = one record written to the step's platform resource); side tables"
            " read for enrichment or change triggers are not records"
        ),
        "conditions": {
            "cpus": os.cpu_count(),
            "memory_gib": _memory_gib(),
            "python": platform.python_version(),
            "load_before": _load(),
        },
    }
    log(f"bench: erpsync --help x{opts.help_samples}")
    figures["startup"] = help_startup(opts.help_samples)
    companies: dict[str, Company] = {}
    for scale in seeded:
        log(f"bench: company {scale} (generated once, then cached)")
        companies[scale] = company(scale, opts.seed)
    figures["companies"] = {
        s: {
            "rows": sum(c.rows.values()),
            "cached": c.cached,
            "generated_seconds": c.generated_seconds,
            "as_of": c.as_of,
            "future_stamps": c.future_stamps,
        }
        for s, c in companies.items()
    }
    if opts.profile:
        opts.out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    figures["failures"] = failures

    def attempt(label: str, measure: Callable[[], _T]) -> _T | None:
        """A measurement whose engine run fails is reported; the others still run."""
        log(f"bench: {label}")
        try:
            return measure()
        except BenchFailed as exc:
            failures.append(f"{label}: {exc}")
            log(f"bench: {label} failed: {exc}")
            return None

    def profile(kind: str, scale: str) -> Path | None:
        return opts.out / f"profile-{kind}-{scale}-{stamp}.prof" if opts.profile else None

    try:
        log("bench: starting the Prefect server")
        with PrefectServer(work / "prefect") as server:
            figures["prefect_server"] = {"startup_seconds": server.startup_seconds}
            spaces = {
                s: Workspace.create(
                    work / s,
                    companies[s],
                    prefect_home=server.home,
                    api_url=server.api_url,
                    max_batch=opts.max_batch,
                )
                for s in seeded
            }
            seeds: dict[str, Any] = {}
            figures["seeds"] = seeds
            for scale in seeded:
                got = attempt(
                    f"seed {scale}", partial(seed_figures, spaces[scale], profile("seed", scale))
                )
                if got is not None:
                    seeds[scale] = got
            if base in seeds and opts.scale in seeds:
                runs = attempt(
                    f"incremental runs on {base} and {opts.scale}, then one with no change",
                    lambda: _incrementals(spaces, base, opts, seeds, profile("sync", opts.scale)),
                )
                if runs is not None:
                    figures["incremental"], figures["no_change"] = runs
            if opts.scale in seeds:
                log("bench: data-quality gate")
                figures["gate"] = _gate(spaces[opts.scale], opts.gate_rows)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures["conditions"]["load_after"] = _load()
    figures["notes"] = notes(figures)
    figures["targets"] = [t.as_json() for t in targets(figures)]
    return figures


def _incrementals(
    spaces: dict[str, Workspace],
    base: str,
    opts: Options,
    seeds: dict[str, Any],
    profile: Path | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(incremental figures, no-change figures).

    A run of 100 records lasts seconds, most of them process start-up, so one sample is
    at the mercy of the machine's other work: each scale runs `incremental_rounds` times
    and the ratio compares medians. Every sample is kept in the figures.
    """
    ended = {scale: seed["finished_at"] for scale, seed in seeds.items()}
    n = opts.incremental_rounds
    if base == opts.scale:
        *runs, quiet = incremental(
            spaces[base], opts.changes, opts.seed, 2 * n, profile, True, ended[base]
        )
        base_runs, top_runs = runs[:n], runs[n:]
    else:
        base_runs = incremental(spaces[base], opts.changes, opts.seed, n, None, False, ended[base])
        *top_runs, quiet = incremental(
            spaces[opts.scale], opts.changes, opts.seed, n, profile, True, ended[opts.scale]
        )
    first, second = _median_run(base_runs), _median_run(top_runs)
    figures = {
        "base": first,
        "top": second,
        "rounds": n,
        "ratio_process": second["process_seconds"] / first["process_seconds"],
        "ratio_flow": _median(top_runs, "flow_seconds") / _median(base_runs, "flow_seconds"),
    }
    return figures, quiet


def _median(runs: list[dict[str, Any]], figure: str) -> float:
    return float(statistics.median(r[figure] for r in runs))


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with every sample's times beside it."""
    middle = sorted(runs, key=lambda r: r["process_seconds"])[len(runs) // 2]
    return {
        **middle,
        "samples_process_seconds": [r["process_seconds"] for r in runs],
        "samples_flow_seconds": [r["flow_seconds"] for r in runs],
    }


def notes(figures: dict[str, Any]) -> list[str]:
    """What a reader of the figures must know to read them right."""
    out = []
    for scale, info in figures["companies"].items():
        if info["future_stamps"]:
            rows = ", ".join(f"{t} {n}" for t, n in sorted(info["future_stamps"].items()))
            out.append(
                f"the {scale} sandbox company has rows stamped after its as_of"
                f" ({info['as_of']}): {rows}; the engine's watermark jumps to them, so"
                " changes to those tables made now stay invisible to incremental runs"
            )
    for which in ("base", "top"):
        run = figures.get("incremental", {}).get(which)
        if run is None:
            continue
        if run["written_platform"] < run["changed_records"]:
            out.append(
                f"incremental on {run['scale']}: {run['changed_records']} ERP records"
                f" changed, {run['written_platform']} written to the platform"
            )
    for scale, seed in figures["seeds"].items():
        short = [
            f"step {s['step']} read {s['read']} of {s['raw_rows']}"
            for s in seed["steps"]
            if s["direction"] == "download" and s["read"] != s["raw_rows"]
        ]
        if short:
            out.append(
                f"seed on {scale}: the engine kept fewer rows than its SELECTs return"
                f" ({'; '.join(short)}): row filters, or rows it rejected"
            )
    # The engine is being worked on: a run that has steps the seed did not is a sign
    # that the code changed while the benchmark ran, and its figures do not compare.
    ran = {s["step"] for seed in figures["seeds"].values() for s in seed["steps"]}
    for label, run in (
        ("incremental", figures.get("incremental", {}).get("top")),
        ("no-change", figures.get("no_change")),
    ):
        if run is None:
            continue
        extra = sorted({s["step"] for s in run["steps"]} - ran)
        if extra:
            out.append(
                f"the {label} run ran steps {extra} that no seed ran: the engine's code"
                " changed during the benchmark; rerun it"
            )
    return out


def _gate(ws: Workspace, sizes: tuple[int, ...]) -> dict[str, Any]:
    try:
        from bench.gate import gate_cost

        return gate_cost(ws, sizes)
    except ImportError as exc:  # the expectations package is not there yet
        return {"error": f"cannot import the gate: {exc}", "runs": []}
