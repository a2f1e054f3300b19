"""Writes generated frames into a company database: checked against the catalogue first.

Every value is checked before it is written: strings within their catalogue width, coded
columns within their codes, and no column the catalogue lacks. SQLite gets the DBAPI's
executemany on one raw connection with journalling off (a half-written sandbox is simply
generated again); other databases get SQLAlchemy Core executemany.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from connectors.sage100.schema import company_metadata
from connectors.sage100.tables import TABLES as STANDARD_TABLES
from connectors.sage100.tables import Column, Table
from sandbox.sage100.common import Frame
from sandbox.sage100.layout import TABLES

__all__ = ["CompanyWriter", "safe_url"]


def safe_url(url: str) -> str:
    """The URL without its password, fit for reports and errors."""
    u = sa.engine.make_url(url)
    bare = sa.engine.URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query)
    return bare.render_as_string(hide_password=False)


def _default(col: Column) -> Any:
    if col.kind == "flag":
        return "N"
    if col.kind == "dec":
        return 0.0
    if col.kind == "date":
        return None
    return ""


class CompanyWriter:
    """Writes a generated company. `udfs=False`: Sage's standard layout only (a company
    that created no UDF), the generator's UDF values dropped."""

    def __init__(self, url: str, *, udfs: bool = True) -> None:
        self.url = safe_url(url)
        self.engine = sa.create_engine(url)
        self.tables = TABLES if udfs else STANDARD_TABLES
        self.udfs = udfs
        self.metadata = company_metadata(tables=self.tables)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.conn = self.engine.connect()
        self._insert_sql: dict[str, str] = {}

    # --- set-up ---------------------------------------------------------------------------
    def prepare(self, *, replace: bool) -> None:
        """Create the catalogue's tables; refuse a database that already has some."""
        existing = [t for t in sa.inspect(self.conn).get_table_names() if t in self.tables]
        if existing and not replace:
            shown = ", ".join(sorted(existing)[:5]) + (", ..." if len(existing) > 5 else "")
            raise ValueError(
                f"{self.url} already has Sage 100 company tables ({shown}); "
                "pass replace=True to drop and recreate them"
            )
        if existing:
            self.metadata.drop_all(self.conn, checkfirst=True)
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            self.conn.exec_driver_sql("PRAGMA synchronous=OFF")
            self.conn.exec_driver_sql("PRAGMA cache_size=-32768")
        # Secondary indexes come after the data: cheaper than maintaining them row by row.
        for table in self.metadata.sorted_tables:
            self.conn.execute(CreateTable(table))
        self.conn.commit()

    def finish(self) -> None:
        for table in self.metadata.sorted_tables:
            # By name: table.indexes is a set, and a fixed order keeps the file reproducible.
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                index.create(self.conn)
        self.conn.commit()
        self.close()

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()

    # --- rows -----------------------------------------------------------------------------
    def insert(self, name: str, frame: Frame) -> int:
        spec = self.tables[name]
        columns = self._columns(spec, frame)
        rows = list(zip(*columns, strict=True))
        if not rows:
            return 0
        if self.sqlite:
            cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.executemany(self._sqlite_insert(name), rows)
            cursor.close()
        else:
            names = spec.column_names
            self.conn.execute(
                self.metadata.tables[name].insert(),
                [dict(zip(names, r, strict=True)) for r in rows],
            )
        return len(rows)

    def update(self, name: str, key: tuple[str, ...], frame: Frame, batch: int = 5_000) -> int:
        """UPDATE rows by key with the frame's other columns (no stamps are touched),
        `batch` rows per executemany so memory stays flat."""
        spec = self.tables[name]
        table = self.metadata.tables[name]
        stmt = (
            sa.update(table)
            .where(sa.and_(*(table.c[k] == sa.bindparam(f"k_{k}") for k in key)))
            .values({c: sa.bindparam(f"v_{c}") for c in frame if c not in key})
        )
        names = {c: f"k_{c}" if c in key else f"v_{c}" for c in frame}
        n = len(frame[key[0]])
        for start in range(0, n, batch):
            part = {c: v[start : start + batch] for c, v in frame.items()}
            size = len(part[key[0]])
            values = {
                c: self._convert(spec, spec.column(c), part[c], size, core=True) for c in part
            }
            self.conn.execute(stmt, [{names[c]: values[c][i] for c in part} for i in range(size)])
        return n

    def _sqlite_insert(self, name: str) -> str:
        if name not in self._insert_sql:
            stmt = self.metadata.tables[name].insert().compile(dialect=self.engine.dialect)
            self._insert_sql[name] = str(stmt)
        return self._insert_sql[name]

    def _columns(self, spec: Table, frame: Frame) -> list[list[Any]]:
        if not self.udfs:  # the generator fills the sandbox's UDFs; this company has none
            frame = {c: v for c, v in frame.items() if not c.startswith("UDF_")}
        unknown = [c for c in frame if c not in spec.column_names]
        if unknown:
            raise ValueError(f"{spec.name} has no column(s) {', '.join(unknown)} in the catalogue")
        n = len(next(iter(frame.values())))
        out = []
        for col in spec.columns:
            if col.name in frame:
                out.append(self._convert(spec, col, frame[col.name], n, core=not self.sqlite))
                continue
            if col.codes and col.kind != "flag":
                raise ValueError(
                    f"{spec.name}.{col.name} is coded ({'/'.join(col.codes)}) and must be filled"
                )
            out.append([_default(col)] * n)
        return out

    def _convert(
        self, spec: Table, col: Column, values: Any, n: int, *, core: bool = False
    ) -> list[Any]:
        """Python values for one column; dates as ISO text for SQLite's raw DBAPI (what
        SQLAlchemy stores there), as date objects when SQLAlchemy binds them."""
        if np.ndim(values) == 0:
            values = np.full(n, values, dtype=object)
        if len(values) != n:
            raise ValueError(f"{spec.name}.{col.name}: {len(values)} values for {n} rows")
        if col.kind == "dec":
            return np.round(np.asarray(values, dtype=np.float64), col.scale).tolist()
        if col.kind == "date":
            days = np.asarray(values, dtype="datetime64[D]")
            missing = np.isnat(days)
            if self.sqlite and not core:
                text = np.datetime_as_string(days).tolist()
            else:
                text = days.astype(object).tolist()
            return [None if m else t for t, m in zip(text, missing.tolist(), strict=True)]
        strings = np.asarray(values, dtype=object)
        self._check(spec, col, strings)
        return strings.tolist()

    def _check(self, spec: Table, col: Column, strings: np.ndarray) -> None:
        if col.kind == "text" or not len(strings):
            return
        lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
        if col.width is not None and lengths.max() > col.width:
            bad = strings[int(np.argmax(lengths))]
            raise ValueError(f"{spec.name}.{col.name} is {col.width} wide; {bad!r} is longer")
        if col.codes:
            outside = ~np.isin(strings, np.asarray(col.codes, dtype=object))
            if outside.any():
                bad = strings[int(np.argmax(outside))]
                raise ValueError(
                    f"{spec.name}.{col.name} allows {'/'.join(col.codes)}; got {bad!r}"
                )
