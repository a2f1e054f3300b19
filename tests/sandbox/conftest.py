"""Sandbox fixtures: generated companies shared by the read-only tests, fresh copies for
the tests that change them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from connectors.sage100.schema import company_metadata
from sandbox.sage100 import GenerationReport, generate
from sandbox.sage100.layout import TABLES

# The sandbox "now" of every generated company here: a Sunday afternoon, so the history
# ends on a weekend and the stamps of the last days are before and after 10:00.
AS_OF = datetime(2026, 11, 22, 14, 30, 0)

Reader = Callable[[str], pd.DataFrame]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def read_table(url: str, name: str) -> pd.DataFrame:
    """A whole table with the catalogue's types (dates as dates, numerics as floats)."""
    table = company_metadata([name], tables=TABLES).tables[name]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table)).mappings().all()
    finally:
        engine.dispose()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns])


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    path = tmp_path_factory.mktemp("tiny") / "company.db"
    return generate(sqlite_url(path), scale="tiny", seed=42, as_of=AS_OF)


def _cached_reader(url: str) -> Reader:
    cache: dict[str, pd.DataFrame] = {}

    def read(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = read_table(url, name)
        return cache[name].copy()

    return read


@pytest.fixture(scope="session")
def tiny_read(tiny: GenerationReport) -> Reader:
    return _cached_reader(tiny.url)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    """The demo scale: large enough for shares and averages to mean something."""
    path = tmp_path_factory.mktemp("small") / "company.db"
    return generate(sqlite_url(path), scale="small", seed=7, as_of=AS_OF)


@pytest.fixture(scope="session")
def small_read(small: GenerationReport) -> Reader:
    return _cached_reader(small.url)


@pytest.fixture()
def tiny_copy(tiny: GenerationReport, tmp_path: Path) -> str:
    """A private copy of the tiny company for a test that changes it."""
    source = Path(sa.engine.make_url(tiny.url).database or "")
    target = tmp_path / "company.db"
    shutil.copyfile(source, target)
    return sqlite_url(target)
