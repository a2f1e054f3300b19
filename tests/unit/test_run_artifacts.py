"""The Prefect artifacts of a run: a table of the per-step figures and a short markdown
summary naming what the run was and the first records it did not sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from erpsync.reports.artifacts import artifact_key, publish_run_artifacts, run_markdown, step_table
from erpsync.state import QuarantineEntry, RecordError, RunSummary, StateStore, StepOutcome
from erpsync.state.history import QuarantinedRecord

T0 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def _backfill() -> RunSummary:
    return RunSummary(
        "run-1", "backfill", "FAILED", T0, T0 + timedelta(seconds=75),
        "step 20 Download Invoices failed: connection reset", {
            "entities": ["invoices", "items"], "start": "2026-11-01", "end": "2026-11-07",
            "dry_run": True},
        [StepOutcome(10, "Download Items", "items", "download", read=40, changed=4,
                     unchanged=36, seconds=1.234),
         StepOutcome(20, "Download Invoices", "invoices", "download", "FAILED",
                     message="connection reset")],
    )  # fmt: skip


def test_step_table_is_one_row_per_step() -> None:
    rows = step_table(_backfill())
    assert [r["#"] for r in rows] == [10, 20]
    assert list(rows[0]) == ["#", "step", "entity", "direction", "state", "read", "changed",
                             "written", "unchanged", "quarantined", "failed", "seconds",
                             "message"]  # fmt: skip
    assert rows[0]["seconds"] == 1.23 and rows[1]["message"] == "connection reset"


def test_markdown_names_the_run_and_cuts_the_lists() -> None:
    errors = [RecordError(20, "invoices", f"INV-{i}", None, "x" * 400) for i in range(3)]
    quarantined = [
        QuarantinedRecord(13, "customers", "C_1", [{"column": "ZipCode", "message": "5 digits"},
                                                   {"expectation": "not_null"}], resolved=True)
    ]  # fmt: skip
    text = run_markdown(
        _backfill(), errors, quarantined, error_count=40, quarantine_count=1,
        steps_key="backfill-steps",
    )  # fmt: skip
    assert text.startswith("# backfill: FAILED (dry run)\n")
    for needle in (
        "- dry run: yes, nothing was written",
        "- backfill window: 2026-11-01 to 2026-11-07 (inclusive)",
        "- entities: invoices, items",
        "**step 20 Download Invoices failed: connection reset**",
        "2 steps (1 failed or held): read 40, written 0",
        "table artifact `backfill-steps`",
        "## Steps that failed",
        "- step 20 Download Invoices: connection reset",
        "## Records not synced (40)",
        "- ... and 37 more: `erpsync errors --run run-1`",
        "## Quarantined by the gate (1)",
        "- step 13 customers C\\_1: ZipCode: 5 digits; not\\_null (since resolved)",
    ):
        assert needle in text, needle
    reason = next(line for line in text.splitlines() if "INV-0" in line)
    assert len(reason) < 200 and reason.endswith("...")
    assert len(text.splitlines()) < 40


def test_artifact_keys_are_what_prefect_accepts() -> None:
    assert artifact_key("incremental-sync") == "incremental-sync"
    assert artifact_key("Initial_Seed v2") == "initial-seed-v2"
    assert artifact_key("***") == "run"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[StateStore]:
    made = StateStore(f"sqlite:///{tmp_path / 'state.db'}", "ABC")
    made.migrate()
    yield made
    made.close()


def _ledger_run(store: StateStore) -> RunSummary:
    store.start_run("run-7", "incremental-sync", {"dry_run": False})
    step = StepOutcome(13, "Upload Customers", "customers", "upload", read=30, written=5,
                       failed=12, quarantined=14)  # fmt: skip
    store.record_step("run-7", step)
    store.record_errors(
        "run-7",
        [RecordError(13, "customers", f"C{i}", "Email", "not an e-mail") for i in range(12)],
    )
    store.quarantine("run-7", [
        QuarantineEntry(13, "customers", "upload", f"Q{i}", {}, [{"column": "Zip", "message": "5"}])
        for i in range(14)
    ])  # fmt: skip
    store.finish_run("run-7", "COMPLETED")
    summary = store.run_summary("run-7")
    assert summary is not None
    return summary


def test_publish_creates_the_table_then_the_summary(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prefect.artifacts

    made: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(prefect.artifacts, "create_table_artifact",
                        lambda **kw: made.append(("table", kw)))  # fmt: skip
    monkeypatch.setattr(prefect.artifacts, "create_markdown_artifact",
                        lambda **kw: made.append(("markdown", kw)))  # fmt: skip
    publish_run_artifacts(store, _ledger_run(store), limit=5)
    (kind1, table), (kind2, md) = made
    assert (kind1, table["key"], kind2, md["key"]) == (
        "table", "incremental-sync-steps", "markdown", "incremental-sync-summary")  # fmt: skip
    assert table["table"][0]["failed"] == 12
    text = md["markdown"]
    assert "## Records not synced (12)" in text and "- ... and 7 more" in text
    assert "## Quarantined by the gate (14)" in text and "- ... and 9 more" in text
    assert text.count("- step 13 customers") == 10


@pytest.mark.slow
def test_the_artifacts_reach_a_prefect_server(store: StateStore) -> None:
    """Against a real (test) Prefect server: the table artifact takes our rows as they
    are, and both artifacts land on the flow run."""
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.testing.utilities import prefect_test_harness

    summary = _ledger_run(store)

    @flow
    def publish() -> str:
        from prefect.runtime import flow_run

        publish_run_artifacts(store, summary)
        return str(flow_run.get_id())

    with prefect_test_harness(server_startup_timeout=90):
        run_id = publish()
        with get_client(sync_client=True) as client:
            found = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
            )
    by_key = {a.key: a for a in found}
    assert set(by_key) == {"incremental-sync-steps", "incremental-sync-summary"}
    assert by_key["incremental-sync-steps"].type == "table"
    assert "Records not synced (12)" in str(by_key["incremental-sync-summary"].data)
