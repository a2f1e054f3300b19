"""`erpsync history` output on hand-made runs: the text tables fit 100 columns with the
reasons on their own lines, dry runs and backfill windows show, skipped and failed runs
say why; CSV and JSON parse and carry the same figures; the markdown of a run escapes
what records bring."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from erpsync.report import (
    history_lines,
    history_table,
    markdown_summary,
    md_escape,
    steps_table,
    totals_lines,
)
from erpsync.reports.export import RUN_FIELDS, STEP_FIELDS, run_json, write_csv, write_json
from erpsync.reports.facts import Totals, fmt_count, fmt_duration, run_facts
from erpsync.state import RecordError, RunSummary, StepOutcome

T0 = datetime(2026, 11, 30, 14, 32, 5, tzinfo=UTC)
LONG = (
    "step 10 Download Items failed: platform answered 503 Service Unavailable after 3 tries; "
    "step 20 Download Invoices failed: the ERP connection was reset by peer while reading "
    "AR_InvoiceHistoryHeader"
)


def _step(n: int, name: str, entity: str, direction: str = "download", **kw: object) -> StepOutcome:
    return StepOutcome(n, name, entity, direction, **kw)  # type: ignore[arg-type]


def _runs() -> list[RunSummary]:
    sync = RunSummary(
        "4f1c2a9e-1111-4a4a-9d9d-000000000001", "incremental-sync", "COMPLETED", T0,
        T0 + timedelta(seconds=3.5), None, {"dry_run": True},
        [_step(10, "Download Items", "items", read=12, changed=3, written=0, unchanged=9),
         _step(13, "Upload Customers", "customers", "upload", read=4, changed=4, written=2,
               failed=1, quarantined=1)],
    )  # fmt: skip
    failed = RunSummary(
        "9a9a9a9a-2222-4b4b-8c8c-000000000002", "incremental-sync", "FAILED",
        T0 - timedelta(minutes=10), T0 - timedelta(minutes=9), LONG, {"dry_run": False},
        [_step(10, "Download Items", "items", state="FAILED", message="platform answered 503"),
         _step(11, "Download ItemLocations", "item_locations", state="SKIPPED",
               message="not run: step 10 failed"),
         _step(20, "Download Invoices", "invoices", read=5, written=5, failed=2)],
    )  # fmt: skip
    skipped = RunSummary(
        "77777777-3333-4c4c-8d8d-000000000003", "backfill", "SKIPPED",
        T0 - timedelta(minutes=20), T0 - timedelta(minutes=20),
        "company ABC is being synced by incremental-sync run 9a9a9a9a on worker-1 (lease until "
        "2026-11-30 14:24:00 UTC); this run is skipped",
        {"entities": ["invoices", "items"], "start": "2026-11-01", "end": "2026-11-07",
         "dry_run": False},
    )  # fmt: skip
    seed = RunSummary(
        "00000000-4444-4d4d-8e8e-000000000004", "initial-seed", "COMPLETED",
        T0 - timedelta(days=1), T0 - timedelta(days=1) + timedelta(minutes=9, seconds=48),
        None, {"years": 3, "resume": True},
        [_step(20, "Download Invoices", "invoices", read=9_999_999, changed=9_999_999,
               written=9_999_999, unchanged=0, quarantined=12345, failed=123456,
               seconds=512.25)],
    )  # fmt: skip
    return [sync, failed, skipped, seed]


def _fits(text: str) -> None:
    for line in text.splitlines():
        assert len(line) <= 100, f"{len(line)}: {line!r}"


def test_history_table_fits_100_columns_and_says_what_each_run_was() -> None:
    text = history_table(_runs())
    _fits(text)
    lines = text.splitlines()
    head, rows = lines[0], lines[2:]
    assert head.split() == ["started", "(UTC)", "flow", "state", "dry", "read", "written",
                            "failed", "quar", "time", "run"]  # fmt: skip
    sync_row = next(line for line in rows if line.startswith("2026-11-30 14:32"))
    assert sync_row.split()[2:] == ["incremental-sync", "COMPLETED", "yes", "16", "2", "1", "1",
                                    "3.5s", "4f1c2a9e"]  # fmt: skip
    # A failed run: its record failures counted, its reason on its own lines below.
    at = next(i for i, line in enumerate(rows) if line.startswith("2026-11-30 14:22"))
    assert rows[at].split()[2:8] == ["incremental-sync", "FAILED", "5", "5", "2", "0"]
    assert "503" not in rows[at]  # not in the state column
    assert rows[at + 1].strip().startswith("reason: step 10 Download Items failed")
    assert rows[at + 1].startswith(" " * 18)
    assert "AR_InvoiceHistoryHeader" in " ".join(rows[at + 1 : at + 4])
    # A skipped run: listed, no figures, the window and entities, and why.
    at = next(i for i, line in enumerate(rows) if line.startswith("2026-11-30 14:12"))
    assert rows[at].split()[2:] == ["backfill", "SKIPPED", "77777777"]
    assert rows[at + 1].strip() == "window 2026-11-01..2026-11-07; entities invoices, items"
    assert rows[at + 2].strip().startswith("reason: company ABC is being synced")
    # The seed's seven-digit figures still fit.
    seed = next(line for line in rows if line.startswith("2026-11-29 14:32"))
    assert seed.split()[4:9] == ["9999999", "9999999", "123456", "12345", "9m48s"]
    assert "3 years of history" in text


def test_totals_under_the_table() -> None:
    totals = Totals()
    lines = list(history_lines(_runs(), totals))
    assert len(lines) > 6
    under = totals_lines(totals, matching=9)
    _fits("\n".join(under))
    assert under[0].startswith("totals: 4 runs (2 COMPLETED, 1 FAILED, 1 SKIPPED); 1 dry run; ")
    assert "1 failed step" in under[0]
    joined = " ".join(line.strip() for line in under)  # wrapped at 100 columns
    assert (
        "records: read 10000020, changed 10000006, written 10000006, unchanged 9, "
        "failed 123459, quarantined 12346" in joined
    )
    assert under[-1] == "showing the latest 4 of 9 matching runs (--limit N or --all for more)"
    assert totals_lines(Totals(), matching=0) == ["no runs match"]
    assert totals_lines(Totals()) == ["no runs yet"]


def test_a_long_flow_name_is_clipped_not_widened() -> None:
    run = RunSummary("x" * 36, "a-very-long-custom-flow-name", "COMPLETED", T0, T0, None, None)
    text = history_table([run])
    _fits(text)
    assert "a-very-long-cus~" in text


def test_steps_table_fits_and_puts_reasons_under_the_step() -> None:
    runs = _runs()
    text = steps_table(runs[1])
    _fits(text)
    lines = text.splitlines()
    assert lines[0] == "incremental-sync FAILED: run 9a9a9a9a-2222-4b4b-8c8c-000000000002"
    assert lines[1].startswith("started 2026-11-30 14:22:05 UTC, took 1m00s")
    assert lines[2].startswith("reason: step 10 Download Items failed")
    row = next(i for i, line in enumerate(lines) if line.startswith("10  Download Items"))
    assert lines[row].split()[3] == "FAILED"
    assert lines[row + 1] == "    platform answered 503"
    assert lines[row + 3] == "    not run: step 10 failed"
    _fits(steps_table(runs[3]))  # the seven-digit figures
    assert "(dry run)" in steps_table(runs[0]).splitlines()[0]
    assert steps_table(runs[2]).splitlines()[-1] == "no steps ran"


def test_csv_has_one_row_per_run_or_per_step() -> None:
    out = io.StringIO()
    totals = Totals()
    write_csv(_runs(), out, totals=totals)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == RUN_FIELDS and len(rows) == 4 and totals.runs == 4
    sync, failed, skipped, seed = rows
    assert sync["dry_run"] == "true" and sync["read"] == "16" and sync["seconds"] == "3.5"
    assert failed["failed"] == "2" and failed["failed_steps"] == "1" and failed["message"] == LONG
    assert (skipped["state"], skipped["window_start"], skipped["window_end"]) == (
        "SKIPPED", "2026-11-01", "2026-11-07")  # fmt: skip
    assert skipped["entities"] == "invoices,items" and skipped["steps"] == "0"
    assert seed["years"] == "3" and seed["started_at"] == "2026-11-29T14:32:05+00:00"

    out = io.StringIO()
    write_csv(_runs(), out, steps=True)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == STEP_FIELDS
    assert [r["step"] for r in rows] == ["10", "13", "10", "11", "20", "", "20"]
    assert rows[3]["state"] == "SKIPPED" and rows[3]["message"] == "not run: step 10 failed"
    assert rows[5]["run_state"] == "SKIPPED" and "being synced" in rows[5]["message"]


def test_json_keeps_the_old_shape_and_adds_what_analysts_filter_on() -> None:
    out = io.StringIO()
    write_json(_runs(), out, extra={"matching": 4})
    doc = json.loads(out.getvalue())
    assert doc["matching"] == 4 and doc["totals"]["runs"] == 4
    assert doc["totals"]["states"] == {"COMPLETED": 2, "FAILED": 1, "SKIPPED": 1}
    sync, failed, skipped, seed = doc["runs"]
    assert {"flow", "state", "steps", "run_id", "started_at"} <= set(sync)
    assert set(sync["steps"][0]) >= {"step", "name", "entity", "direction", "state", "read",
                                      "changed", "written", "unchanged", "quarantined",
                                      "failed", "seconds"}  # fmt: skip
    assert sync["dry_run"] is True and failed["dry_run"] is False
    assert failed["failed"] == 2 and failed["failed_steps"] == 1 and failed["message"] == LONG
    assert skipped["window"] == {"start": "2026-11-01", "end": "2026-11-07"}
    assert skipped["entities"] == ["invoices", "items"] and skipped["steps"] == []
    assert seed["years"] == 3 and seed["seconds"] == 588.0
    assert sync["started_at"] == "2026-11-30T14:32:05+00:00"
    assert run_json(_runs()[0])["parameters"] == {"dry_run": True}

    empty = io.StringIO()
    write_json([], empty)
    assert json.loads(empty.getvalue())["runs"] == []


def test_naive_times_from_sqlite_read_as_utc() -> None:
    run = _runs()[0]
    run.started_at = run.started_at.replace(tzinfo=None)
    run.finished_at = run.finished_at.replace(tzinfo=None)  # type: ignore[union-attr]
    assert "2026-11-30 14:32" in history_table([run])
    assert run_json(run)["seconds"] == 3.5


def test_facts_and_formats() -> None:
    assert run_facts(None) == run_facts({}) == run_facts("junk")  # type: ignore[arg-type]
    assert run_facts({"years": True}).years is None
    assert run_facts({"entities": "items", "start": "2026-01-01"}).describe() == (
        "window 2026-01-01..?; entities items"
    )
    assert [fmt_duration(s) for s in (None, 0.04, 59.94, 60, 588.4, 3725, 2 * 86400 + 3600)] == [
        "-", "0.0s", "59.9s", "1m00s", "9m48s", "1h02m", "2d01h"]  # fmt: skip
    assert [fmt_count(n) for n in (0, 950, 12_345, 4_100_000, 2.5)] == ["0", "950", "12.3k",
                                                                         "4.1M", "2.5"]  # fmt: skip


def test_markdown_summary_escapes_what_records_bring() -> None:
    runs = _runs()
    errors = [RecordError(13, "customers", "C|01*", "Email_Address", "bad `value` | <b>x</b>")]
    text = markdown_summary(runs[0], errors)
    assert text.startswith("# incremental-sync: COMPLETED (dry run)\n")
    assert "- dry run: yes, nothing was written" in text
    assert "C\\|01\\*" in text and "Email\\_Address" in text and "\\<b\\>" in text
    assert md_escape("a|b") == "a\\|b"
    table = [line for line in text.splitlines() if line.startswith("| 1")]
    assert len(table) == 2 and all(line.count(" | ") == 8 for line in table)
    back = markdown_summary(runs[2])
    assert "- backfill window: 2026-11-01 to 2026-11-07 (inclusive)" in back
    assert "- entities: invoices, items" in back
