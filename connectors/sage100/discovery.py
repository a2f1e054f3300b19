"""What the live company has: its tables' columns, types and widths, read once per run.

A real Sage 100 company is not the catalogue: its columns are as wide as its release makes
them, it may lack columns some releases or modules add, and it carries its own UDF_
columns. The reader therefore asks the company itself, through SQLAlchemy's inspector
(SQLite, PostgreSQL, SQL Server) or ODBC's SQLColumns (the ProvideX driver), and works
from the answer:

  * a catalogue column the company has: kept, with the company's width;
  * a catalogue column it lacks: listed in `missing` (the engine decides: a required
    column fails the step that needs it, an optional one leaves its field out);
  * any other column it has (its UDFs): kept with a kind inferred from its SQL type, so a
    configured UDF can be read and written; nothing reads it unless configured.

Every column a statement names must be in the live table: a missing column can never be
selected (on SQLite a double-quoted unknown name would read as a string literal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from connectors.sage100.tables import Column, ColumnKind, Table

__all__ = ["CompanyTable", "LiveColumn", "company_table", "inspect_columns", "odbc_columns"]


@dataclass(frozen=True)
class LiveColumn:
    name: str
    type_name: str  # as the database names it: "VARCHAR", "varchar(30)", "DECIMAL", ...
    width: int | None = None


@dataclass(frozen=True)
class CompanyTable:
    """A catalogue table as the live company has it."""

    table: Table  # only the columns the company has, with its widths
    missing: tuple[Column, ...]  # catalogue columns the company lacks

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.missing if not c.optional)


_WIDTH = re.compile(r"\((\d+)")


def _kind(type_name: str) -> ColumnKind:
    name = type_name.lower()
    if any(t in name for t in ("char", "string")):
        return "str"
    if "date" in name or "time" in name:
        return "date"
    if any(t in name for t in ("dec", "num", "float", "double", "real", "int", "money")):
        return "dec"
    return "text"


def _width(column: LiveColumn) -> int | None:
    if column.width:
        return column.width
    found = _WIDTH.search(column.type_name)
    return int(found.group(1)) if found else None


def company_table(spec: Table, live: Iterable[LiveColumn]) -> CompanyTable:
    """`spec` narrowed to the live columns, widened by the company's own (UDFs)."""
    by_name = {c.name: c for c in live}
    kept: list[Column] = []
    missing: list[Column] = []
    for col in spec.columns:
        found = by_name.pop(col.name, None)
        if found is None:
            missing.append(col)
            continue
        width = _width(found) if col.kind in ("str", "flag") else None
        # A flag stays a flag (Y/N) whatever its declared width; text widths come from
        # the company, so a wider CustomerName than the catalogue's is accepted.
        kept.append(replace(col, width=width or col.width) if col.kind == "str" else col)
    for extra in by_name.values():  # the company's own columns (UDFs)
        kind = _kind(extra.type_name)
        kept.append(Column(extra.name, kind, _width(extra) if kind == "str" else None))
    table = replace(
        spec,
        columns=tuple(kept),
        keys={k: v for k, v in spec.keys.items() if all(c in {x.name for x in kept} for c in v)},
    )
    return CompanyTable(table, tuple(missing))


def inspect_columns(conn: sa.Connection, table: str) -> list[LiveColumn] | None:
    """The table's columns through SQLAlchemy's inspector; None when there is no table."""
    inspector = sa.inspect(conn)
    if not inspector.has_table(table):
        return None
    found = []
    for col in inspector.get_columns(table):
        sql_type: Any = col["type"]
        width = getattr(sql_type, "length", None)
        found.append(LiveColumn(str(col["name"]), str(sql_type), width))
    return found


def odbc_columns(dbapi_connection: Any, table: str) -> list[LiveColumn] | None:
    """The table's columns through ODBC SQLColumns (pyodbc's cursor.columns)."""
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.columns(table=table).fetchall()
    finally:
        cursor.close()
    if not rows:
        return None
    return [
        LiveColumn(str(r.column_name), str(r.type_name), int(r.column_size or 0) or None)
        for r in rows
    ]
