"""Sage100Reader: streams Sage 100 tables as normalised pandas frames.

Every statement has the shape the ProvideX ODBC driver accepts: a single-table SELECT of
named columns, filtered on key columns or on DateUpdated/TimeUpdated, no joins, no ORDER
BY, values as bound parameters. The same statements run on the SQLite sandbox, on a
sandbox in PostgreSQL, on Sage 100 Premium (SQL Server) and over raw ODBC, because all of
them go through SQLAlchemy: identifiers come from the catalogue and are quoted by the
dialect's own preparer, values are always bound.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from pydantic import SecretStr

from connectors.sage100.discovery import CompanyTable, company_table, inspect_columns, odbc_columns
from connectors.sage100.models import build_frame, key_batches, stamp_mask
from connectors.sage100.odbc import odbc_engine, odbc_error_text, odbc_passwords, redact_odbc
from connectors.sage100.settings import Sage100Settings
from connectors.sage100.stamps import SageStamp
from connectors.sage100.tables import Table, table
from erpsync.errors import ConfigError, ConnectionFailed, SchemaMismatch

__all__ = ["Sage100Reader"]

TimeFilter = Literal["auto", "sql", "client"]
_STAMP_PAIR = ("DateUpdated", "TimeUpdated")
# The float type CAST(TimeUpdated AS ...) uses per dialect; others get the SQL standard FLOAT.
_FLOAT_TYPES = {"sqlite": "REAL", "postgresql": "DOUBLE PRECISION", "mssql": "FLOAT"}
# check() reads one key of the smallest table every company has.
_PROBE_TABLE, _PROBE_COLUMN = "AR_Division", "ARDivisionNo"


class Sage100Reader:
    """Reads a Sage 100 company through a SQLAlchemy URL or a raw ODBC connection string."""

    def __init__(
        self,
        *,
        url: str | None = None,
        odbc: SecretStr | None = None,
        time_filter: TimeFilter = "auto",
        chunk_size: int = 20_000,
        setting_name: str | None = None,
        timezone: str = "",
    ) -> None:
        if (url is None) == (odbc is None):
            raise ValueError("Sage100Reader needs exactly one of url= or odbc=")
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be positive, not {chunk_size}")
        self._setting = setting_name or ("erp.url" if url is not None else "erp.odbc")
        self._secrets: list[str] = []
        if odbc is not None:
            self._target = ""  # the connection string names nothing safe to show
            self._secrets = odbc_passwords(odbc.get_secret_value())
            try:
                self._engine = odbc_engine(odbc)
            except ValueError as exc:
                raise ConfigError(f"{self._setting}: {exc}") from None
        else:
            assert url is not None
            self._engine, self._target = self._url_engine(url)
        self.time_filter: Literal["sql", "client"] = (
            ("client" if odbc is not None else "sql") if time_filter == "auto" else time_filter
        )
        self.chunk_size = chunk_size
        preparer = self._engine.dialect.identifier_preparer
        self._quote = preparer.quote
        self._float_type = _FLOAT_TYPES.get(self._engine.dialect.name, "FLOAT")
        # IN-list size for key reads: bound parameters per statement allow more than the
        # 200 ProvideX integrators use (SQL Server caps a statement at 2,100 parameters).
        self.key_batch = _KEY_BATCH.get(self._engine.dialect.name, 200)
        self._odbc = odbc is not None
        self.timezone = timezone
        self._queries = 0
        self._by_table: Counter[str] = Counter()
        self._lock = threading.Lock()
        # What the company has, per table: discovered on first use, once per reader.
        self._live: dict[str, CompanyTable] = {}

    @classmethod
    def from_settings(cls, settings: Sage100Settings, *, url: str) -> Sage100Reader:
        """`url` is the resolved SQLAlchemy URL (erpsync's Settings.erp_url); an `odbc`
        reference, when set, wins and is resolved here."""
        if settings.odbc is not None:
            return cls(
                odbc=settings.odbc.resolve(),
                time_filter=settings.time_filter,
                chunk_size=settings.chunk_size,
                setting_name=f"erp.odbc ({settings.odbc.describe()})",
                timezone=settings.timezone,
            )
        by_reference = settings.url.startswith(("env:", "prefect-secret:"))
        return cls(
            url=url,
            time_filter=settings.time_filter,
            chunk_size=settings.chunk_size,
            setting_name=f"erp.url ({settings.url})" if by_reference else "erp.url",
            timezone=settings.timezone,
        )

    def _url_engine(self, url: str) -> tuple[sa.Engine, str]:
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            raise ConfigError(f"{self._setting}: not a SQLAlchemy URL") from None
        if parsed.password:
            self._secrets.append(str(parsed.password))
        shown = parsed.render_as_string(hide_password=True)
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = 10  # fail a wrong host in seconds, not minutes
        try:
            return sa.create_engine(parsed, connect_args=connect_args), shown
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise ConfigError(f"{self._setting}: cannot use {shown}: {self._redact(exc)}") from None

    def __repr__(self) -> str:
        return f"Sage100Reader({self._setting}{' ' + self._target if self._target else ''})"

    def __enter__(self) -> Sage100Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def queries(self) -> int:
        """SELECT statements executed so far (the benchmark's "ERP queries")."""
        return self._queries

    @property
    def queries_by_table(self) -> dict[str, int]:
        """The same, per Sage table."""
        with self._lock:
            return dict(self._by_table)

    def close(self) -> None:
        self._engine.dispose()

    # --- connections and errors ----------------------------------------------------------------
    def _redact(self, exc: BaseException) -> str:
        orig = getattr(exc, "orig", None) or exc
        args = getattr(orig, "args", ())
        if len(args) == 2 and all(isinstance(a, str) for a in args):  # pyodbc: (state, text)
            text = odbc_error_text(*args)
        else:
            text = str(orig)
        text = redact_odbc(" ".join(text.split()))
        text = re.sub(r"://([^:/@\s]+):[^@\s]*@", r"://\1:***@", text)
        for secret in self._secrets:
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _failure(self, exc: BaseException, action: str) -> ConnectionFailed:
        return ConnectionFailed(f"{self._setting}: {action}{self._redact(exc)}")

    def _connect(self) -> sa.Connection:
        try:
            return self._engine.connect()
        except sa.exc.DBAPIError as exc:
            # from None: the operator gets one line; the driver's text is already in it.
            action = f"cannot open {self._target}: " if self._target else ""
            raise self._failure(exc, action) from None

    def _executed(self, table: str) -> None:
        with self._lock:
            self._queries += 1
            self._by_table[table] += 1

    def check(self) -> None:
        """Open a connection and read one key of AR_Division; ConnectionFailed otherwise."""
        col, tab = self._quote(_PROBE_COLUMN), self._quote(_PROBE_TABLE)
        stmt = sa.text(f"SELECT {col} FROM {tab} WHERE {col} = :div")  # noqa: S608 - catalogue names
        with self._connect() as conn:
            try:
                conn.execute(stmt, {"div": "00"}).fetchall()
            except sa.exc.DBAPIError as exc:
                where = f" in {self._target}" if self._target else ""
                raise self._failure(exc, f"cannot read {_PROBE_TABLE}{where}: ") from None
            finally:
                self._executed(_PROBE_TABLE)

    # --- the Sage server's clock -----------------------------------------------------------------
    def server_now(self) -> datetime:
        """The Sage server's wall-clock time (Sage's stamps have no zone): from erp.timezone,
        else from the company's database; never this worker's clock, whose zone may not be
        the Sage server's."""
        if self.timezone:
            return datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None)
        query = None if self._odbc else _SERVER_NOW.get(self._engine.dialect.name)
        if query is None:
            raise ConfigError(
                f"erp.timezone: {self._setting} cannot tell the Sage server's time; set "
                "erp.timezone to its time zone (e.g. America/Chicago)"
            )
        with self._connect() as conn:
            try:
                value = conn.execute(sa.text(query)).scalar_one()
            except sa.exc.DBAPIError as exc:
                raise self._failure(exc, "cannot read the server's clock: ") from None
        found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return found.replace(tzinfo=None)

    # --- the company's own schema --------------------------------------------------------------
    def company_table(self, name: str) -> CompanyTable:
        """The catalogue table `name` as this company has it (connectors.sage100.discovery).
        SchemaMismatch when the company has no such table."""
        with self._lock:
            found = self._live.get(name)
        if found is not None:
            return found
        spec = _table(name)
        with self._connect() as conn:
            try:
                if self._odbc:
                    live = odbc_columns(conn.connection.dbapi_connection, name)
                else:
                    live = inspect_columns(conn, name)
            except sa.exc.DBAPIError as exc:
                raise self._failure(exc, f"cannot read the columns of {name}: ") from None
        if live is None:
            raise SchemaMismatch(f"{self._setting}: the company has no table {name}")
        found = company_table(spec, live)
        with self._lock:
            self._live[name] = found
        return found

    def table(self, name: str) -> Table:
        """The live table: the catalogue's columns the company has, with its widths, and
        its own (UDF) columns."""
        return self.company_table(name).table

    # --- reads ---------------------------------------------------------------------------------
    def read(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        changed_since: SageStamp | None = None,
        changed_before: SageStamp | None = None,
        equals: Mapping[str, object] | None = None,
        at_least: Mapping[str, object] | None = None,
        chunk_size: int | None = None,
        key_order: str | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Stream `table` in frames of at most `chunk_size` rows. changed_since is inclusive,
        changed_before exclusive; both need a stamped table. `at_least` keeps rows whose
        column is >= the value (e.g. InvoiceDate for the last N years of history).
        `key_order` names one of the table's Sage keys ("KCUSTOMER"): rows come in that
        key's order, which every Sage driver serves from the key's index."""
        spec = self.table(table)
        wanted = _columns(spec, columns)
        order: tuple[str, ...] = ()
        if key_order is not None:
            if key_order not in spec.keys:
                known = ", ".join(sorted(spec.keys)) or "none"
                raise ValueError(f"{table} has no key {key_order!r} (keys: {known})")
            order = spec.keys[key_order]
        window = changed_since is not None or changed_before is not None
        if window and not spec.stamped:
            raise ValueError(
                f"{table} has no DateUpdated/TimeUpdated: changed_since/changed_before "
                "apply only to stamped tables"
            )
        size = self._chunk(chunk_size)
        client_time = window and self.time_filter == "client"
        selected = [*wanted, *(c for c in _STAMP_PAIR if client_time and c not in wanted)]
        where: list[str] = []
        params: list[sa.BindParameter[Any]] = []
        if window:
            self._window(where, params, changed_since, changed_before, client_time)
        for i, (name, value) in enumerate((equals or {}).items()):
            self._equal(spec, where, params, name, value, f"eq{i}")
        self._at_least(spec, where, params, at_least or {})
        stmt = self._select(spec, selected, where, params, order)

        def frames() -> Iterator[pd.DataFrame]:
            for frame in self._stream(spec, selected, stmt, size):
                if client_time:
                    frame = frame.loc[stamp_mask(frame, changed_since, changed_before)]
                    frame = frame[wanted].reset_index(drop=True)
                if not frame.empty:
                    yield frame

        return frames()

    def count(self, table: str, *, at_least: Mapping[str, object] | None = None) -> int:
        """How many rows a full `read` with the same `at_least` would stream: one COUNT(*),
        which a seed pays once per table to give its progress an ETA."""
        spec = self.table(table)
        where: list[str] = []
        params: list[sa.BindParameter[Any]] = []
        self._at_least(spec, where, params, at_least or {})
        sql = f"SELECT COUNT(*) FROM {self._quote(spec.name)}"  # noqa: S608 - catalogue name
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            try:
                found = conn.execute(sa.text(sql).bindparams(*params)).scalar()
            finally:
                self._executed(spec.name)
        return int(found or 0)

    def read_keys(
        self,
        table: str,
        columns: Sequence[str] | None,
        key_columns: Sequence[str],
        keys: Iterable[Sequence[object]],
        *,
        batch: int | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Rows whose `key_columns` equal one of `keys`, in IN-list batches of `batch` values
        (default: the dialect's; 200 over raw ODBC).

        Composite keys: equality on the leading columns where that costs few round trips,
        one IN list on the next column, the remaining columns matched exactly in pandas.
        """
        spec = self.table(table)
        wanted = _columns(spec, columns)
        key_cols = list(key_columns)
        if not key_cols:
            raise ValueError(f"{table}: read_keys needs at least one key column")
        _columns(spec, key_cols)
        batch = self.key_batch if batch is None else batch
        if batch <= 0:
            raise ValueError(f"batch must be positive, not {batch}")
        plan = list(key_batches(spec, key_cols, keys, batch))
        selected = [*wanted, *(c for c in key_cols if c not in wanted)]

        def frames() -> Iterator[pd.DataFrame]:
            for part in plan:
                where: list[str] = []
                params: list[sa.BindParameter[Any]] = []
                for i, (name, value) in enumerate(part.fixed.items()):
                    self._equal(spec, where, params, name, value, f"k{i}")
                where.append(f"{self._quote(part.in_column)} IN :keys")
                params.append(_in_param(spec, part.in_column, part.values))
                stmt = self._select(spec, selected, where, params)
                for frame in self._stream(spec, selected, stmt, self.chunk_size):
                    if part.wanted is not None:
                        found = pd.MultiIndex.from_frame(frame[key_cols]).isin(part.wanted)
                        frame = frame.loc[found]
                    frame = frame[wanted].reset_index(drop=True)
                    if not frame.empty:
                        yield frame

        return frames()

    # --- statement building ----------------------------------------------------------------------
    def _select(
        self,
        spec: Table,
        columns: Sequence[str],
        where: Sequence[str],
        params: list[sa.BindParameter[Any]],
        order: Sequence[str] = (),
    ) -> sa.TextClause:
        names = ", ".join(self._quote(c) for c in columns)
        sql = f"SELECT {names} FROM {self._quote(spec.name)}"  # noqa: S608 - catalogue names
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            sql += " ORDER BY " + ", ".join(self._quote(c) for c in order)
        return sa.text(sql).bindparams(*params)

    def _window(
        self,
        where: list[str],
        params: list[sa.BindParameter[Any]],
        since: SageStamp | None,
        before: SageStamp | None,
        client_time: bool,
    ) -> None:
        day = self._quote("DateUpdated")
        # Blank TimeUpdated is midnight; NULLIF keeps PostgreSQL from failing on CAST('').
        time_text = f"NULLIF(RTRIM({self._quote('TimeUpdated')}), '')"
        hours = f"COALESCE(CAST({time_text} AS {self._float_type}), 0)"
        if since is not None:
            params.append(sa.bindparam("since_day", since.day, type_=sa.Date()))
            if client_time:
                where.append(f"{day} >= :since_day")
            else:
                params.append(sa.bindparam("since_hours", since.hours, type_=sa.Float()))
                where.append(
                    f"({day} > :since_day OR ({day} = :since_day AND {hours} >= :since_hours))"
                )
        if before is not None:
            params.append(sa.bindparam("before_day", before.day, type_=sa.Date()))
            if client_time:
                where.append(f"{day} <= :before_day")
            else:
                params.append(sa.bindparam("before_hours", before.hours, type_=sa.Float()))
                where.append(
                    f"({day} < :before_day OR ({day} = :before_day AND {hours} < :before_hours))"
                )

    def _at_least(
        self,
        spec: Table,
        where: list[str],
        params: list[sa.BindParameter[Any]],
        at_least: Mapping[str, object],
    ) -> None:
        for i, (name, value) in enumerate(at_least.items()):
            _columns(spec, [name])
            where.append(f"{self._quote(name)} >= :ge{i}")
            params.append(
                sa.bindparam(f"ge{i}", _bind_value(spec, name, value), type_=_bind_type(spec, name))
            )

    def _equal(
        self,
        spec: Table,
        where: list[str],
        params: list[sa.BindParameter[Any]],
        name: str,
        value: object,
        param: str,
    ) -> None:
        _columns(spec, [name])
        if value is None:
            where.append(f"{self._quote(name)} IS NULL")
            return
        where.append(f"{self._quote(name)} = :{param}")
        params.append(
            sa.bindparam(param, _bind_value(spec, name, value), type_=_bind_type(spec, name))
        )

    def _chunk(self, chunk_size: int | None) -> int:
        size = self.chunk_size if chunk_size is None else chunk_size
        if size <= 0:
            raise ValueError(f"chunk_size must be positive, not {size}")
        return size

    def _stream(
        self, spec: Table, columns: Sequence[str], stmt: sa.TextClause, size: int
    ) -> Iterator[pd.DataFrame]:
        with self._connect() as conn:
            # stream_results: a server-side cursor where the driver has one (PostgreSQL);
            # elsewhere fetchmany(size) on a lazy cursor. Never a fetchall of the table.
            streaming = conn.execution_options(stream_results=True, yield_per=size)
            try:
                result = streaming.execute(stmt)
            finally:
                self._executed(spec.name)
            for rows in result.partitions(size):
                yield build_frame(spec, columns, rows)


_KEY_BATCH = {"sqlite": 900, "postgresql": 1000, "mssql": 1000}
# The database server's local wall-clock time, per dialect (Sage's own clock on Premium; on
# the sandbox, the machine it runs on).
_SERVER_NOW = {
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')",
    "postgresql": "SELECT LOCALTIMESTAMP",
    "mssql": "SELECT GETDATE()",
}


def _table(name: str) -> Table:
    try:
        return table(name)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None


def _columns(spec: Table, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return list(spec.column_names)
    if isinstance(columns, str):
        raise TypeError(f"{spec.name}: columns must be a sequence of names, not a string")
    known = set(spec.column_names)
    for name in columns:
        if name not in known:
            # Never sent to the database: SQLite would read an unknown quoted name as a
            # string literal instead of failing.
            raise SchemaMismatch(f"the company's {spec.name} has no column {name}")
    return list(dict.fromkeys(columns))


def _bind_type(spec: Table, name: str) -> sa.types.TypeEngine[Any]:
    kind = spec.column(name).kind
    if kind == "date":
        return sa.Date()
    if kind == "dec":
        return sa.Float()
    return sa.String()


def _bind_value(spec: Table, name: str, value: object) -> object:
    kind = spec.column(name).kind
    try:
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        if kind == "dec":
            return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{spec.name}.{name}: {value!r} is not a {kind}") from None
    return str(value)


def _in_param(spec: Table, name: str, values: Sequence[object]) -> sa.BindParameter[Any]:
    bound = [_bind_value(spec, name, v) for v in values]
    return sa.bindparam("keys", bound, expanding=True, type_=_bind_type(spec, name))
