"""The engine state store: linkages and watermarks (this module), the run ledger and the
quarantine (erpsync.state.ledger), the ERP write intents (erpsync.state.intents), the run
lease (erpsync.state.lease).

SQLAlchemy Core, batched: every read takes a list of keys, every write a list of rows, so
a chunk of 20,000 records costs a handful of statements. Upserts use the dialect's
ON CONFLICT (SQLite and PostgreSQL), so writing the same linkage twice is harmless: a run
that died after the platform accepted a batch and before its linkages were committed
simply writes them again next time. Every statement is scoped to the store's company.
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
from erpsync.state.history import RunHistory
from erpsync.state.inbox import RecordInbox
from erpsync.state.intents import WriteIntents
from erpsync.state.lease import AttachedLease, Lease
from erpsync.state.ledger import RESUMED, RunLedger

__all__ = ["RESUMED", "StateStore"]

# Under SQLite's bound-parameter limit with room for the other binds.
_IN_CHUNK = 900


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _redact(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class StateStore(RunLedger, RunHistory, WriteIntents, RecordInbox):
    def __init__(self, url: str, company: str) -> None:
        if not company:
            raise ConfigError("state.company: empty; name the company this state belongs to")
        self.url = url
        self.company = company
        try:
            self.engine = sa.create_engine(url)
        except Exception as exc:  # bad driver names, malformed URLs
            raise ConfigError(f"state.url: {_redact(url)} is not usable: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            database = self.engine.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)

    # --- lifecycle -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the database to the current schema; refuse one written by a newer erpsync."""
        from erpsync.state.migrate import upgrade

        try:
            upgrade(self.engine, self.company)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise ConnectionFailed(
                f"state.url: cannot open {_redact(self.url)}: {getattr(exc, 'orig', exc)}"
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def lease(self, run_id: str, flow: str, ttl_seconds: float) -> Lease:
        """The company's run lease for `run_id` (take it with `with` or acquire())."""
        return Lease(self, run_id, flow, ttl_seconds)

    def attached_lease(self, run_id: str) -> AttachedLease:
        """The lease `run_id` holds, for work done on its behalf; LeaseLost if it has none."""
        lease = AttachedLease(self, run_id)
        lease.check()
        return lease

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
    def _links(self, entity: str) -> sa.ColumnElement[bool]:
        c = t.linkage.c
        return sa.and_(c.company == self.company, c.entity == entity)

    def has_links(self, entity: str) -> bool:
        with self.engine.connect() as conn:
            q = sa.select(t.linkage.c.id).where(self._links(entity)).limit(1)
            return conn.execute(q).first() is not None

    def download_links(self, entity: str, erp_keys: Sequence[str]) -> dict[str, str | None]:
        """Keys the platform has, with the hash of what was last written (None when the
        last write failed, so the record is sent again)."""
        found: dict[str, str | None] = {}
        c = t.linkage.c
        with self.engine.connect() as conn:
            for part in _chunks(erp_keys):
                q = sa.select(c.erp_key, c.platform_hash, c.download_failed, c.platform_id).where(
                    self._links(entity), c.erp_key.in_(part)
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
                "company": self.company,
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
        self._upsert(t.linkage, payload, ["company", "entity", "erp_key"])

    def upload_links(
        self, entity: str, platform_ids: Sequence[str]
    ) -> dict[str, tuple[str | None, str | None, str | None]]:
        """platform id -> (ERP key, last ERP-side hash, last platform-side hash)."""
        found: dict[str, tuple[str | None, str | None, str | None]] = {}
        c = t.linkage.c
        with self.engine.connect() as conn:
            for part in _chunks(platform_ids):
                q = sa.select(c.platform_id, c.erp_key, c.erp_hash, c.platform_hash).where(
                    self._links(entity), c.platform_id.in_(part)
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
                        self._links(entity),
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
                    t.linkage.update().where(self._links(entity), c.erp_key == key).values(values)
                )
                if not done.rowcount:
                    conn.execute(
                        t.linkage.insert().values(
                            company=self.company, entity=entity, erp_key=key, **values
                        )
                    )

    def mark_upload_failed(self, entity: str, failures: Iterable[tuple[str, str]]) -> None:
        """Platform records the ERP refused: (platform id, reason)."""
        now = _now()
        c = t.linkage.c
        with self.engine.begin() as conn:
            for pid, reason in failures:
                done = conn.execute(
                    t.linkage.update()
                    .where(self._links(entity), c.platform_id == pid)
                    .values(status="error", last_error=reason, attempts=c.attempts + 1,
                            updated_at=now)
                )  # fmt: skip
                if not done.rowcount:
                    conn.execute(
                        t.linkage.insert().values(
                            company=self.company, entity=entity, platform_id=pid,
                            status="error", last_error=reason, attempts=1, updated_at=now,
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
            index_elements=["company", "entity", "erp_key"],
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
                "company": self.company,
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
            self._links(entity),
            c.download_failed.is_(True),
            sa.or_(c.download_failed_run.is_(None), c.download_failed_run != run_id),
        )
        with self.engine.connect() as conn:
            return [k for (k,) in conn.execute(q) if k is not None]

    # --- watermarks ------------------------------------------------------------------------
    def _mark(self, entity: str, direction: str) -> sa.ColumnElement[bool]:
        c = t.watermark.c
        return sa.and_(c.company == self.company, c.entity == entity, c.direction == direction)

    def get_watermark(self, entity: str, direction: str) -> str | None:
        q = sa.select(t.watermark.c.value).where(self._mark(entity, direction))
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def get_frontier(self, entity: str, direction: str) -> dict[str, list[str]] | None:
        q = sa.select(t.watermark.c.frontier).where(self._mark(entity, direction))
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
            "company": self.company,
            "entity": entity,
            "direction": direction,
            "value": value,
            "frontier": frontier,
            "run_id": run_id,
            "updated_at": _now(),
        }
        self._upsert(t.watermark, [row], ["company", "entity", "direction"])

    def watermarks(self) -> dict[tuple[str, str], str]:
        c = t.watermark.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(c.entity, c.direction, c.value).where(c.company == self.company)
            )
            return {(e, d): v for e, d, v in rows}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets `erpsync history` read while a run writes; NORMAL sync is durable across
    # process crashes, and a write lost to a power cut is re-done idempotently.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
