"""check(): one clear line naming the setting, never a password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from connectors.sage100 import Sage100Reader, Sage100Settings
from erpsync.errors import ConfigError, ConnectionFailed

from .conftest import Company


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def test_check_passes_on_a_company_database(company: Company) -> None:
    company.create("AR_Division")
    reader = company.reader()
    reader.check()
    assert reader.queries == 1


def test_check_names_a_company_without_its_tables(company: Company) -> None:
    company.create("CI_Item")  # no AR_Division
    reader = company.reader()
    with pytest.raises(ConnectionFailed) as caught:
        reader.check()
    message = str(caught.value)
    setting = "erp.odbc" if company.backend == "odbc" else "erp.url"
    assert message.startswith(f"{setting}: cannot read AR_Division")
    assert "\n" not in message


def test_sqlite_file_in_a_missing_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/dir/company.db"
    reader = Sage100Reader(url=url)
    with pytest.raises(ConnectionFailed) as caught:
        reader.check()
    message = str(caught.value)
    assert message == f"erp.url: cannot open {url}: unable to open database file"
    reader.close()


def test_postgres_closed_port_hides_the_password() -> None:
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{_closed_port()}/test"
    reader = Sage100Reader(url=url)
    assert "secret" not in repr(reader)
    with pytest.raises(ConnectionFailed) as caught:
        reader.check()
    message = str(caught.value)
    assert message.startswith("erp.url: cannot open postgresql+psycopg://postgres:***@127.0.0.1:")
    assert "secret" not in message
    assert "\n" not in message
    assert caught.value.__cause__ is None
    reader.close()


@pytest.mark.odbc
def test_unknown_dsn_names_the_setting_and_the_odbc_state(odbc_drivers: list[str]) -> None:
    reader = Sage100Reader(odbc=SecretStr("NoSuchSageDsn"))
    with pytest.raises(ConnectionFailed) as caught:
        reader.check()
    message = str(caught.value)
    assert message.startswith("erp.odbc: [IM002] ")
    assert "data source name not found" in message.lower()
    reader.close()


@pytest.mark.odbc
def test_odbc_password_never_reaches_the_message(
    odbc_drivers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERPSYNC_TEST_ODBC", "Driver={No Such Driver};UID=JSMITH;PWD=secret")
    settings = Sage100Settings.model_validate({"odbc": "env:ERPSYNC_TEST_ODBC"})
    reader = Sage100Reader.from_settings(settings, url="sqlite:///unused.db")
    assert "secret" not in repr(reader)
    with pytest.raises(ConnectionFailed) as caught:
        reader.check()
    message = str(caught.value)
    assert message.startswith("erp.odbc (env:ERPSYNC_TEST_ODBC): [")
    assert "secret" not in message
    reader.close()


@pytest.mark.odbc
def test_from_settings_reads_through_odbc_when_set(
    odbc_drivers: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "company.db"
    company = Company("odbc", sa.create_engine(f"sqlite:///{path}"))
    company.create("AR_Division")
    company.insert("AR_Division", [{"ARDivisionNo": "07", "DivisionDesc": "West"}])
    company.engine.dispose()
    monkeypatch.setenv("ERPSYNC_TEST_ODBC", f"Driver=SQLite3;Database={path}")
    settings = Sage100Settings.model_validate({"odbc": "env:ERPSYNC_TEST_ODBC", "chunk_size": 5})
    with Sage100Reader.from_settings(settings, url="sqlite:////nonexistent/ignored.db") as reader:
        reader.check()
        assert reader.time_filter == "client"
        assert reader.chunk_size == 5
        (frame,) = list(reader.read("AR_Division", ["ARDivisionNo"]))
    assert list(frame["ARDivisionNo"]) == ["07"]


def test_from_settings_uses_the_resolved_url(tmp_path: Path) -> None:
    settings = Sage100Settings.model_validate({"time_filter": "client", "chunk_size": 7})
    reader = Sage100Reader.from_settings(settings, url=f"sqlite:///{tmp_path}/c.db")
    assert (reader.time_filter, reader.chunk_size) == ("client", 7)
    assert repr(reader) == f"Sage100Reader(erp.url sqlite:///{tmp_path}/c.db)"
    reader.close()


def test_a_bad_url_is_a_config_error_without_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        Sage100Reader(url="nosuchdb+driver://u:secret@host/db")
    assert str(caught.value).startswith("erp.url: cannot use nosuchdb+driver://u:***@host/db")
    assert "secret" not in str(caught.value)
    with pytest.raises(ConfigError, match=r"^erp\.url: not a SQLAlchemy URL$"):
        Sage100Reader(url="not a url at all")
    with pytest.raises(ValueError, match="exactly one"):
        Sage100Reader()
