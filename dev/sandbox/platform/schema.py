"""SQL of the platform sandbox store: one table per resource, plus the tokens table.

Every statement is built once per resource at import. Table names come only from the
resource catalogue (connectors.platform.resources) and are checked against a strict
pattern; every value, including the JSON path of a filter, is a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from connectors.platform.resources import RESOURCES

__all__ = ["INDEXED_FILTERS", "TABLES", "TOKENS_DDL", "TableSql", "changed_sql"]

# Filter fields with an expression index (the engine asks "what waits for the ERP?" every
# run; the answer must cost what is pending, not the size of the table). Constants, so
# inlining their JSON path in SQL is safe.
INDEXED_FILTERS = ("erp_status",)

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class TableSql:
    table: str
    ddl: tuple[str, ...]
    # Rows a batch addresses, by id or natural key: one query per batch (json_each takes
    # the whole list as one parameter, so no statement grows with the batch).
    fetch: str
    fetch_key: str
    insert: str
    insert_raw: str
    update: str
    release_key: str
    get: str
    delete: str
    count: str
    max_updated: str
    next_id: str


def _table_sql(resource: str) -> TableSql:
    table = f"r_{resource}"
    if not _IDENTIFIER.match(table):  # pragma: no cover - the catalogue is fixed
        raise ValueError(f"resource name {resource!r} cannot be a table name")
    cols = "id, natural_key, data, created_at, updated_at"
    # The identifiers below are catalogue names checked above; all values are bound.
    return TableSql(
        table=table,
        ddl=(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " natural_key TEXT UNIQUE,"
            " data TEXT NOT NULL,"
            " created_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {table}_changed ON {table} (updated_at, id)",
            *(
                f"CREATE INDEX IF NOT EXISTS {table}_{field} ON {table}"
                f" (json_extract(data, '$.{field}'))"
                for field in INDEXED_FILTERS
                if RESOURCES[resource].sync_status
            ),
        ),
        fetch=(
            f"SELECT {cols} FROM {table} WHERE id IN (SELECT value FROM json_each(?))"  # noqa: S608
            f" UNION SELECT {cols} FROM {table}"
            " WHERE natural_key IN (SELECT value FROM json_each(?))"
        ),
        fetch_key=f"SELECT {cols} FROM {table} WHERE natural_key = ?",  # noqa: S608
        insert=f"INSERT INTO {table} ({cols}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
        insert_raw=(
            f"INSERT INTO {table} (natural_key, data, created_at, updated_at)"  # noqa: S608
            " VALUES (?, ?, ?, ?)"
        ),
        update=(
            f"UPDATE {table} SET natural_key = ?, data = ?, updated_at = ? WHERE id = ?"  # noqa: S608
        ),
        release_key=f"UPDATE {table} SET natural_key = NULL WHERE id = ?",  # noqa: S608
        get=f"SELECT {cols} FROM {table} WHERE id = ?",  # noqa: S608
        delete=(
            f"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(?))"  # noqa: S608
            " OR natural_key IN (SELECT value FROM json_each(?))"
        ),
        count=f"SELECT count(*) FROM {table}",  # noqa: S608
        max_updated=f"SELECT max(updated_at) FROM {table}",  # noqa: S608
        # AUTOINCREMENT's sequence survives deletes, so a platform id is never reused:
        # the engine keeps ids in its linkages.
        next_id=(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),"  # noqa: S608
            f" coalesce((SELECT max(id) FROM {table}), 0)) + 1"
        ),
    )


TABLES: dict[str, TableSql] = {name: _table_sql(name) for name in RESOURCES}

TOKENS_DDL = (
    "CREATE TABLE IF NOT EXISTS tokens ("
    " name TEXT PRIMARY KEY,"
    " token_sha256 TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('integration', 'user')),"
    " rate_limit_calls INTEGER NOT NULL CHECK (rate_limit_calls >= 0),"
    " rate_limit_window_seconds INTEGER NOT NULL CHECK (rate_limit_window_seconds > 0),"
    " created_at TEXT NOT NULL)"
)


def changed_sql(
    sql: TableSql, *, since: bool, after: bool, filters: Sequence[tuple[str, int]] = ()
) -> str:
    """The keyset page query: (updated_at, id) order, never OFFSET, so a record modified
    while a reader pages moves behind the cursor instead of shifting the pages.

    `filters` is (field, number of accepted values) per filter; a field matches any of
    its values. Indexed fields use the index's literal expression; others bind the path
    and compare as text (query-string values are text; JSON numbers match by digits).
    """
    where = []
    if since:
        where.append("updated_at >= ?")
    if after:
        where.append("(updated_at, id) > (?, ?)")
    for field, count in filters:
        marks = ", ".join("?" * count)
        if field in INDEXED_FILTERS:
            where.append(f"json_extract(data, '$.{field}') IN ({marks})")
        else:
            where.append(f"CAST(json_extract(data, ?) AS TEXT) IN ({marks})")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return (
        f"SELECT id, natural_key, data, created_at, updated_at FROM {sql.table}{clause}"  # noqa: S608
        " ORDER BY updated_at, id LIMIT ?"
    )
