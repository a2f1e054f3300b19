"""The ledger's history queries (erpsync.state.history) on SQLite and PostgreSQL: filters,
keyset paging, the aggregates, company scoping, and that every statement is bounded."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from erpsync.state import QuarantineEntry, RecordError, StateStore, StepOutcome
from erpsync.state.history import RunFilter
from tests.state.ledger_fill import START, Filled, clock, fill_ledger


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def ledger(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[StateStore, Filled]]:
    """One ledger of 110 runs per database for the read-only tests of this module (the
    conftest's `store` is per test, and filling takes seconds)."""
    schema = None
    if request.param == "postgres":
        server: str = request.getfixturevalue("postgres_server_url")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(server)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in server else "?"
        url = f"{server}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'state.db'}"
    made = StateStore(url, "ABC")
    made.migrate()
    try:
        yield made, fill_ledger(made, runs=110)
    finally:
        made.close()
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture()
def filled(ledger: tuple[StateStore, Filled]) -> Filled:
    return ledger[1]


@pytest.fixture()
def full(ledger: tuple[StateStore, Filled]) -> StateStore:
    return ledger[0]


def _ids(runs: object) -> list[str]:
    return [r.run_id for r in runs]  # type: ignore[attr-defined]


def test_runs_come_newest_first_and_page_without_gaps_or_repeats(
    full: StateStore, filled: Filled
) -> None:
    everything = _ids(full.iter_runs(page=7))
    assert len(everything) == 110
    assert everything == sorted(everything, reverse=True)  # ids carry their order
    assert set(everything) == {r["run_id"] for r in filled.runs}
    oldest = _ids(full.iter_runs(order="oldest", page=9))
    assert oldest == everything[::-1]

    seen, page = [], full.run_page(limit=25)
    while True:
        seen += _ids(page.runs)
        if page.next is None:
            break
        page = full.run_page(limit=25, after=page.next)
    assert seen == everything
    assert _ids(full.iter_runs(limit=13, page=5)) == everything[:13]


def test_filters_by_time_flow_and_state(full: StateStore, filled: Filled) -> None:
    runs = list(full.iter_runs())
    since, before = START + timedelta(days=3), START + timedelta(days=6)
    window = list(full.iter_runs(RunFilter(since=since, before=before)))
    assert window and all(since <= r.started_at < before for r in window)
    assert len(window) == sum(since <= r.started_at < before for r in runs)
    # A bound given in another zone means the same instant.
    zone = datetime(2026, 11, 4, 1, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=-5)))
    assert _ids(full.iter_runs(RunFilter(since=zone))) == _ids(
        full.iter_runs(RunFilter(since=datetime(2026, 11, 4, 1, 0, tzinfo=UTC)))
    )

    backfills = list(full.iter_runs(RunFilter(flows=("backfill",))))
    assert _ids(backfills) == sorted(
        (r["run_id"] for r in filled.of(flow="backfill")), reverse=True
    )
    assert all(
        r.parameters and r.parameters["entities"] == ["invoices", "items"] for r in backfills
    )

    for state in ("COMPLETED", "FAILED", "CRASHED", "SKIPPED", "RUNNING"):
        found = _ids(full.iter_runs(RunFilter(states=(state,))))
        assert found == sorted((r["run_id"] for r in filled.of(state=state)), reverse=True), state
        assert full.count_runs(RunFilter(states=(state,))) == len(found)
    assert {r["state"] for r in filled.runs} == {"COMPLETED", "FAILED", "CRASHED", "SKIPPED",
                                                 "RUNNING"}  # fmt: skip
    ran = RunFilter(exclude_states=("SKIPPED",))
    assert full.count_runs(ran) == 110 - len(filled.of(state="SKIPPED"))
    assert full.count_runs(RunFilter(flows=("backfill",), states=("SKIPPED",))) == len(
        [r for r in filled.of(flow="backfill") if r["state"] == "SKIPPED"]
    )


def test_run_totals_sum_the_steps_and_count_errors_and_quarantine(
    full: StateStore, filled: Filled
) -> None:
    totals = {t.run_id: t for t in full.run_totals()}
    assert len(totals) == 110
    for info in filled.runs:
        t = totals[str(info["run_id"])]
        assert t.state == info["state"]
        steps: list[StepOutcome] = info.get("steps", [])  # type: ignore[assignment]
        assert t.steps == len(steps)
        assert t.read == sum(s.read for s in steps)
        assert t.written == sum(s.written for s in steps)
        assert t.failed == sum(s.failed for s in steps) == t.record_errors
        assert t.quarantined == sum(s.quarantined for s in steps) == t.quarantine_rows
        assert t.failed_steps == sum(s.state == "FAILED" for s in steps)
        assert t.step_seconds == pytest.approx(sum(s.seconds for s in steps))
        if t.state in ("SKIPPED", "RUNNING"):
            assert t.steps == 0 or t.state == "RUNNING"
    assert [t.run_id for t in full.run_totals(limit=30, order="oldest")] == sorted(totals)[:30]


