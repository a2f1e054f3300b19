"""The benchmark at tiny scale, run the way `make bench` runs it, so it cannot rot.

Nothing here is about speed: the checks are that every figure is there and is a number,
that both sides count the same records, and that the table prints with a verdict for
each target.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Every figure the README's table is made of, as paths into the JSON.
FIGURES = [
    ("startup", "help_seconds"),
    ("prefect_server", "startup_seconds"),
    ("incremental", "base", "process_seconds"),
    ("incremental", "base", "flow_seconds"),
    ("incremental", "base", "written_platform"),
    ("incremental", "top", "process_seconds"),
    ("incremental", "top", "flow_seconds"),
    ("incremental", "ratio_process"),
    ("incremental", "ratio_flow"),
    ("no_change", "written_platform"),
    ("no_change", "written_erp"),
    ("no_change", "platform_reads_max_per_resource"),
    ("no_change", "erp_queries"),
    ("no_change", "erp_queries_max_per_table"),
    ("no_change", "process_seconds"),
]
SEED_FIGURES = [
    ("records",),
    ("engine_read",),
    ("engine_written",),
    ("engine", "flow_seconds"),
    ("engine", "process_seconds"),
    ("engine", "records_per_second"),
    ("raw", "seconds"),
    ("raw", "records_per_second"),
    ("engine_over_raw",),
    ("memory", "engine_peak_rss_bytes"),
    ("memory", "platform_peak_rss_bytes"),
    ("api", "write_calls"),
    ("api", "records_sent"),
    ("api", "batch_fill"),
    ("api", "min_write_calls"),
]
TARGETS = [
    "seed throughput (tiny)",
    "seed peak RSS (tiny)",
    "seed peak RSS large ÷ medium",
    "incremental tiny ÷ tiny",
    "incremental tiny ÷ tiny, flow only",
    "no-change run writes nothing",
    "no-change run: platform reads",
    "no-change run: ERP queries",
    "seed API economy (tiny)",
    "erpsync --help",
]


def _at(figures: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = figures
    for part in path:
        assert isinstance(node, dict) and part in node, f"missing figure {'.'.join(path)}"
        node = node[part]
    return node


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench-out")
    work = tmp_path_factory.mktemp("bench-work")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERPSYNC_", "PREFECT_"))}
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "--scale", "tiny", "--gate-rows", "300,3000"),
            *("--out", str(out), "--work", str(work / "run")),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    named = re.search(r"figures written to (\S+\.json)", done.stdout)
    assert named, done.stdout[-2000:]
    path = Path(named.group(1))
    assert path.parent == out
    assert not (work / "run").exists(), "run folders are removed unless --keep"

    def no_nan(token: str) -> Any:
        raise AssertionError(f"{token} in the JSON: figures must be numbers or null")

    return json.loads(path.read_text(), parse_constant=no_nan), done.stdout


@pytest.mark.slow
def test_every_figure_is_a_number(tiny_run: tuple[dict[str, Any], str]) -> None:
    figures, _ = tiny_run
    assert figures["scale"] == "tiny"
    for path in FIGURES:
        assert _is_number(_at(figures, path)), path
    inc = figures["incremental"]
    for which in ("base", "top"):
        samples = inc[which]["samples_process_seconds"]
        assert len(samples) == inc["rounds"] == 3 and all(map(_is_number, samples))
        assert inc[which]["process_seconds"] == sorted(samples)[1], "the median run is shown"
    seed = _at(figures, ("seeds", "tiny"))
    for path in SEED_FIGURES:
        assert _is_number(_at(seed, path)), ("seeds", "tiny", *path)
    assert seed["steps"], "the seed's steps come from its run ledger"
    for step in seed["steps"]:
        assert _is_number(step["seconds"]) and _is_number(step["records_per_second"]), step
    assert seed["slowest_step"] in {s["step"] for s in seed["steps"]}
    gate = figures["gate"]
    assert "error" not in gate, gate.get("error")
    assert [r["rows"] for r in gate["runs"]] == [300, 3000]
    assert all(_is_number(r["seconds"]) and _is_number(r["rows_per_second"]) for r in gate["runs"])


@pytest.mark.slow
def test_both_sides_count_the_same_records(tiny_run: tuple[dict[str, Any], str]) -> None:
    figures, _ = tiny_run
    seed = figures["seeds"]["tiny"]
    record_tables = [t for t in seed["raw"]["tables"] if t["records"]]
    assert seed["records"] == sum(t["rows"] for t in record_tables) > 0
    assert set(seed["tables"]) == {t["table"] for t in record_tables}
    downloads = [s for s in seed["steps"] if s["direction"] == "download"]
    assert downloads and all(s["state"] == "COMPLETED" for s in downloads)
    for step in downloads:
        # The engine read the rows the raw path selected, less any its row filter drops.
        if step["filtered"]:
            assert 0 <= step["read"] <= step["raw_rows"], step
        else:
            assert step["read"] == step["raw_rows"] > 0, step
    assert seed["engine_written"] <= seed["engine_read"] <= seed["records"]
    # The changed records reached the platform in the incremental runs.
    assert figures["incremental"]["top"]["written_platform"] > 0


@pytest.mark.slow
def test_table_prints_a_verdict_per_target(tiny_run: tuple[dict[str, Any], str]) -> None:
    figures, stdout = tiny_run
    assert [t["name"] for t in figures["targets"]] == TARGETS
    section = stdout.split("\nTargets\n", 1)
    assert len(section) == 2, stdout[-2000:]
    for target in figures["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[target["passed"]]
        line = next((ln for ln in section[1].splitlines() if target["name"] in ln), None)
        assert line is not None and line.startswith(verdict), (target, line)
    # Only the ratio that needs a large run has nothing to compare.
    assert [t["name"] for t in figures["targets"] if t["passed"] is None] == [
        "seed peak RSS large ÷ medium"
    ]
    assert "Seed, tiny:" in stdout and "No-change run, tiny:" in stdout


def test_sources_cover_every_registered_download_step() -> None:
    from bench.plan import download_sources
    from connectors.sage100.tables import table
    from erpsync.engine.steps import step
    from sandbox.sage100.layout import table as sandbox_table
    from tasks import STEPS

    sources = download_sources()
    downloads = {n for n in STEPS if step(n).direction == "download"}
    assert downloads and downloads <= set(sources)
    for src in (s for per_step in sources.values() for s in per_step):
        standard = set(table(src.table).column_names)
        # Beyond Sage's standard layout a step may read only UDFs (seed 003's Send To
        # Service Pro), which it reads where the company has them; the bench's company
        # is the sandbox, which has them.
        extra = set(src.columns) - standard
        assert all(c.startswith("UDF_") for c in extra), (src.table, extra)
        known = set(sandbox_table(src.table).column_names)
        assert set(src.columns) <= known, src
        assert set(src.key) <= set(src.columns), src
        for child in src.children:
            assert set(child.columns) <= set(table(child.table).column_names), child
            assert {c for c, _ in child.link} <= set(child.columns), child
            assert {h for _, h in child.link} <= known, child


def test_peak_memory_of_a_live_process_is_at_least_its_current_rss() -> None:
    from bench.memory import vm_hwm_bytes

    status = Path(f"/proc/{os.getpid()}/status").read_text()
    rss_kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    assert vm_hwm_bytes(os.getpid()) >= rss_kb * 1024
    with pytest.raises(ProcessLookupError):
        vm_hwm_bytes(2**22 + 1)  # above the kernel's pid_max default
