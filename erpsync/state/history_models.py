"""What the run ledger's history queries return: filters, pages, per-run, per-entity and
per-day totals (erpsync.state.history reads them; the history command and the report
draw them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from erpsync.state import schema as t
from erpsync.state.models import RunSummary

__all__ = [
    "FAILED_STEP_STATES",
    "STATES",
    "Cursor",
    "DayTotals",
    "EntityTotals",
    "QuarantinedRecord",
    "RunFilter",
    "RunPage",
    "RunTotals",
    "bucket_days",
    "utc",
]

# Every state a run can have in the ledger (SKIPPED: it found the company busy).
STATES = ("COMPLETED", "FAILED", "CRASHED", "SKIPPED", "RUNNING")
# Step states that mean the step did not do its job (HELD: the gate's circuit breaker).
FAILED_STEP_STATES = ("FAILED", "HELD")


def utc(value: datetime) -> datetime:
    """An aware UTC datetime: SQLite hands timestamps back naive (they were written in
    UTC), PostgreSQL in the session's time zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class RunFilter:
    """Which runs: started in [since, before), of these flows, in these states and not
    in those (empty: any). Bounds are converted to UTC before they are bound: SQLite
    compares the stored UTC text, so a bound in another zone would shift the window."""

    since: datetime | None = None
    before: datetime | None = None
    flows: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    exclude_states: tuple[str, ...] = ()

    def where(self, company: str) -> sa.ColumnElement[bool]:
        c = t.run.c
        clauses: list[sa.ColumnElement[bool]] = [c.company == company]
        if self.since is not None:
            clauses.append(c.started_at >= utc(self.since))
        if self.before is not None:
            clauses.append(c.started_at < utc(self.before))
        if self.flows:
            clauses.append(c.flow.in_(self.flows))
        if self.states:
            clauses.append(c.state.in_(self.states))
        if self.exclude_states:
            clauses.append(c.state.not_in(self.exclude_states))
        return sa.and_(*clauses)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this run in the page's order."""

    started_at: datetime
    run_id: str


@dataclass
class RunPage:
    runs: list[RunSummary]
    next: Cursor | None  # None: this was the last page


@dataclass
class RunTotals:
    """One run with its steps' figures summed (no step rows): what charts need."""

    run_id: str
    flow: str
    state: str
    started_at: datetime
    finished_at: datetime | None
    message: str | None
    parameters: dict[str, Any] | None
    steps: int = 0
    failed_steps: int = 0
    read: int = 0
    changed: int = 0
    written: int = 0
    unchanged: int = 0
    quarantined: int = 0
    failed: int = 0
    waiting: int = 0
    step_seconds: float = 0.0
    record_errors: int = 0  # rows in record_error
    quarantine_rows: int = 0  # rows in quarantine

    @property
    def seconds(self) -> float | None:
        """Wall time of the run; None while it runs."""
        if self.finished_at is None:
            return None
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


@dataclass(frozen=True)
class EntityTotals:
    """What one run did for one entity in one direction (its steps summed)."""

    run_id: str
    started_at: datetime
    flow: str
    entity: str
    direction: str
    read: int
    changed: int
    written: int
    quarantined: int
    failed: int
    seconds: float


@dataclass
class DayTotals:
    """The runs started on one UTC day."""

    day: date
    runs: int = 0
    states: dict[str, int] = field(default_factory=dict)
    dry_runs: int = 0
    read: int = 0
    written: int = 0
    failed: int = 0
    quarantined: int = 0
    record_errors: int = 0
    quarantine_rows: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class QuarantinedRecord:
    """A record a gate kept from the ERP in a run, with the expectations it failed."""

    step: int
    entity: str
    record_key: str
    failures: list[dict[str, Any]]
    resolved: bool


def bucket_days(runs: Iterable[RunTotals]) -> list[DayTotals]:
    """Per-run totals summed per UTC day, oldest first. Made here from the streamed runs
    rather than by a GROUP BY: one row per day is all that is held, and no dialect's date
    function is needed (SQLite keeps the time stamps as text)."""
    days: dict[date, DayTotals] = {}
    for run in runs:
        day = days.setdefault(run.started_at.date(), DayTotals(run.started_at.date()))
        day.runs += 1
        day.states[run.state] = day.states.get(run.state, 0) + 1
        day.dry_runs += bool((run.parameters or {}).get("dry_run"))
        day.read += run.read
        day.written += run.written
        day.failed += run.failed
        day.quarantined += run.quarantined
        day.record_errors += run.record_errors
        day.quarantine_rows += run.quarantine_rows
        day.seconds += run.seconds or 0.0
    return [days[d] for d in sorted(days)]
