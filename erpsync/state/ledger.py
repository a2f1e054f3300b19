"""The run ledger (runs, their steps, records not synced, conflicts) and the quarantine,
both scoped to the store's company. A mixin of StateStore, which provides `engine`,
`company` and `_upsert`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from erpsync.state import schema as t
from erpsync.state.models import QuarantineEntry, RecordError, RunSummary, StepOutcome

__all__ = ["RESUMED", "RunLedger"]

# Message of a step a resumed run did not repeat.
RESUMED = "done in interrupted run"
_IN_CHUNK = 900


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RunLedger:
    if TYPE_CHECKING:
        engine: sa.Engine
        company: str

        def _upsert(self, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None: ...

    # --- runs ------------------------------------------------------------------------------
    def interrupted(self, flow: str) -> tuple[str, set[int]] | None:
        """The latest run of `flow` if it did not complete, with the steps that were done
        in it (completed there, or already done by the run it resumed). Skipped runs (the
        company was busy) did nothing and are not looked at."""
        c = t.run.c
        with self.engine.connect() as conn:
            last = conn.execute(
                sa.select(c.run_id, c.state)
                .where(c.company == self.company, c.flow == flow, c.state != "SKIPPED")
                .order_by(c.started_at.desc()).limit(1)
            ).first()  # fmt: skip
            if last is None or last.state == "COMPLETED":
                return None
            s = t.run_step.c
            rows = conn.execute(
                sa.select(s.step, s.state, s.message).where(s.run_id == last.run_id)
            )
            done = {
                step for step, state, message in rows
                if state == "COMPLETED" or (message or "").startswith(RESUMED)
            }  # fmt: skip
        return last.run_id, done

    def start_run(self, run_id: str, flow: str, parameters: dict[str, Any]) -> list[str]:
        """Record the run as RUNNING. Call it holding the company's lease: any other run of
        the company still marked RUNNING then ended without finishing (killed, crashed)
        and is marked CRASHED, so history does not show it running for ever. Returns the
        ids of the runs so marked."""
        c = t.run.c
        where = sa.and_(c.company == self.company, c.state == "RUNNING", c.run_id != run_id)
        with self.engine.begin() as conn:
            crashed = [r for (r,) in conn.execute(sa.select(c.run_id).where(where))]
            if crashed:
                conn.execute(
                    t.run.update()
                    .where(where, c.run_id.in_(crashed))
                    .values(state="CRASHED", message="ended without finishing", finished_at=_now())
                )
        self._put_run(run_id, flow, "RUNNING", parameters)
        return crashed

    def record_skipped_run(
        self, run_id: str, flow: str, parameters: dict[str, Any], message: str
    ) -> None:
        """A run that did not start because the company was busy (or a tick dropped)."""
        self._put_run(run_id, flow, "SKIPPED", parameters, message=message, finished=True)

    def _put_run(
        self,
        run_id: str,
        flow: str,
        state: str,
        parameters: dict[str, Any],
        *,
        message: str | None = None,
        finished: bool = False,
    ) -> None:
        now = _now()
        row = {
            "run_id": run_id,
            "company": self.company,
            "flow": flow,
            "state": state,
            "started_at": now,
            "finished_at": now if finished else None,
            "message": message,
            "parameters": parameters,
        }
        self._upsert(t.run, [row], ["run_id"])

    def finish_run(
        self, run_id: str, state: str, message: str | None = None, io: dict[str, Any] | None = None
    ) -> None:
        q = (
            t.run.update()
            .where(t.run.c.run_id == run_id, t.run.c.company == self.company)
            .values(state=state, message=message, finished_at=_now(), io=io)
        )
        with self.engine.begin() as conn:
            conn.execute(q)

    def end_if_running(self, run_id: str, state: str, message: str) -> None:
        """End a run that is still RUNNING (a run stopped from outside mid-way)."""
        c = t.run.c
        with self.engine.begin() as conn:
            conn.execute(
                t.run.update()
                .where(c.run_id == run_id, c.company == self.company, c.state == "RUNNING")
                .values(state=state, message=message, finished_at=_now())
            )

    def record_step(self, run_id: str, outcome: StepOutcome) -> None:
        row = {"run_id": run_id, "company": self.company, **outcome.ledger_row()}
        self._upsert(t.run_step, [row], ["run_id", "step"])

    def record_errors(self, run_id: str, errors: Sequence[RecordError]) -> None:
        if not errors:
            return
        now = _now()
        rows = [
            {"run_id": run_id, "company": self.company, "created_at": now, **e.as_row()}
            for e in errors
        ]
        with self.engine.begin() as conn:
            conn.execute(t.record_error.insert(), rows)

    def record_conflicts(self, run_id: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        now = _now()
        values = [{"run_id": run_id, "company": self.company, "created_at": now, **r} for r in rows]
        with self.engine.begin() as conn:
            conn.execute(t.run_conflict.insert(), values)

    def run_errors(self, run_id: str, limit: int = 1000) -> list[RecordError]:
        c = t.record_error.c
        q = (
            sa.select(c.step, c.entity, c.record_key, c.field, c.reason)
            .where(c.run_id == run_id, c.company == self.company)
            .order_by(c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [RecordError(*row) for row in conn.execute(q)]

    def recent_runs(self, limit: int = 10, flow: str | None = None) -> list[RunSummary]:
        c = t.run.c
        q = sa.select(t.run).where(c.company == self.company)
        if flow:
            q = q.where(c.flow == flow)
        return self._summaries(q.order_by(c.started_at.desc()).limit(limit))

    def _summaries(self, q: sa.Select[Any]) -> list[RunSummary]:
        with self.engine.connect() as conn:
            runs = [dict(r._mapping) for r in conn.execute(q)]
            ids = [r["run_id"] for r in runs]
            steps: dict[str, list[StepOutcome]] = {i: [] for i in ids}
            s = t.run_step.c
            for part in _chunks(ids):
                sq = sa.select(t.run_step).where(s.run_id.in_(part)).order_by(s.run_id, s.step)
                for row in conn.execute(sq):
                    m = dict(row._mapping)
                    steps[m.pop("run_id")].append(StepOutcome.from_ledger_row(m))
        return [RunSummary.from_row(r, steps[r["run_id"]]) for r in runs]

    def run_summary(self, run_id: str) -> RunSummary | None:
        c = t.run.c
        found = self._summaries(
            sa.select(t.run).where(c.run_id == run_id, c.company == self.company)
        )
        return found[0] if found else None

    # --- quarantine ------------------------------------------------------------------------
    def _open(self, entity: str) -> sa.ColumnElement[bool]:
        q = t.quarantine.c
        return sa.and_(q.company == self.company, q.entity == entity, q.resolved_at.is_(None))

    def quarantine(self, run_id: str, entries: Sequence[QuarantineEntry]) -> None:
        """Keep rejected records; a record quarantined before and still open is replaced."""
        if not entries:
            return
        now = _now()
        q = t.quarantine.c
        with self.engine.begin() as conn:
            for entity, group in groupby(
                sorted(entries, key=lambda e: e.entity), lambda e: e.entity
            ):
                for part in _chunks([e.record_key for e in group]):
                    conn.execute(
                        t.quarantine.update()
                        .where(self._open(entity), q.record_key.in_(part))
                        .values(resolved_run_id=run_id, resolved_at=now)
                    )
            conn.execute(
                t.quarantine.insert(),
                [
                    {"run_id": run_id, "company": self.company, "created_at": now, **e.as_row()}
                    for e in entries
                ],
            )

    def resolve_quarantine(self, entity: str, record_keys: Sequence[str], run_id: str) -> int:
        """Close the open entries of records that passed the gate in this run."""
        q = t.quarantine.c
        total = 0
        now = _now()
        with self.engine.begin() as conn:
            for part in _chunks(list(record_keys)):
                result = conn.execute(
                    t.quarantine.update()
                    .where(self._open(entity), q.record_key.in_(part))
                    .values(resolved_run_id=run_id, resolved_at=now)
                )
                total += result.rowcount or 0
        return total

    def open_quarantine(self, entity: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        q = t.quarantine.c
        stmt = sa.select(t.quarantine).where(q.company == self.company, q.resolved_at.is_(None))
        if entity:
            stmt = stmt.where(q.entity == entity)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt.order_by(q.id).limit(limit))]
