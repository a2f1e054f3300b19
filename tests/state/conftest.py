"""The engine state store on each database it supports: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from erpsync.state import StateStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_schema_url")
        return url
    return f"sqlite:///{tmp_path / 'state.db'}"


@pytest.fixture()
def store(state_url: str) -> Iterator[StateStore]:
    made = StateStore(state_url, "ABC")
    made.migrate()
    yield made
    made.close()
