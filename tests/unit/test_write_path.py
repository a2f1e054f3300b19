"""Which write path a configuration gets: BOI over COM, the sandbox BOI, or a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.config import load_settings
from erpsync.engine.write_path import session_factory
from erpsync.errors import ConfigError


def test_erp_boi_selects_the_com_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAGE_PW", "s3cret-pw")
    config = tmp_path / "erpsync.toml"
    config.write_text(
        '[erp]\nodbc = "env:SAGE_DSN"\ncompany = "XYZ"\n'
        '[erp.boi]\nhome = "C:/Sage/MAS90/Home"\nuser = "erpsync"\npassword = "env:SAGE_PW"\n'
    )
    opener = session_factory(load_settings(config))
    # No pywin32 on this machine: the COM path is chosen, and says what it lacks.
    with pytest.raises(ConfigError, match="pywin32") as raised:
        opener()
    assert "s3cret-pw" not in str(raised.value)


def test_a_real_company_without_erp_boi_refuses_to_write(tmp_path: Path) -> None:
    config = tmp_path / "erpsync.toml"
    config.write_text('[erp]\nodbc = "env:SAGE_DSN"\n')
    with pytest.raises(ConfigError, match=r"erp\.boi"):
        session_factory(load_settings(config))()


def test_the_password_must_be_a_reference(tmp_path: Path) -> None:
    config = tmp_path / "erpsync.toml"
    config.write_text('[erp.boi]\nhome = "H"\nuser = "u"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError, match=r"erp\.boi\.password") as raised:
        load_settings(config)
    assert "hunter2" not in str(raised.value)
