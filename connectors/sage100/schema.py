"""SQLAlchemy metadata for the catalogue: how the sandbox company database is created.

A real Sage 100 company is never created by erpsync; this is for the embedded stand-in
(SQLite by default, any SQLAlchemy URL) and for tests. Column types follow what Sage's
ODBC driver and the Premium SQL schema report: strings as VARCHAR(width), dates as DATE,
the time stamps as VARCHAR(8), numerics as NUMERIC(width, scale).

Besides Sage's own keys, the sandbox indexes (DateUpdated, TimeUpdated) on stamped
tables. Real ProvideX files have no such key, so an incremental read there scans the file;
the index keeps the sandbox's incremental cost independent of company size, which is
what the benchmark measures for the engine itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from connectors.sage100.tables import TABLES, Column, Table

__all__ = ["company_metadata", "sa_type"]


def sa_type(col: Column) -> sa.types.TypeEngine:
    if col.kind in ("str", "flag", "time"):
        return sa.String(col.width or 1)
    if col.kind == "date":
        return sa.Date()
    if col.kind == "dec":
        # asdecimal=False: the reader wants floats for pandas, not Decimal objects.
        return sa.Numeric(col.width, col.scale, asdecimal=False)
    return sa.Text()


def _sa_table(spec: Table, metadata: sa.MetaData) -> sa.Table:
    columns = [
        sa.Column(c.name, sa_type(c), primary_key=c.name in spec.primary_key, nullable=True)
        for c in spec.columns
    ]
    table = sa.Table(spec.name, metadata, *columns)
    for key_name, key_cols in spec.keys.items():
        sa.Index(f"ix_{spec.name}_{key_name}", *(table.c[k] for k in key_cols))
    if spec.stamped:
        sa.Index(f"ix_{spec.name}_updated", table.c.DateUpdated, table.c.TimeUpdated)
    return table


def company_metadata(
    names: Iterable[str] | None = None, *, tables: Mapping[str, Table] = TABLES
) -> sa.MetaData:
    """Metadata for the named tables (all by default) of `tables`: Sage's standard layout
    (the catalogue), or a company's with its UDFs (the sandbox's)."""
    metadata = sa.MetaData()
    for name in names if names is not None else tables:
        _sa_table(tables[name], metadata)
    return metadata
