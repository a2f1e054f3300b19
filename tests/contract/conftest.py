"""The BOI contract's backends: the sandbox session itself, and the production COM adapter
over the fake ProvideX.Script over the same kind of sandbox company.

The company is generated once per test session and copied for every test, so each test
writes into a private company. The `sage` fixture is parametrized over both backends;
after a COM test it checks that the adapter released every object and the user seat,
and (unless the test is marked `breaks_protocol`) that it made no call the fake refused
for being out of the documented order or spelling.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from connectors.sage100.boi import SageSession
from connectors.sage100.boi_com import BoiComSettings, open_com_session
from sandbox.sage100 import generate
from sandbox.sage100.boi import open_session
from sandbox.sage100.com import FakeProvideXScript

__all__ = ["HOME", "NOW", "PASSWORD", "PASSWORD_ENV", "USER", "com_settings"]

# The generated company's as_of, and the sessions' clock the day after (as tests/sandbox).
AS_OF = datetime(2026, 11, 22, 14, 30, 0)
NOW = datetime(2026, 11, 23, 9, 15, 30)
HOME = r"\\SAGE01\Sage\Sage 100 Advanced\MAS90\Home"
USER = "erpsync"
PASSWORD = "Pr0videX-s3cret!"
PASSWORD_ENV = "ERPSYNC_TEST_SAGE_PASSWORD"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "breaks_protocol: makes calls the BOI refuses on purpose (COM backend)"
    )


def com_settings(**changes: object) -> BoiComSettings:
    values: dict[str, object] = {
        "home": HOME,
        "user": USER,
        "password": f"env:{PASSWORD_ENV}",
        "company": "ABC",
        "session_date": NOW.strftime("%Y%m%d"),
    }
    return BoiComSettings.model_validate(values | changes)


@pytest.fixture(scope="session")
def company_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "company.db"
    generate(f"sqlite:///{path}", scale="tiny", seed=42, as_of=AS_OF)
    return path


@pytest.fixture()
def company_url(company_template: Path, tmp_path: Path) -> str:
    """A private copy of the tiny company for one test."""
    target = tmp_path / "company.db"
    shutil.copyfile(company_template, target)
    return f"sqlite:///{target}"


@pytest.fixture()
def sage_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PASSWORD


@pytest.fixture()
def fake(company_url: str) -> FakeProvideXScript:
    return FakeProvideXScript(company_url, users={USER: PASSWORD}, home=HOME, now=lambda: NOW)


@pytest.fixture(params=["sandbox", "com"])
def sage(
    request: pytest.FixtureRequest,
    company_url: str,
    fake: FakeProvideXScript,
    sage_password: str,
) -> Iterator[SageSession]:
    """The same SageSession contract from either backend, on the test's company copy."""
    session: SageSession
    if request.param == "sandbox":
        session = open_session(company_url, now=lambda: NOW)
    else:
        session = open_com_session(com_settings(), dispatch=fake)
    yield session
    session.close()
    if request.param == "com":
        assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)
        if request.node.get_closest_marker("breaks_protocol") is None:
            assert fake.protocol_errors == []
