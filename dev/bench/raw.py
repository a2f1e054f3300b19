"""The raw I/O limit: the seed's rows moved with nothing but a read and a bulk insert.

For every table a seed step reads (its record table, and the child tables of documents),
one plain SELECT of the columns that step reads, streamed off a DBAPI cursor, each row
turned into a JSON text and written into the platform sandbox's store with one bulk
insert (`PlatformStore.raw_insert`). No mapping, no hashing, no HTTP, no engine state:
what is left is the cost of reading the ERP and writing the store, which the engine's
throughput is compared with. Transactions get the seed's window (the last N years by
their date column), child rows only those of the headers in the window.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from bench.plan import ChildSource, StepSource
from erpsync.engine.context import history_start

__all__ = ["RawResult", "RawTable", "raw_copy"]


@dataclass(frozen=True)
class RawTable:
    step: int
    table: str
    resource: str
    rows: int
    seconds: float
    records: bool  # False: child rows, carried inside their header's record


@dataclass
class RawResult:
    tables: list[RawTable] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Records: rows of the record tables (child rows are not records)."""
        return sum(t.rows for t in self.tables if t.records)

    @property
    def seconds(self) -> float:
        return sum(t.seconds for t in self.tables)


def _rows(
    cursor: Any, columns: Sequence[str], key: Sequence[str] | None, prefix: str, chunk: int
) -> Iterator[tuple[str | None, str]]:
    at = [columns.index(k) for k in key or ()]
    while True:
        batch = cursor.fetchmany(chunk)
        if not batch:
            return
        for row in batch:
            # The table in the key: two tables may feed one resource (open orders, history).
            natural = (prefix + "|".join(str(row[i]) for i in at)) if key else None
            yield natural, orjson.dumps(dict(zip(columns, row, strict=True)), default=str).decode()


class _Copier:
    def __init__(self, erp_url: str, store_path: Path, start: date, chunk: int) -> None:
        from sandbox.platform.store import PlatformStore

        self.engine = sa.create_engine(erp_url)
        self.quote = self.engine.dialect.identifier_preparer.quote
        self.mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        # SQLite keeps dates as ISO text; other drivers bind a date.
        self.start: object = start.isoformat() if self.engine.dialect.name == "sqlite" else start
        self.store = PlatformStore(store_path)
        self.chunk = chunk

    def names(self, columns: Sequence[str]) -> str:
        return ", ".join(self.quote(c) for c in columns)

    def window(self, src: StepSource) -> str:
        assert src.history_date is not None
        return f"{self.quote(src.history_date)} >= {self.mark}"

    def copy(
        self,
        src: StepSource,
        table: str,
        sql: str,
        params: list[object],
        columns: Sequence[str],
        key: Sequence[str] | None = None,
    ) -> RawTable:
        started = time.perf_counter()
        raw = self.engine.raw_connection()
        try:
            # PostgreSQL streams only from a named (server-side) cursor.
            named = self.engine.dialect.name == "postgresql"
            cursor = raw.cursor(name=f"raw_{src.step}") if named else raw.cursor()
            cursor.execute(sql, params)
            rows = _rows(cursor, columns, key, f"{table}|", self.chunk)
            written = self.store.raw_insert(src.resource, rows)
            cursor.close()
        finally:
            raw.close()
        seconds = time.perf_counter() - started
        return RawTable(src.step, table, src.resource, written, seconds, records=key is not None)

    def source(self, src: StepSource) -> list[RawTable]:
        # Identifiers come from the Sage catalogue (through the step's mapping); the
        # history bound is a parameter.
        q = self.quote
        sql = f"SELECT {self.names(src.columns)} FROM {q(src.table)}"  # noqa: S608
        params: list[object] = []
        if src.history_date:
            sql += f" WHERE {self.window(src)}"
            params.append(self.start)
        done = [self.copy(src, src.table, sql, params, src.columns, src.key)]
        return done + [self.child(src, child) for child in src.children]

    def child(self, src: StepSource, child: ChildSource) -> RawTable:
        q = self.quote
        sql = f"SELECT {self.names(child.columns)} FROM {q(child.table)}"  # noqa: S608
        where: list[str] = []
        params: list[object] = []
        if src.history_date:
            mine = ", ".join(q(c) for c, _ in child.link)
            theirs = ", ".join(q(h) for _, h in child.link)
            where.append(
                f"({mine}) IN (SELECT {theirs} FROM {q(src.table)} WHERE {self.window(src)})"  # noqa: S608
            )
            params.append(self.start)
        for column, value in child.equals:
            where.append(f"{q(column)} = {self.mark}")
            params.append(value)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.copy(src, child.table, sql, params, child.columns)

    def close(self) -> None:
        self.store.close()
        self.engine.dispose()


def raw_copy(
    erp_url: str,
    sources: Sequence[StepSource],
    store_path: Path,
    *,
    seed_years: int,
    chunk: int = 20_000,
) -> RawResult:
    """Copy each source into `store_path` (a fresh store) and time it, table by table."""
    copier = _Copier(erp_url, store_path, history_start(seed_years), chunk)
    result = RawResult()
    try:
        for src in sources:
            result.tables += copier.source(src)
    finally:
        copier.close()
    return result
