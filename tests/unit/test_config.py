"""Configuration: one file, environment overrides, secrets only by reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpsync.config import load_settings
from erpsync.errors import ConfigError, SecretUnavailable
from erpsync.secrets import SecretRef


def test_defaults_point_at_the_embedded_sandbox(tmp_path: Path) -> None:
    cfg = tmp_path / "erpsync.toml"
    cfg.write_text("")
    s = load_settings(cfg)
    assert s.uses_sandbox_erp and s.uses_embedded_platform
    assert s.erp_url == f"sqlite:///{tmp_path / '.erpsync/sandbox/sage100-small.db'}"
    assert s.state_url == f"sqlite:///{tmp_path / '.erpsync/state.db'}"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "erpsync.toml"
    cfg.write_text('[sync]\noverlap_seconds = 60\n[state]\nurl = "sqlite:///a.db"\n')
    monkeypatch.setenv("ERPSYNC_SYNC__OVERLAP_SECONDS", "90")
    s = load_settings(cfg)
    assert s.sync.overlap_seconds == 90
    assert s.state_url == f"sqlite:///{tmp_path / 'a.db'}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sync\n", "not valid TOML"),
        ("[sync]\noverlap_seconds = -5\n", "sync.overlap_seconds"),
        ("[sync]\nwarehouse = ['000']\n", "sync.warehouse: Extra inputs are not permitted"),
        ("[platform]\nmax_batch = 'lots'\n", "platform.max_batch"),
        ("[platform]\ntoken = 'env:'\n", "platform.token"),
        ("[platform]\ntoken = 'abc123'\n", "platform.token: Value error, a secret must be a ref"),
        ("[erp]\nodbc = 'DSN=X;PWD=pw'\n", "erp.odbc: Value error, a secret must be a ref"),
    ],
)
def test_malformed_configuration_names_the_setting(
    tmp_path: Path, text: str, expected: str
) -> None:
    cfg = tmp_path / "erpsync.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[")) as err:
        load_settings(cfg)
    assert str(cfg) in str(err.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_secret_references_resolve_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = SecretRef("env:ERPSYNC_TEST_SECRET")
    monkeypatch.delenv("ERPSYNC_TEST_SECRET", raising=False)
    with pytest.raises(SecretUnavailable, match="ERPSYNC_TEST_SECRET is not set"):
        ref.resolve()
    monkeypatch.setenv("ERPSYNC_TEST_SECRET", "s3cret")
    value = ref.resolve()
    assert value.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(value) and "s3cret" not in str(value)
    assert ref.describe() == "env:ERPSYNC_TEST_SECRET"
    assert SecretRef("plain").describe() == "(literal value)"
