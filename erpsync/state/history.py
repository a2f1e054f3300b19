"""Queries of the run ledger for analysts: runs by period, flow and state, page by page,
and the aggregates the history command and the HTML report draw (per run, per entity per
run, per day).

A mixin of StateStore, which provides `engine` and `company`; every statement is scoped
to the company. Runs are read in keyset pages (started_at, run_id) over the
(company, started_at) index and each page's steps, errors and quarantine rows are fetched
with one grouped statement per table, so a ledger of any size streams in constant
memory: nothing here loads a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from erpsync.state import schema as t
from erpsync.state.history_models import (
    FAILED_STEP_STATES,
    STATES,
    Cursor,
    DayTotals,
    EntityTotals,
    QuarantinedRecord,
    RunFilter,
    RunPage,
    RunTotals,
    bucket_days,
    utc,
)
from erpsync.state.models import RunSummary, StepOutcome

__all__ = [
    "FAILED_STEP_STATES",
    "STATES",
    "Cursor",
    "DayTotals",
    "EntityTotals",
    "QuarantinedRecord",
    "RunFilter",
    "RunHistory",
    "RunPage",
    "RunTotals",
    "bucket_days",
    "utc",
]

_PAGE = 500
_IN_CHUNK = 900  # under SQLite's bound-parameter limit
Order = Literal["newest", "oldest"]


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _run_row(row: sa.Row[Any]) -> dict[str, Any]:
    m = dict(row._mapping)
    m["started_at"] = utc(m["started_at"])
    m["finished_at"] = utc(m["finished_at"]) if m["finished_at"] is not None else None
    return m


class RunHistory:
    if TYPE_CHECKING:
        engine: sa.Engine
        company: str

    # --- runs, page by page ---------------------------------------------------------------
    def _run_rows(
        self,
        conn: sa.Connection,
        where: RunFilter,
        limit: int,
        after: Cursor | None,
        order: Order,
    ) -> list[dict[str, Any]]:
        c = t.run.c
        q = sa.select(t.run).where(where.where(self.company))
        newest = order == "newest"
        if after is not None:
            at = utc(after.started_at)
            past = c.started_at < at if newest else c.started_at > at
            tie = c.run_id < after.run_id if newest else c.run_id > after.run_id
            q = q.where(sa.or_(past, sa.and_(c.started_at == at, tie)))
        if newest:
            q = q.order_by(c.started_at.desc(), c.run_id.desc())
        else:
            q = q.order_by(c.started_at.asc(), c.run_id.asc())
        return [_run_row(r) for r in conn.execute(q.limit(limit))]

    def _pages(
        self, where: RunFilter, limit: int | None, order: Order, size: int = _PAGE
    ) -> Iterator[list[dict[str, Any]]]:
        """The run rows matching, one keyset page at a time; each page is its own short
        read, so a slow consumer holds no connection or transaction open."""
        after: Cursor | None = None
        left = limit
        while left is None or left > 0:
            n = size if left is None else min(size, left)
            with self.engine.connect() as conn:
                rows = self._run_rows(conn, where, n, after, order)
            if rows:
                yield rows
            if left is not None:
                left -= len(rows)
            if len(rows) < n:
                return
            after = Cursor(rows[-1]["started_at"], rows[-1]["run_id"])

    def run_page(
        self,
        where: RunFilter | None = None,
        limit: int = 20,
        after: Cursor | None = None,
        order: Order = "newest",
    ) -> RunPage:
        """Up to `limit` runs with their steps, from `after` on (None: the first page)."""
        with self.engine.connect() as conn:
            rows = self._run_rows(conn, where or RunFilter(), limit + 1, after, order)
            more = len(rows) > limit
            rows = rows[:limit]
            steps = self._steps_of(conn, [r["run_id"] for r in rows])
        runs = [RunSummary.from_row(r, steps[r["run_id"]]) for r in rows]
        last = rows[-1] if more and rows else None
        return RunPage(runs, Cursor(last["started_at"], last["run_id"]) if last else None)

    def iter_runs(
        self,
        where: RunFilter | None = None,
        limit: int | None = None,
        order: Order = "newest",
        page: int = _PAGE,
    ) -> Iterator[RunSummary]:
        """Runs with their steps, streamed page by page (limit None: every run matching)."""
        for rows in self._pages(where or RunFilter(), limit, order, page):
            with self.engine.connect() as conn:
                steps = self._steps_of(conn, [r["run_id"] for r in rows])
            for r in rows:
                yield RunSummary.from_row(r, steps[r["run_id"]])

    def count_runs(self, where: RunFilter | None = None) -> int:
        cond = (where or RunFilter()).where(self.company)
        q = sa.select(sa.func.count()).select_from(t.run).where(cond)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def last_run(self, flow: str, states: Sequence[str] = ()) -> RunSummary | None:
        """The latest run of `flow` (in one of `states`, when given)."""
        page = self.run_page(RunFilter(flows=(flow,), states=tuple(states)), limit=1)
        return page.runs[0] if page.runs else None

    def resolve_run_id(self, prefix: str) -> str | None:
        """The run whose id starts with `prefix` (history prints 8 characters); None when
        no run or more than one matches."""
        c = t.run.c
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = (
            sa.select(c.run_id)
            .where(c.company == self.company, c.run_id.like(pattern, escape="\\"))
            .limit(2)
        )
        with self.engine.connect() as conn:
            found = [r for (r,) in conn.execute(q)]
        return found[0] if len(found) == 1 else None

    def _steps_of(self, conn: sa.Connection, ids: Sequence[str]) -> dict[str, list[StepOutcome]]:
        steps: dict[str, list[StepOutcome]] = {i: [] for i in ids}
        s = t.run_step.c
        for part in _chunks(ids):
            q = (
                sa.select(t.run_step)
                .where(s.company == self.company, s.run_id.in_(part))
                .order_by(s.run_id, s.step)
            )
            for row in conn.execute(q):
                m = dict(row._mapping)
                steps[m.pop("run_id")].append(StepOutcome.from_ledger_row(m))
        return steps

    # --- aggregates -----------------------------------------------------------------------
    def run_totals(
        self, where: RunFilter | None = None, limit: int | None = None, order: Order = "newest"
    ) -> Iterator[RunTotals]:
        """Each run with its steps' figures summed and its error and quarantine rows
        counted, in the database, page by page."""
        for rows in self._pages(where or RunFilter(), limit, order):
            totals = {r["run_id"]: _totals(r) for r in rows}
            with self.engine.connect() as conn:
                self._add_step_sums(conn, totals)
                self._add_counts(conn, totals, t.record_error, "record_errors")
                self._add_counts(conn, totals, t.quarantine, "quarantine_rows")
            yield from totals.values()  # dicts keep the page's order

    def _add_step_sums(self, conn: sa.Connection, totals: dict[str, RunTotals]) -> None:
        s = t.run_step.c
        failed_step = sa.case((s.state.in_(FAILED_STEP_STATES), 1), else_=0)
        sums = [sa.func.sum(getattr(s, k)) for k in _SUMS]
        for part in _chunks(list(totals)):
            q = (
                sa.select(s.run_id, sa.func.count(), sa.func.sum(failed_step), *sums)
                .add_columns(sa.func.sum(s.seconds))
                .where(s.company == self.company, s.run_id.in_(part))
                .group_by(s.run_id)
            )
            for run_id, steps, failed_steps, *values, seconds in conn.execute(q):
                tot = totals[run_id]
                tot.steps, tot.failed_steps = int(steps), int(failed_steps or 0)
                for name, value in zip(_SUMS, values, strict=True):
                    setattr(tot, name, int(value or 0))
                tot.step_seconds = float(seconds or 0.0)

    def _add_counts(
        self, conn: sa.Connection, totals: dict[str, RunTotals], table: sa.Table, attr: str
    ) -> None:
        c = table.c
        for part in _chunks(list(totals)):
            q = (
                sa.select(c.run_id, sa.func.count())
                .where(c.company == self.company, c.run_id.in_(part))
                .group_by(c.run_id)
            )
            for run_id, n in conn.execute(q):
                setattr(totals[run_id], attr, int(n))

    def entity_totals(
        self, where: RunFilter | None = None, limit: int | None = None, order: Order = "newest"
    ) -> Iterator[EntityTotals]:
        """Per run, per entity and direction: the run's steps of that entity summed, in
        step order within a run."""
        s = t.run_step.c
        sums = [sa.func.sum(getattr(s, k)) for k in _ENTITY_SUMS]
        for rows in self._pages(where or RunFilter(), limit, order):
            runs = {r["run_id"]: r for r in rows}
            found: dict[str, list[EntityTotals]] = {r: [] for r in runs}
            with self.engine.connect() as conn:
                for part in _chunks(list(runs)):
                    q = (
                        sa.select(s.run_id, s.entity, s.direction, *sums)
                        .add_columns(sa.func.sum(s.seconds))
                        .where(s.company == self.company, s.run_id.in_(part))
                        .group_by(s.run_id, s.entity, s.direction)
                        .order_by(s.run_id, sa.func.min(s.step))
                    )
                    for run_id, entity, direction, *values, seconds in conn.execute(q):
                        run = runs[run_id]
                        read, changed, written, quarantined, failed = (int(v or 0) for v in values)
                        found[run_id].append(
                            EntityTotals(
                                run_id=run_id,
                                started_at=run["started_at"],
                                flow=run["flow"],
                                entity=entity,
                                direction=direction,
                                read=read,
                                changed=changed,
                                written=written,
                                quarantined=quarantined,
                                failed=failed,
                                seconds=float(seconds or 0.0),
                            )
                        )
            for per_run in found.values():
                yield from per_run

    def day_totals(
        self, where: RunFilter | None = None, limit: int | None = None
    ) -> list[DayTotals]:
        """Outcomes, failures and quarantines per UTC day of the (latest `limit`) runs,
        oldest day first."""
        return bucket_days(self.run_totals(where, limit))

    # --- what a run did not sync ----------------------------------------------------------
    def run_quarantine(self, run_id: str, limit: int = 50) -> list[QuarantinedRecord]:
        """The records a gate kept from the ERP in this run (resolved later or not)."""
        q = t.quarantine.c
        stmt = (
            sa.select(q.step, q.entity, q.record_key, q.failures, q.resolved_at)
            .where(q.company == self.company, q.run_id == run_id)
            .order_by(q.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                QuarantinedRecord(step, entity, key, list(failures or []), resolved is not None)
                for step, entity, key, failures, resolved in conn.execute(stmt)
            ]

    def run_issue_counts(self, run_id: str) -> tuple[int, int]:
        """(records not synced, records quarantined) of one run."""
        counts = []
        with self.engine.connect() as conn:
            for table in (t.record_error, t.quarantine):
                c = table.c
                q = sa.select(sa.func.count()).where(c.company == self.company, c.run_id == run_id)
                counts.append(int(conn.execute(q).scalar_one()))
        return counts[0], counts[1]


# `waiting` only where the ledger has it (added by migration 0004).
_SUMS = ("read", "changed", "written", "unchanged", "quarantined", "failed") + (
    ("waiting",) if "waiting" in t.run_step.c else ()
)
_ENTITY_SUMS = ("read", "changed", "written", "quarantined", "failed")


def _totals(row: dict[str, Any]) -> RunTotals:
    return RunTotals(
        run_id=row["run_id"],
        flow=row["flow"],
        state=row["state"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        message=row["message"],
        parameters=row["parameters"],
    )