def test_entity_totals_and_days(full: StateStore, filled: Filled) -> None:
    per_entity = list(full.entity_totals(limit=40))
    runs = {t.run_id: t for t in full.run_totals(limit=40)}
    assert {e.run_id for e in per_entity} <= set(runs)
    for run_id, run in runs.items():
        mine = [e for e in per_entity if e.run_id == run_id]
        assert sum(e.read for e in mine) == run.read
        assert sum(e.written for e in mine) == run.written
    backfill = next(r for r in runs.values() if r.flow == "backfill" and r.steps)
    assert [(e.entity, e.direction) for e in per_entity if e.run_id == backfill.run_id] == [
        ("items", "download"),
        ("invoices", "download"),
    ]  # in step order
    # customers go both ways: two rows
    seed_like = next(r for r in runs.values() if r.steps == 23)
    both = [e.direction for e in per_entity if e.run_id == seed_like.run_id and
            e.entity == "customers"]  # fmt: skip
    assert sorted(both) == ["download", "upload"]

    days = full.day_totals()
    assert [d.day for d in days] == sorted(d.day for d in days)
    assert sum(d.runs for d in days) == 110
    assert sum(d.failed for d in days) == sum(t.failed for t in full.run_totals())
    assert sum(d.states.get("SKIPPED", 0) for d in days) == len(filled.of(state="SKIPPED"))
    assert sum(d.dry_runs for d in days) == sum(
        bool(r["params"].get("dry_run"))
        for r in filled.runs  # type: ignore[attr-defined]
    )


def test_last_run_issues_and_run_id_prefixes(full: StateStore, filled: Filled) -> None:
    seed = full.last_run("initial-seed", states=("COMPLETED", "FAILED", "CRASHED"))
    assert seed is not None and seed.run_id == filled.of(flow="initial-seed")[-1]["run_id"]
    assert seed.state == "FAILED" and len(seed.steps) == 23
    with_issues = next(t for t in full.run_totals() if t.record_errors and t.quarantine_rows)
    errors, quarantined = full.run_issue_counts(with_issues.run_id)
    assert (errors, quarantined) == (with_issues.record_errors, with_issues.quarantine_rows)
    q = full.run_quarantine(with_issues.run_id, limit=1)
    assert len(q) == 1 and q[0].failures[0]["column"] == "ZipCode" and not q[0].resolved

    some = str(filled.runs[42]["run_id"])
    assert full.resolve_run_id(some[:11]) == some
    assert full.resolve_run_id("run-00") is None  # many
    assert full.resolve_run_id("nope") is None
    assert full.resolve_run_id("run_") is None and full.resolve_run_id("%") is None


def test_times_are_utc_and_another_company_is_invisible(store: StateStore, state_url: str) -> None:
    other = StateStore(state_url, "XYZ")
    try:
        with clock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC)) as now:
            other.start_run("theirs", "incremental-sync", {"dry_run": False})
            other.record_step("theirs", StepOutcome(10, "Download Items", "items", "download"))
            other.record_errors("theirs", [RecordError(10, "items", "X", None, "bad")])
            other.quarantine("theirs", [QuarantineEntry(13, "customers", "upload", "C", {}, [])])
            now.tick(5)
            other.finish_run("theirs", "COMPLETED")
            store.start_run("ours", "incremental-sync", {"dry_run": True})
            now.tick(3)
            store.finish_run("ours", "COMPLETED")
        assert _ids(store.iter_runs()) == ["ours"]
        assert store.count_runs() == 1 and store.resolve_run_id("the") is None
        assert store.run_issue_counts("theirs") == (0, 0)
        assert list(store.entity_totals()) == []
        (ours,) = store.run_totals()
        assert ours.started_at == datetime(2026, 11, 20, 12, 0, 5, tzinfo=UTC)
        assert ours.seconds == pytest.approx(3.0)
        (theirs,) = other.run_totals()
        assert (theirs.steps, theirs.record_errors, theirs.quarantine_rows) == (1, 1, 1)
    finally:
        other.close()


@pytest.fixture()
def statements(full: StateStore) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cur: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(full.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(full.engine, "before_cursor_execute", record)


def test_every_history_statement_is_bounded_and_scoped(
    full: StateStore, filled: Filled, statements: list[str]
) -> None:
    """Never a whole table: the run table is read by LIMITed keyset pages, the others by
    the page's run ids; and every statement names the company."""
    list(full.iter_runs(page=40))
    list(full.run_totals())
    list(full.entity_totals())
    full.day_totals()
    full.count_runs(RunFilter(flows=("backfill",)))
    full.last_run("initial-seed")
    selects = [s for s in statements if s.upper().startswith("SELECT")]
    assert len(selects) >= 15
    for s in selects:
        upper = s.upper()
        assert "COMPANY" in upper, s
        if "FROM RUN " in upper + " " and "COUNT(" not in upper:
            assert "LIMIT" in upper, s
        elif "FROM RUN_STEP" in upper or "FROM RECORD_ERROR" in upper or "FROM QUARANTINE" in upper:
            assert "RUN_ID IN" in upper, s
    # pages of 40 over 110 runs: 3 page reads (+1 that finds the end), not one big read
    pages = [s for s in selects if "FROM RUN " in s.upper() + " " and "LIMIT" in s.upper()]
    assert len(pages) >= 3
