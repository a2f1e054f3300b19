"""The operator's inbox: every record erpsync could not sync, and requeueing them.

Two kinds of entries, one row per failed check:
  quarantined  a platform record the data-quality gate kept from the ERP (open entries)
  not synced   a record a step could not map, or one the ERP or the platform refused
               (record_error), with its field and reason

A mixin of StateStore (which gives `engine`, `company`); every statement is scoped to the
company, paged in SQL, never a whole table in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from erpsync.state import schema as t

__all__ = ["InboxEntry", "RecordInbox"]


@dataclass(frozen=True)
class InboxEntry:
    kind: str  # "quarantined" | "not synced"
    run_id: str
    created_at: datetime
    step: int
    entity: str
    record_key: str
    field: str | None
    expectation: str | None
    message: str

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["created_at"] = self.created_at.isoformat() if self.created_at else None
        return row


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RecordInbox:
    if TYPE_CHECKING:
        engine: sa.Engine
        company: str

    def has_run(self, run_id: str) -> bool:
        c = t.run.c
        q = sa.select(c.run_id).where(c.company == self.company, c.run_id == run_id)
        with self.engine.connect() as conn:
            return conn.execute(q).first() is not None

    def _quarantine_query(
        self, run_id: str | None, entity: str | None, since: datetime | None
    ) -> sa.Select[Any]:
        q = t.quarantine.c
        where = [q.company == self.company]
        if run_id is not None:
            where.append(q.run_id == run_id)
        else:
            where.append(q.resolved_at.is_(None))
        if entity:
            where.append(q.entity == entity)
        if since is not None:
            where.append(q.created_at >= since)
        return sa.select(t.quarantine).where(*where)

    def _error_query(
        self, run_id: str | None, entity: str | None, since: datetime | None
    ) -> sa.Select[Any]:
        e = t.record_error.c
        where = [e.company == self.company]
        if run_id is not None:
            where.append(e.run_id == run_id)
        if entity:
            where.append(e.entity == entity)
        if since is not None:
            where.append(e.created_at >= since)
        return sa.select(t.record_error).where(*where)

    def inbox_totals(
        self, *, run_id: str | None = None, entity: str | None = None,
        since: datetime | None = None,
    ) -> dict[str, dict[str, int]]:  # fmt: skip
        """{kind: {entity: records}}: records, not failed checks."""
        out: dict[str, dict[str, int]] = {"quarantined": {}, "not synced": {}}
        with self.engine.connect() as conn:
            q = self._quarantine_query(run_id, entity, since).subquery()
            rows = conn.execute(
                sa.select(q.c.entity, sa.func.count(sa.distinct(q.c.record_key))).group_by(
                    q.c.entity
                )
            )
            out["quarantined"] = {name: int(n) for name, n in rows}
            e = self._error_query(run_id, entity, since).subquery()
            rows = conn.execute(
                sa.select(e.c.entity, sa.func.count(sa.distinct(e.c.record_key))).group_by(
                    e.c.entity
                )
            )
            out["not synced"] = {name: int(n) for name, n in rows}
        return out

    def inbox(
        self,
        *,
        run_id: str | None = None,
        entity: str | None = None,
        since: datetime | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> Iterator[InboxEntry]:
        """Quarantined records (open ones; or those of `run_id`), then records not synced,
        one entry per failed check, newest first, `limit` at most (None: all)."""
        skipped = 0
        sent = 0
        for entry in self._entries(run_id, entity, since):
            if skipped < offset:
                skipped += 1
                continue
            if limit is not None and sent >= limit:
                return
            sent += 1
            yield entry

    def _entries(
        self, run_id: str | None, entity: str | None, since: datetime | None
    ) -> Iterator[InboxEntry]:
        q = self._quarantine_query(run_id, entity, since)
        e = self._error_query(run_id, entity, since)
        with self.engine.connect() as conn:
            streaming = conn.execution_options(stream_results=True, yield_per=500)
            rows = streaming.execute(q.order_by(t.quarantine.c.id.desc()))
            for row in rows:
                for failure in row.failures or [{}]:
                    if failure.get("severity", "error") != "error":
                        continue
                    yield InboxEntry(
                        "quarantined", row.run_id, _aware(row.created_at), row.step,
                        row.entity, row.record_key, failure.get("column"),
                        failure.get("expectation"),
                        failure.get("message") or "rejected by the data-quality gate",
                    )  # fmt: skip
            for row in streaming.execute(e.order_by(t.record_error.c.id.desc())):
                yield InboxEntry(
                    "not synced", row.run_id, _aware(row.created_at), row.step, row.entity,
                    row.record_key, row.field, None, row.reason,
                )  # fmt: skip

    # --- requeue ---------------------------------------------------------------------------
    def requeue_candidates(
        self, entity: str | None = None, keys: Sequence[str] = ()
    ) -> dict[str, list[str]]:
        """{entity: platform ids} of upload records to try again: open quarantine entries
        and records the ERP refused (linkage status error)."""
        found: dict[str, set[str]] = {}
        q, c = t.quarantine.c, t.linkage.c
        where_q = [q.company == self.company, q.resolved_at.is_(None), q.direction == "upload"]
        where_l = [c.company == self.company, c.status == "error", c.platform_id.is_not(None),
                   c.download_failed.is_(False)]  # fmt: skip
        if entity:
            where_q.append(q.entity == entity)
            where_l.append(c.entity == entity)
        if keys:
            where_q.append(q.record_key.in_(list(keys)))
            where_l.append(c.platform_id.in_(list(keys)))
        with self.engine.connect() as conn:
            for name, key in conn.execute(sa.select(q.entity, q.record_key).where(*where_q)):
                found.setdefault(name, set()).add(str(key))
            for name, key in conn.execute(sa.select(c.entity, c.platform_id).where(*where_l)):
                found.setdefault(name, set()).add(str(key))
        return {name: sorted(ids) for name, ids in found.items()}

    def requeued(self, entity: str, platform_ids: Sequence[str], by: str) -> None:
        """Close their quarantine entries and errors: they are pending again."""
        now = datetime.now(UTC)
        q, c = t.quarantine.c, t.linkage.c
        with self.engine.begin() as conn:
            for start in range(0, len(platform_ids), 900):
                part = list(platform_ids[start : start + 900])
                conn.execute(
                    t.quarantine.update()
                    .where(q.company == self.company, q.entity == entity,
                           q.record_key.in_(part), q.resolved_at.is_(None))
                    .values(resolved_run_id=by, resolved_at=now)
                )  # fmt: skip
                conn.execute(
                    t.linkage.update()
                    .where(c.company == self.company, c.entity == entity,
                           c.platform_id.in_(part), c.status == "error")
                    .values(status="pending", last_error=None, updated_at=now)
                )  # fmt: skip
