"""The platform sandbox's store: one SQLite table per resource, records as JSON text.

WAL mode, so readers (GET pages) never wait for the writer. Writes are serialised by one
lock and run as one transaction per batch: a POST of 1,000 records costs one query for
the rows it addresses, then one executemany per kind of write. Each connection belongs
to one thread (the server answers from a thread pool).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from connectors.platform.resources import RESOURCES, Resource
from sandbox.platform.records import RecordRejected, natural_key, record_id
from sandbox.platform.schema import INDEXED_FILTERS, TABLES, TOKENS_DDL, TableSql, changed_sql
from sandbox.platform.stamps import Clock, decode_cursor, encode_cursor, normalize_timestamp
from sandbox.platform.tokens import ROLES, TokenInfo
from sandbox.platform.upsert import RecordResult, StoredRow, UpsertPlan, address

__all__ = ["PlatformStore", "RecordResult", "UnknownResource"]

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_Row = tuple[int, str | None, str, str, str]


class UnknownResource(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown platform resource {name!r}")


def _resolve(name: str) -> tuple[Resource, TableSql]:
    try:
        return RESOURCES[name], TABLES[name]
    except KeyError:
        raise UnknownResource(name) from None


def _public(row: _Row) -> dict[str, Any]:
    rid, _key, data, created_at, updated_at = row
    return {"id": rid, **orjson.loads(data), "created_at": created_at, "updated_at": updated_at}


def _stored(row: _Row) -> StoredRow:
    return StoredRow(row[0], row[1], orjson.loads(row[2]), row[3])


class PlatformStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.Lock()
        with self._writing() as conn:
            conn.execute(TOKENS_DDL)
            for sql in TABLES.values():
                for ddl in sql.ddl:
                    conn.execute(ddl)
            stamps = [conn.execute(sql.max_updated).fetchone()[0] for sql in TABLES.values()]
        self._clock = Clock(max((s for s in stamps if s), default=None))

    def __repr__(self) -> str:
        return f"PlatformStore({str(self.path)!r})"

    # --- connections -----------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit; write transactions are explicit (BEGIN IMMEDIATE) in _writing.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is crash-safe in WAL mode and spares an fsync per transaction.
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # --- records -----------------------------------------------------------------------------
    def upsert(self, resource: str, records: Sequence[Any], role: str) -> list[RecordResult]:
        """Create or update each record, matched by `id` if given, else by natural key."""
        spec, sql = _resolve(resource)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not records:
            return []
        addresses = address(spec, records)
        ids = [rid for rid, _key, _err in addresses if rid is not None]
        keys = [key for _rid, key, _err in addresses if key is not None]
        with self._writing() as conn:
            fetched = conn.execute(sql.fetch, (orjson.dumps(ids), orjson.dumps(keys)))

            def lookup(key: str) -> StoredRow | None:
                row = conn.execute(sql.fetch_key, (key,)).fetchone()
                return None if row is None else _stored(row)

            plan = UpsertPlan(
                spec,
                role,
                [_stored(row) for row in fetched],
                next_id=conn.execute(sql.next_id, (sql.table,)).fetchone()[0],
                fetched_keys=keys,
                lookup_key=lookup,
            )
            results = [plan.apply(i, rec, addresses[i]) for i, rec in enumerate(records)]
            if plan.has_writes:
                stamp = self._clock.tick()
                moves = plan.key_moves()
                if moves:
                    conn.executemany(sql.release_key, moves)
                conn.executemany(sql.update, plan.updates(stamp))
                conn.executemany(sql.insert, plan.inserts(stamp))
        return results

    def raw_insert(self, resource: str, rows: Iterable[tuple[str | None, str]]) -> int:
        """Insert (natural_key, data_json) rows as they are: the benchmark's raw I/O limit.

        Same table and indexes as `upsert`, one executemany, no matching and no merging.
        """
        _spec, sql = _resolve(resource)
        with self._writing() as conn:
            stamp = self._clock.tick()
            cursor = conn.executemany(sql.insert_raw, ((k, d, stamp, stamp) for k, d in rows))
            return cursor.rowcount

    def changed(
        self,
        resource: str,
        since: str | None = None,
        cursor: str | None = None,
        limit: int = 1000,
        filters: Mapping[str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of records in (updated_at, id) order; `since` is inclusive."""
        _spec, sql = _resolve(resource)
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        params: list[Any] = []
        if since:
            params.append(normalize_timestamp(since))
        if cursor:
            params.extend(decode_cursor(cursor))
        shape: list[tuple[str, int]] = []
        for field, value in (filters or {}).items():
            if not _FIELD.match(field):
                raise ValueError(f"filter field {field!r:.60} is not a field name")
            accepted = value.split(",")  # "a,b,c": any of them
            if field not in INDEXED_FILTERS:
                params.append(f"$.{field}")
            params.extend(accepted)
            shape.append((field, len(accepted)))
        params.append(limit + 1)
        query = changed_sql(sql, since=bool(since), after=bool(cursor), filters=shape)
        rows = self._conn().execute(query, params).fetchall()
        if len(rows) <= limit:
            return [_public(r) for r in rows], None
        rows = rows[:limit]
        return [_public(r) for r in rows], encode_cursor(rows[-1][4], rows[-1][0])

    def get(self, resource: str, record_id: int) -> dict[str, Any] | None:
        _spec, sql = _resolve(resource)
        row = self._conn().execute(sql.get, (record_id,)).fetchone()
        return None if row is None else _public(row)

    def delete(
        self,
        resource: str,
        ids: Sequence[int] | None = None,
        keys: Sequence[Mapping[str, Any]] | None = None,
    ) -> int:
        """Delete by ids and/or natural keys ({field: value} per record); returns the count."""
        spec, sql = _resolve(resource)
        id_list = [record_id(v, i) for i, v in enumerate(ids or [])]
        key_list: list[str] = []
        for i, key in enumerate(keys or []):
            joined = natural_key(spec, key, i) if isinstance(key, Mapping) else None
            if joined is None:
                raise RecordRejected(f"key {i}: needs {', '.join(spec.key)} for {resource}")
            key_list.append(joined)
        with self._writing() as conn:
            cursor = conn.execute(sql.delete, (orjson.dumps(id_list), orjson.dumps(key_list)))
            return cursor.rowcount

    def count(self, resource: str) -> int:
        _spec, sql = _resolve(resource)
        return int(self._conn().execute(sql.count).fetchone()[0])

    # --- tokens ------------------------------------------------------------------------------
    def save_token(self, info: TokenInfo) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO tokens (name, token_sha256, role, rate_limit_calls,"
                " rate_limit_window_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256,"
                " role = excluded.role, rate_limit_calls = excluded.rate_limit_calls,"
                " rate_limit_window_seconds = excluded.rate_limit_window_seconds,"
                " created_at = excluded.created_at",
                (
                    info.name,
                    info.token_sha256,
                    info.role,
                    info.rate_limit_calls,
                    info.rate_limit_window_seconds,
                    Clock().tick(),
                ),
            )

    def token(self, token_sha256: str) -> TokenInfo | None:
        row = (
            self._conn()
            .execute(
                "SELECT name, role, rate_limit_calls, rate_limit_window_seconds"
                " FROM tokens WHERE token_sha256 = ?",
                (token_sha256,),
            )
            .fetchone()
        )
        return None if row is None else TokenInfo(row[0], row[1], row[2], row[3], token_sha256)
