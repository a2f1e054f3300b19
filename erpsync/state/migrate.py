"""Bring a state database to the current schema with Alembic (forward only).

A database erpsync 0.1 created before migrations existed has a `schema_info` table and no
`alembic_version`: it is stamped at 0001, then upgraded like any other. A database whose
revision this erpsync does not know was written by a newer erpsync and is refused.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from erpsync.errors import ConfigError

__all__ = ["HEAD", "upgrade"]

_SCRIPTS = Path(__file__).with_name("migrations")
# pg_advisory_lock key of erpsync's state migrations (any constant unlikely to collide).
_LOCK_KEY = 0x6572_7073_796E_63


def _config(connection: sa.Connection, company: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    config.attributes["company"] = company
    return config


def _head() -> str:
    head = ScriptDirectory(str(_SCRIPTS)).get_current_head()
    assert head is not None
    return head


HEAD = _head()


def _current(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _migration_lock(engine: sa.Engine) -> Iterator[None]:
    """One migrating process at a time (two companies' first runs start together):
    PostgreSQL's advisory lock; for SQLite a lock file beside the database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as fh:
        _lock_file(fh)
        yield  # closing the file releases the lock


def _lock_file(fh: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def upgrade(engine: sa.Engine, company: str) -> None:
    """Migrate to HEAD; rows from before the company column belong to `company`."""
    with engine.connect() as conn:
        if _current(conn) == HEAD:  # the usual case: one cheap read, no lock
            return
    with _migration_lock(engine), engine.connect() as conn:
        current = _current(conn)  # again, under the lock: another process may have done it
        if current == HEAD:
            return
        config = _config(conn, company)
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise ConfigError(
                f"state.url: schema revision {current} is newer than this erpsync "
                f"({HEAD}); upgrade erpsync"
            )
        if current is None and sa.inspect(conn).has_table("schema_info"):
            command.stamp(config, "0001")
        command.upgrade(config, "head")
        conn.commit()
