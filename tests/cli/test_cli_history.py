"""`erpsync history` and `erpsync report` as an analyst runs them: a project whose state
database holds 110 runs, the command in a subprocess, filters, the three output formats,
and a reader that leaves early (`| head`): exit 0 and nothing on stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from erpsync.state import StateStore
from tests.state.ledger_fill import Filled, fill_ledger

RUNS = 110


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Filled]]:
    root = tmp_path_factory.mktemp("history-project")
    (root / "erpsync.toml").write_text('[state]\nurl = "sqlite:///state.db"\ncompany = "ABC"\n')
    store = StateStore(f"sqlite:///{root / 'state.db'}", "ABC")
    store.migrate()
    try:
        yield root, fill_ledger(store, runs=RUNS)
    finally:
        store.close()


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}


def erpsync(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "erpsync.cli", *args],
        cwd=root, env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""
    return result.stdout


def _rows(text: str) -> list[str]:
    """The run rows of the history table (detail lines are indented)."""
    return [line for line in text.splitlines() if line[:4] == "2026"]


def test_default_is_the_latest_20_with_totals_in_100_columns(project: tuple[Path, Filled]) -> None:
    root, filled = project
    out = ok(erpsync(root, "history"))
    assert all(len(line) <= 100 for line in out.splitlines())
    rows = _rows(out)
    assert len(rows) == 20
    newest = filled.runs[-1]
    assert rows[0].split()[2:4] == [newest["flow"], newest["state"]]
    assert "totals: 20 runs (" in out
    assert f"showing the latest 20 of {RUNS} matching runs" in out
    assert "SKIPPED" in out and "reason: company ABC is being synced" in out
    assert "window 2026-10-01..2026-10-07; entities invoices, items" in out


@pytest.mark.slow
def test_filters(project: tuple[Path, Filled]) -> None:
    root, filled = project
    out = ok(erpsync(root, "history", "--flow", "backfill", "--all"))
    assert len(_rows(out)) == len(filled.of(flow="backfill"))
    assert {r.split()[2] for r in _rows(out)} == {"backfill"}

    out = ok(erpsync(root, "history", "--state", "failed,crashed", "--flow", "sync", "--all"))
    expected = [
        r for r in filled.runs
        if r["flow"] == "incremental-sync" and r["state"] in ("FAILED", "CRASHED")
    ]  # fmt: skip
    assert len(_rows(out)) == len(expected) > 2
    assert {r.split()[3] for r in _rows(out)} == {"FAILED", "CRASHED"}

    out = ok(erpsync(root, "history", "--since", "2026-11-03", "--until", "2026-11-04", "--all"))
    days = {r.split()[0] for r in _rows(out)}
    assert days == {"2026-11-03", "2026-11-04"}
    out = ok(erpsync(root, "history", "--since", "2026-11-03T12:00", "--until",
                     "2026-11-03T18:00:00+00:00", "--all"))  # fmt: skip
    assert _rows(out) and all("12:00" <= r.split()[1] <= "18:00" for r in _rows(out))

    out = ok(erpsync(root, "history", "--flow", "seed", "--limit", "1"))
    assert len(_rows(out)) == 1 and "initial-seed" in out
    assert ok(erpsync(root, "history", "--since", "2030-01-01")).strip() == "no runs match"

    bad = erpsync(root, "history", "--state", "DONE")
    assert bad.returncode == 2 and "unknown state DONE" in bad.stderr
    bad = erpsync(root, "history", "--since", "last tuesday")
    assert bad.returncode == 2 and "not a date" in bad.stderr


@pytest.mark.slow
def test_all_steps_json_and_csv(project: tuple[Path, Filled]) -> None:
    root, filled = project
    assert len(_rows(ok(erpsync(root, "history", "--all")))) == RUNS

    steps = ok(erpsync(root, "history", "--steps", "--limit", "3"))
    assert all(len(line) <= 100 for line in steps.splitlines())
    assert steps.count(": run run-") == 3

    doc = json.loads(ok(erpsync(root, "history", "--json", "--all")))
    assert len(doc["runs"]) == doc["matching"] == doc["totals"]["runs"] == RUNS
    by_id = {r["run_id"]: r for r in doc["runs"]}
    for info in filled.runs:
        run = by_id[info["run_id"]]
        assert run["state"] == info["state"]
        assert run["dry_run"] is bool(info["params"].get("dry_run"))  # type: ignore[attr-defined]
    backfill = next(r for r in doc["runs"] if r["flow"] == "backfill")
    assert backfill["window"] == {"start": "2026-10-01", "end": "2026-10-07"}
    assert backfill["entities"] == ["invoices", "items"]
    failed = next(r for r in doc["runs"] if r["state"] == "FAILED")
    assert failed["message"].startswith("step 10 Download Items failed")
    assert failed["failed"] == sum(s["failed"] for s in failed["steps"])

    rows = list(csv.DictReader(io.StringIO(ok(erpsync(root, "history", "--csv", "--all")))))
    assert len(rows) == RUNS and rows[0]["run_id"] == filled.runs[-1]["run_id"]
    rows = list(csv.DictReader(io.StringIO(ok(erpsync(root, "history", "--csv", "--steps")))))
    assert len({r["run_id"] for r in rows}) == 20 and "step" in rows[0]

    both = erpsync(root, "history", "--json", "--csv")
    assert both.returncode == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("history", "--all", "--steps"),
        ("history", "--all", "--json"),
        ("history", "--all", "--csv", "--steps"),
        ("history", "--all"),
        ("report", "--out", "-"),
    ],
)
def test_a_reader_that_leaves_early_is_not_an_error(
    project: tuple[Path, Filled], args: tuple[str, ...]
) -> None:
    root, _ = project
    command = " ".join([sys.executable, "-m", "erpsync.cli", *args])
    # The shell pipeline analysts type; PIPESTATUS[0] is erpsync's own exit status.
    piped = subprocess.run(
        ["bash", "-c", f"{command} | head -1; exit ${{PIPESTATUS[0]}}"],
        cwd=root, env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr[-3000:]
    assert piped.stderr == ""
    assert len(piped.stdout.splitlines()) == 1

    # And a reader that takes one line and closes the pipe while erpsync still writes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "erpsync.cli", *args],
        cwd=root, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err.decode()[-3000:]
    assert err == b""


def test_report_writes_one_self_contained_page(project: tuple[Path, Filled]) -> None:
    root, _ = project
    out = ok(erpsync(root, "report", "--out", "reports/runs.html", "--since", "2026-11-02"))
    page = root / "reports" / "runs.html"
    assert out.strip().startswith(f"wrote {page}") and out.strip().endswith("runs)")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<script" not in text
    assert "since 2026-11-02 00:00" in text
    assert not list(page.parent.glob("*.partial"))
    small = ok(erpsync(root, "report", "--out", "-", "--limit", "5"))
    assert "5 runs from" in small and "latest 5 runs" in small


def test_help_loads_no_database_code(tmp_path: Path) -> None:
    """`erpsync --help` stays fast: registering history and report imports nothing heavy."""
    probe = (
        "import sys\n"
        "from erpsync.cli import _parser\n"
        "_parser()\n"
        "print(sorted(m for m in ('sqlalchemy', 'pydantic', 'erpsync.report', "
        "'erpsync.reports', 'erpsync.state') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=_env(), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
