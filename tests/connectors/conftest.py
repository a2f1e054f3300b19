"""A small Sage 100 company on each backend the reader supports.

`company` is parametrised over the three ways erpsync reaches Sage data: a SQLite URL (the
sandbox), a PostgreSQL URL (a sandbox hosted in PostgreSQL) and a raw ODBC connection
string through the unixODBC SQLite3 driver (standing in for ProvideX). Tables come from
the catalogue via `company_metadata`; rows are written with SQLAlchemy Core.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from connectors.sage100 import Sage100Reader
from connectors.sage100.schema import company_metadata

BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("odbc", marks=pytest.mark.odbc),
]


@dataclass
class Company:
    """Where the test writes rows (`engine`) and how a reader reaches the same data."""

    backend: str
    engine: sa.Engine
    url: str | None = None
    odbc: str | None = None
    readers: list[Sage100Reader] = field(default_factory=list)

    def create(self, *tables: str) -> None:
        company_metadata(tables).create_all(self.engine)

    def insert(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        target = company_metadata([table]).tables[table]
        names = list(dict.fromkeys(name for row in rows for name in row))
        with self.engine.begin() as conn:
            conn.execute(sa.insert(target), [{n: row.get(n) for n in names} for row in rows])

    def reader(self, **kw: Any) -> Sage100Reader:
        if self.odbc is not None:
            reader = Sage100Reader(odbc=SecretStr(self.odbc), **kw)
        else:
            reader = Sage100Reader(url=self.url, **kw)
        self.readers.append(reader)
        return reader


@pytest.fixture(params=BACKENDS)
def company(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Company]:
    backend: str = request.param
    if backend == "postgres":
        url = request.getfixturevalue("postgres_schema_url")
        made = Company(backend, sa.create_engine(url), url=url)
    else:
        path = tmp_path / "company.db"
        engine = sa.create_engine(f"sqlite:///{path}")
        if backend == "odbc":
            request.getfixturevalue("odbc_drivers")
            made = Company(backend, engine, odbc=f"Driver=SQLite3;Database={path}")
        else:
            made = Company(backend, engine, url=f"sqlite:///{path}")
    yield made
    for reader in made.readers:
        reader.close()
    made.engine.dispose()
