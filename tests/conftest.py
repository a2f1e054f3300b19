"""Fixtures shared by every test layer.

External parts that may be missing on a developer's machine (the PostgreSQL server, the
unixODBC drivers) make their tests skip with the reason. CI sets
ERPSYNC_REQUIRE_EXTERNAL=1, which turns each of those skips into a failure: a green CI run
means every layer really ran.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect reads its settings at import: point it at a project folder and keep it offline.
_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(_ROOT / ".erpsync" / "prefect-test"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "erpsync")
# erpsync's loggers also run outside flows (connector tests): no API log there, no warning.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

REQUIRE_EXTERNAL = os.environ.get("ERPSYNC_REQUIRE_EXTERNAL") == "1"
POSTGRES_URL = os.environ.get(
    "ERPSYNC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def missing_external(reason: str) -> None:
    """Skip locally, fail in CI: the part the test needs is not there."""
    if REQUIRE_EXTERNAL:
        pytest.fail(f"required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        missing_external(f"no PostgreSQL at {POSTGRES_URL}: {type(exc).__name__}")
    return POSTGRES_URL


@pytest.fixture()
def postgres_schema_url(postgres_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped after the test."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(postgres_server_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres_server_url else "?"
    yield f"{postgres_server_url}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def odbc_drivers() -> list[str]:
    try:
        import pyodbc
    except ImportError as exc:  # pragma: no cover - pyodbc is a dependency
        missing_external(f"pyodbc cannot load the unixODBC library: {exc}")
    drivers = list(pyodbc.drivers())
    if "SQLite3" not in drivers:
        missing_external(
            "the unixODBC SQLite3 driver is not installed (apt-get install libsqliteodbc)"
        )
    return drivers


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A scratch project folder: config, sandbox files and state live under it."""
    return tmp_path


@pytest.fixture(scope="session")
def tiny_company_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sandbox.sage100 import generate

    path = tmp_path_factory.mktemp("service-company") / "sage100-tiny.db"
    generate(f"sqlite:///{path}", scale="tiny", seed=11)
    return path
