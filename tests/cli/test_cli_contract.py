"""Every command of the README's table under bad arguments and a reader that leaves early:
one line on stderr and the documented exit code, never a traceback.

(Ctrl-C and SIGTERM during a run: tests/cli/test_cli_signals.py; during `erpsync serve`:
tests/service.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from erpsync.state import StateStore
from tests.cli.test_cli_errors import erpsync, one_line
from tests.state.ledger_fill import fill_ledger

BAD_ARGUMENTS = [
    (("demo", "--jsn"), "unrecognized arguments: --jsn"),
    (("seed", "--years", "-1"), "-1 is not between 0 and 50"),
    (("seed", "--years", "three"), "'three' is not a number of years"),
    (("sync", "--dry"), "unrecognized arguments: --dry"),  # no abbreviations
    (("backfill",), "the following arguments are required: --entities"),
    (("backfill", "--entities", "items", "--start", "2026-13-01"), "is not a date"),
    (("history", "--state", "DONE"), "unknown state DONE"),
    (("history", "--limit", "0"), "must be 1 or more"),
    (("history", "--since", "yesterday"), "is not a date"),
    (("history", "--json", "--csv"), "not allowed with argument"),
    (("report", "--until", "soon"), "is not a date"),
    (("errors", "--limit", "0"), "must be 1 or more"),
    (("errors", "--since", "last week"), "not a date"),
    (("requeue",), "name --entity, --key or --all"),
    (("serve", "--port", "http"), "invalid"),
    (("worker",), "the following arguments are required: --pool"),
    (("alerts", "--now"), "unrecognized arguments: --now"),
    (("sandbox", "init", "--scale", "huge"), "invalid choice: 'huge'"),
    (("sandbox", "simulate", "--items", "many"), "invalid"),
    (("nonsense",), "invalid choice: 'nonsense'"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_ARGUMENTS, ids=lambda v: " ".join(v)
                         if isinstance(v, tuple) else None)  # fmt: skip
def test_bad_arguments_are_one_line_and_exit_2(workdir: Path, args: tuple[str, ...],
                                              needle: str) -> None:  # fmt: skip
    result = erpsync(workdir, *args)
    assert result.returncode == 2, (result.returncode, result.stderr)
    line = one_line(result)
    assert line.startswith("erpsync: ")
    assert any(n in line for n in needle.split("|")), line
    assert result.stdout == ""


def test_every_readme_command_is_covered() -> None:
    """The table in the README lists the commands the cases above exercise."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    commands = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    table = [ln for ln in commands.splitlines() if ln.startswith("| `erpsync ")]
    listed = {ln.split("`")[1].split()[1] for ln in table}
    tried = {args[0] for args, _ in BAD_ARGUMENTS}
    assert listed and listed <= tried, listed - tried


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A company whose state holds 120 runs with their errors and quarantine."""
    root = tmp_path_factory.mktemp("inbox-project")
    (root / "erpsync.toml").write_text('[state]\nurl = "sqlite:///state.db"\ncompany = "ABC"\n')
    store = StateStore(f"sqlite:///{root / 'state.db'}", "ABC")
    store.migrate()
    try:
        fill_ledger(store, runs=120)
        yield root
    finally:
        store.close()


def test_errors_of_an_unknown_run_is_an_error(inbox: Path) -> None:
    result = erpsync(inbox, "errors", "--run", "nope")
    assert result.returncode == 2
    assert "no run of ABC is 'nope'" in one_line(result)


def test_errors_takes_the_short_run_id_history_prints(inbox: Path) -> None:
    store = StateStore(f"sqlite:///{inbox / 'state.db'}", "ABC")
    try:
        run = next(r for r in store.recent_runs(limit=200) if store.run_errors(r.run_id))
        expected = len(store.run_errors(run.run_id, limit=None))
    finally:
        store.close()
    result = erpsync(inbox, "errors", "--run", run.run_id[:8], "--all", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["run_id"] == run.run_id
    assert sum(found["totals"]["not synced"].values()) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("errors", "--all"),
        ("errors", "--all", "--json"),
        ("errors", "--all", "--csv"),
        ("history", "--all", "--steps"),
        ("--help",),
    ],
)
def test_a_reader_that_leaves_early_is_not_an_error(inbox: Path, args: tuple[str, ...]) -> None:
    command = " ".join([sys.executable, "-m", "erpsync.cli", *args])
    piped = subprocess.run(
        ["bash", "-c", f"{command} | head -1; exit ${{PIPESTATUS[0]}}"],
        cwd=inbox, capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")},
    )  # fmt: skip
    assert piped.returncode == 0, piped.stderr[-3000:]
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr
    assert len(piped.stdout.splitlines()) == 1
