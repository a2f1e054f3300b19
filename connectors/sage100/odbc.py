"""A minimal SQLAlchemy dialect for a raw ODBC connection string (Sage 100 Standard/Advanced).

The ProvideX "MAS 90 4.0 ODBC Driver" is not a database SQLAlchemy knows. Its SQL is a
small subset: single-table SELECTs, `?` parameters, no transactions, no catalogue views,
no server-version function. The stock pyodbc dialects (mssql+pyodbc) probe the server on
first connect with queries ProvideX rejects, so this dialect is PyODBCConnector plus
DefaultDialect with every probe switched off:

- no server-version, default-schema or isolation-level queries;
- the connection opens with autocommit=True and commit/rollback do nothing (erpsync only
  reads through ODBC; writes to Sage go through BOI);
- identifiers are never quoted when they are valid plain names (ProvideX column names are
  mixed case and must be written as they are).

The connection string never appears in the engine URL: it is handed to the dialect as a
SecretStr, so engine and URL reprs cannot show the Sage password.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.connectors.pyodbc import PyODBCConnector
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL, ConnectArgsType, Connection, default, interfaces
from sqlalchemy.sql import compiler

__all__ = [
    "Sage100OdbcDialect",
    "odbc_connection_string",
    "odbc_engine",
    "odbc_error_text",
    "odbc_passwords",
    "redact_odbc",
]

_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# PWD=... up to the next ';', or a braced value that may itself contain ';'.
_PASSWORD = re.compile(r"(?i)\b(PWD|PASSWORD)(\s*=\s*)(\{(?:[^}]|\}\})*\}|[^;]*)")


def odbc_connection_string(value: str) -> str:
    """A DSN name ("SOTAMAS90") becomes "DSN=SOTAMAS90"; a connection string stays as is."""
    text = value.strip()
    if not text:
        raise ValueError("the ODBC connection string is empty")
    return text if "=" in text else f"DSN={text}"


def redact_odbc(text: str) -> str:
    """The text with every PWD=/PASSWORD= value replaced by ***."""
    return _PASSWORD.sub(r"\1\2***", text)


class _PlainPreparer(compiler.IdentifierPreparer):
    def _requires_quotes(self, value: str) -> bool:
        # Mixed case and SQL keywords are fine for ProvideX; only names that cannot be
        # written bare (spaces, leading digits) are quoted.
        return not _PLAIN_IDENTIFIER.fullmatch(value)


class Sage100OdbcDialect(PyODBCConnector, default.DefaultDialect):
    name = "sage100odbc"
    driver = "pyodbc"
    supports_statement_cache = True
    supports_native_boolean = False
    supports_sequences = False
    postfetch_lastrowid = False
    preparer = _PlainPreparer

    def __init__(self, odbc_connect: SecretStr | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self._odbc_connect = odbc_connect

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        if self._odbc_connect is None:
            raise sa.exc.ArgumentError("sage100odbc needs odbc_connect=<connection string>")
        return (self._odbc_connect.get_secret_value(),), {"autocommit": True}

    # --- no probing: ProvideX rejects these queries ------------------------------------------
    def _get_server_version_info(self, connection: Connection) -> tuple[int, ...]:
        raise NotImplementedError

    def _get_default_schema_name(self, connection: Connection) -> str:
        raise NotImplementedError

    def get_default_isolation_level(self, dbapi_conn: interfaces.DBAPIConnection) -> Any:
        return "AUTOCOMMIT"

    def get_isolation_level(self, dbapi_connection: interfaces.DBAPIConnection) -> Any:
        return "AUTOCOMMIT"

    # --- read-only, autocommit: there is nothing to commit or roll back -----------------------
    def do_begin(self, dbapi_connection: Any) -> None:
        pass

    def do_commit(self, dbapi_connection: Any) -> None:
        pass

    def do_rollback(self, dbapi_connection: Any) -> None:
        pass


registry.register("sage100odbc.pyodbc", __name__, "Sage100OdbcDialect")


def odbc_engine(connect: SecretStr) -> sa.Engine:
    """An engine over a raw ODBC connection string or DSN name (nothing is opened yet).
    ValueError when pyodbc cannot load the ODBC driver manager (unixODBC on Linux)."""
    connection_string = odbc_connection_string(connect.get_secret_value())
    try:
        return sa.create_engine("sage100odbc+pyodbc://", odbc_connect=SecretStr(connection_string))
    except ImportError as exc:
        raise ValueError(
            f"pyodbc cannot load the ODBC driver manager ({exc}); on Debian: "
            "apt-get install unixodbc, plus the ProvideX (MAS 90) ODBC driver"
        ) from None


def odbc_passwords(connection_string: str) -> list[str]:
    """The PWD/PASSWORD values in a connection string (to scrub them from driver messages)."""
    return [m.group(3).strip("{}") for m in _PASSWORD.finditer(connection_string) if m.group(3)]


def odbc_error_text(state: str, text: str) -> str:
    """One line from a pyodbc error: "[IM002] Data source name not found ..."."""
    # pyodbc gives "[IM002] [unixODBC][Driver Manager]Data source ... (0) (SQLDriverConnect)"
    text = re.sub(r"^(\[[^\]]*\]\s*)+", "", text.strip())
    text = re.sub(r"(\s*\(-?\d+\))?(\s*\(SQL\w+\))+\s*$", "", text)
    return f"[{state}] {text}"
