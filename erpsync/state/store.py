"""The engine state store: linkages, watermarks, the run ledger, quarantine.

SQLAlchemy Core, batched: every read takes a list of keys, every write a list of rows, so
a chunk of 20,000 records costs a handful of statements. Upserts use the dialect's
ON CONFLICT (SQLite and PostgreSQL), so writing the same linkage twice is harmless: a run
that died after the platform accepted a batch and before its linkages were committed
simply writes them again next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from erpsync.errors import ConfigError, ConnectionFailed
from erpsync.state import schema as t
from erpsync.state.models import QuarantineEntry, RecordError, RunSummary, StepOutcome

__all__ = ["RESUMED", "StateStore"]

_IN_CHUNK = 900
# Message of a step a resumed run did not repeat.
RESUMED = (
    "done in interrupted run"  # under SQLite's bound-parameter limit with room for the other binds
)


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _redact(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class StateStore:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = sa.create_engine(url, future=True)
        except Exception as exc:  # bad driver names, malformed URLs
            raise ConfigError(f"state.url: {_redact(url)} is not usable: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            database = self.engine.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)

    # --- lifecycle -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Create missing tables; refuse a database written by a newer erpsync."""
        try:
            t.metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                found = conn.execute(sa.select(t.schema_info.c.version)).scalar()
                if found is None:
                    conn.execute(t.schema_info.insert().values(id=1, version=t.SCHEMA_VERSION))
                elif found > t.SCHEMA_VERSION:
                    raise ConfigError(
                        f"state.url: schema version {found} is newer than this erpsync "
                        f"({t.SCHEMA_VERSION}); upgrade erpsync"
                    )
        except sa.exc.OperationalError as exc:
            raise ConnectionFailed(
                f"state.url: cannot open {_redact(self.url)}: {exc.orig}"
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def _upsert(self, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
        if not rows:
            return
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(table)
        update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=update)
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)

    # --- linkages --------------------------------------------------------------------------
    def has_links(self, entity: str) -> bool:
        with self.engine.connect() as conn:
            q = sa.select(t.linkage.c.id).where(t.linkage.c.entity == entity).limit(1)
            return conn.execute(q).first() is not None

    def download_links(self, entity: str, erp_keys: Sequence[str]) -> dict[str, str | None]:
        """Keys the platform has, with the hash of what was last written (None when the
        last write failed, so the record is sent again)."""
        found: dict[str, str | None] = {}
        c = t.linkage.c
        with self.engine.connect() as conn:
            for part in _chunks(erp_keys):
                q = sa.select(c.erp_key, c.platform_hash, c.download_failed, c.platform_id).where(
                    c.entity == entity, c.erp_key.in_(part)
                )
                for key, digest, failed, pid in conn.execute(q):
                    if pid is not None or not failed:
                        found[key] = None if failed else digest
        return found

    def link_downloads(self, entity: str, rows: Iterable[tuple[str, str | None, str]]) -> None:
        """Record records written to the platform: (erp_key, platform_id, payload hash)."""
        now = _now()
        payload = [
            {
                "entity": entity,
                "erp_key": key,
                "platform_id": pid,
                "platform_hash": digest,
                "status": "synced",
                "last_error": None,
                "download_failed": False,
                "download_failed_run": None,
                "updated_at": now,
            }
            for key, pid, digest in rows
        ]
        self._upsert(t.linkage, payload, ["entity", "erp_key"])

    def upload_links(
        self, entity: str, platform_ids: Sequence[str]
    ) -> dict[str, tuple[str | None, str | None, str | None]]:
        """platform id -> (ERP key, last ERP-side hash, last platform-side hash)."""
        found: dict[str, tuple[str | None, str | None, str | None]] = {}
        c = t.linkage.c
        with self.engine.connect() as conn:
            for part in _chunks(platform_ids):
                q = sa.select(c.platform_id, c.erp_key, c.erp_hash, c.platform_hash).where(
                    c.entity == entity, c.platform_id.in_(part)
                )
                for pid, key, erp_hash, platform_hash in conn.execute(q):
                    found[pid] = (key, erp_hash, platform_hash)
        return found

    def link_uploads(
        self, entity: str, rows: Iterable[tuple[str, str, str | None, str | None]]
    ) -> None:
        """Records written into the ERP: (platform id, ERP key, ERP-side hash, platform hash).

        A record may be known by its platform id alone (an earlier failure) or by its ERP
        key alone (downloaded before): both become one linkage row.
        """
        now = _now()
        c = t.linkage.c
        with self.engine.begin() as conn:
            for pid, key, erp_hash, platform_hash in rows:
                conn.execute(
                    t.linkage.delete().where(
                        c.entity == entity,
                        c.platform_id == pid,
                        sa.or_(c.erp_key.is_(None), c.erp_key != key),
                    )
                )
                values = {
                    "platform_id": pid,
                    "erp_hash": erp_hash,
                    "platform_hash": platform_hash,
                    "status": "synced",
                    "last_error": None,
                    "download_failed": False,
                    "download_failed_run": None,
                    "updated_at": now,
                }
                done = conn.execute(
                    t.linkage.update().where(c.entity == entity, c.erp_key == key).values(values)
                )
                if not done.rowcount:
                    conn.execute(t.linkage.insert().values(entity=entity, erp_key=key, **values))

    def mark_upload_failed(self, entity: str, failures: Iterable[tuple[str, str]]) -> None:
        """Platform records the ERP refused: (platform id, reason)."""
        now = _now()
        c = t.linkage.c
        with self.engine.begin() as conn:
            for pid, reason in failures:
                done = conn.execute(
                    t.linkage.update()
                    .where(c.entity == entity, c.platform_id == pid)
                    .values(status="error", last_error=reason, attempts=c.attempts + 1,
                            updated_at=now)
                )  # fmt: skip
                if not done.rowcount:
                    conn.execute(
                        t.linkage.insert().values(
                            entity=entity, platform_id=pid, status="error", last_error=reason,
                            attempts=1, updated_at=now,
                        )
                    )  # fmt: skip

    def mark_download_failed(
        self, entity: str, failures: Iterable[tuple[str, str]], run_id: str
    ) -> None:
        """Records the platform refused: retried first on the next run (seed 003, step 22)."""
        rows = [(key, reason) for key, reason in failures]
        if not rows:
            return
        now = _now()
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(t.linkage)
        stmt = stmt.on_conflict_do_update(
            index_elements=["entity", "erp_key"],
            set_={
                "status": "error",
                "last_error": stmt.excluded.last_error,
                "attempts": t.linkage.c.attempts + 1,
                "download_failed": True,
                "download_failed_run": run_id,
                "updated_at": now,
            },
        )
        values = [
            {
                "entity": entity,
                "erp_key": key,
                "status": "error",
                "last_error": reason,
                "attempts": 1,
                "download_failed": True,
                "download_failed_run": run_id,
                "updated_at": now,
            }
            for key, reason in rows
        ]
        with self.engine.begin() as conn:
            conn.execute(stmt, values)

    def failed_downloads(self, entity: str, run_id: str) -> list[str]:
        """Keys whose download failed earlier and were not yet retried in this run."""
        c = t.linkage.c
        q = sa.select(c.erp_key).where(
            c.entity == entity,
            c.download_failed.is_(True),
            sa.or_(c.download_failed_run.is_(None), c.download_failed_run != run_id),
        )
        with self.engine.connect() as conn:
            return [k for (k,) in conn.execute(q) if k is not None]

    # --- watermarks ------------------------------------------------------------------------
    def get_watermark(self, entity: str, direction: str) -> str | None:
        c = t.watermark.c
        q = sa.select(c.value).where(c.entity == entity, c.direction == direction)
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def get_frontier(self, entity: str, direction: str) -> dict[str, list[str]] | None:
        c = t.watermark.c
        q = sa.select(c.frontier).where(c.entity == entity, c.direction == direction)
        with self.engine.connect() as conn:
            found: dict[str, list[str]] | None = conn.execute(q).scalar()
            return found

    def set_watermark(
        self,
        entity: str,
        direction: str,
        value: str,
        run_id: str,
        frontier: dict[str, list[str]] | None = None,
    ) -> None:
        row = {
            "entity": entity,
            "direction": direction,
            "value": value,
            "frontier": frontier,
            "run_id": run_id,
            "updated_at": _now(),
        }
        self._upsert(t.watermark, [row], ["entity", "direction"])

    def watermarks(self) -> dict[tuple[str, str], str]:
        c = t.watermark.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(c.entity, c.direction, c.value))
            return {(e, d): v for e, d, v in rows}

    # --- run ledger ------------------------------------------------------------------------
    def interrupted(self, flow: str) -> tuple[str, set[int]] | None:
        """The latest run of `flow` if it did not complete, with the steps that were done
        in it (completed there, or already done by the run it resumed)."""
        c = t.run.c
        with self.engine.connect() as conn:
            last = conn.execute(
                sa.select(c.run_id, c.state).where(c.flow == flow)
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

    def start_run(self, run_id: str, flow: str, parameters: dict[str, Any]) -> None:
        # A run of the same flow still marked RUNNING ended without finishing (killed,
        # crashed): say so, so the history does not show it running forever.
        c = t.run.c
        with self.engine.begin() as conn:
            conn.execute(
                t.run.update()
                .where(c.flow == flow, c.state == "RUNNING", c.run_id != run_id)
                .values(state="CRASHED", message="ended without finishing", finished_at=_now())
            )
        row = {
            "run_id": run_id,
            "flow": flow,
            "state": "RUNNING",
            "started_at": _now(),
            "finished_at": None,
            "message": None,
            "parameters": parameters,
        }
        self._upsert(t.run, [row], ["run_id"])

    def finish_run(
        self, run_id: str, state: str, message: str | None = None, io: dict[str, Any] | None = None
    ) -> None:
        q = (
            t.run.update()
            .where(t.run.c.run_id == run_id)
            .values(state=state, message=message, finished_at=_now(), io=io)
        )
        with self.engine.begin() as conn:
            conn.execute(q)

    def record_step(self, run_id: str, outcome: StepOutcome) -> None:
        self._upsert(t.run_step, [{"run_id": run_id, **outcome.ledger_row()}], ["run_id", "step"])

    def record_errors(self, run_id: str, errors: Sequence[RecordError]) -> None:
        if not errors:
            return
        now = _now()
        rows = [{"run_id": run_id, "created_at": now, **e.as_row()} for e in errors]
        with self.engine.begin() as conn:
            conn.execute(t.record_error.insert(), rows)

    def record_conflicts(self, run_id: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                t.run_conflict.insert(), [{"run_id": run_id, "created_at": now, **r} for r in rows]
            )

    def run_errors(self, run_id: str, limit: int = 1000) -> list[RecordError]:
        c = t.record_error.c
        q = (
            sa.select(c.step, c.entity, c.record_key, c.field, c.reason)
            .where(c.run_id == run_id)
            .order_by(c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [RecordError(*row) for row in conn.execute(q)]

    def recent_runs(self, limit: int = 10, flow: str | None = None) -> list[RunSummary]:
        c = t.run.c
        q = sa.select(t.run).order_by(c.started_at.desc()).limit(limit)
        if flow:
            q = q.where(c.flow == flow)
        return self._summaries(q)

    def _summaries(self, q: sa.Select[Any]) -> list[RunSummary]:
        with self.engine.connect() as conn:
            runs = [dict(r._mapping) for r in conn.execute(q)]
            ids = [r["run_id"] for r in runs]
            steps: dict[str, list[StepOutcome]] = {i: [] for i in ids}
            if ids:
                s = t.run_step.c
                sq = sa.select(t.run_step).where(s.run_id.in_(ids)).order_by(s.run_id, s.step)
                for row in conn.execute(sq):
                    m = dict(row._mapping)
                    steps[m.pop("run_id")].append(StepOutcome.from_ledger_row(m))
        return [RunSummary.from_row(r, steps[r["run_id"]]) for r in runs]

    def run_summary(self, run_id: str) -> RunSummary | None:
        found = self._summaries(sa.select(t.run).where(t.run.c.run_id == run_id))
        return found[0] if found else None

    # --- quarantine ------------------------------------------------------------------------
    def quarantine(self, run_id: str, entries: Sequence[QuarantineEntry]) -> None:
        """Keep rejected records; a record quarantined before and still open is replaced."""
        if not entries:
            return
        now = _now()
        q = t.quarantine.c
        with self.engine.begin() as conn:
            for part in _chunks(list(entries)):
                keys = [e.record_key for e in part]
                entity = part[0].entity
                conn.execute(
                    t.quarantine.update()
                    .where(q.entity == entity, q.record_key.in_(keys), q.resolved_at.is_(None))
                    .values(resolved_run_id=run_id, resolved_at=now)
                )
            conn.execute(
                t.quarantine.insert(),
                [{"run_id": run_id, "created_at": now, **e.as_row()} for e in entries],
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
                    .where(q.entity == entity, q.record_key.in_(part), q.resolved_at.is_(None))
                    .values(resolved_run_id=run_id, resolved_at=now)
                )
                total += result.rowcount or 0
        return total

    def open_quarantine(self, entity: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        q = t.quarantine.c
        stmt = sa.select(t.quarantine).where(q.resolved_at.is_(None)).order_by(q.id).limit(limit)
        if entity:
            stmt = stmt.where(q.entity == entity)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets `erpsync history` read while a run writes; NORMAL sync is durable across
    # process crashes, and a write lost to a power cut is re-done idempotently.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
