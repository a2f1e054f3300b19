"""Operators see one clear line and a non-zero exit for every problem they can fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def erpsync(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSYNC_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "erpsync.cli", *args],
        cwd=workdir,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_help_lists_the_commands(workdir: Path) -> None:
    result = erpsync(workdir, "--help")
    assert result.returncode == 0
    for command in ("demo", "seed", "sync", "backfill", "history", "errors", "serve", "sandbox"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[sync]\noverlap_seconds = 'soon'\n", "sync.overlap_seconds"),
        ("[sync\n", "not valid TOML"),
        ("[platform]\ntoken = 'hunter2'\n", "platform.token"),
    ],
)
def test_bad_configuration_exits_2_naming_the_setting(
    workdir: Path, toml: str, needle: str
) -> None:
    (workdir / "erpsync.toml").write_text(toml)
    result = erpsync(workdir, "history")
    assert result.returncode == 2
    line = one_line(result)
    assert needle in line
    assert "hunter2" not in result.stderr


@pytest.fixture()
def tiny_project(workdir: Path) -> Path:
    from sandbox.sage100 import generate

    sandbox = workdir / ".erpsync" / "sandbox"
    sandbox.mkdir(parents=True)
    generate(f"sqlite:///{sandbox / 'sage100-tiny.db'}", scale="tiny", seed=1)
    return workdir


def test_unreachable_platform_is_one_line_and_exit_3(tiny_project: Path) -> None:
    (tiny_project / "erpsync.toml").write_text(
        '[sandbox]\nscale = "tiny"\n[platform]\nurl = "http://127.0.0.1:9"\nmax_retries = 1\n'
    )
    result = erpsync(tiny_project, "sync", env={"ERPSYNC_PLATFORM_TOKEN": "t0ken-value"})
    assert result.returncode == 3
    line = one_line(result)
    assert "127.0.0.1:9" in line
    assert "t0ken-value" not in result.stderr + result.stdout


def test_rejected_token_names_the_setting_not_the_token(tiny_project: Path) -> None:
    from sandbox.platform import PlatformSandbox, issue_token

    store = tiny_project / "platform.db"
    issue_token(store, "real", role="integration")
    with PlatformSandbox(store) as sandbox:
        (tiny_project / "erpsync.toml").write_text(
            f'[sandbox]\nscale = "tiny"\n[platform]\nurl = "{sandbox.url}"\n'
        )
        result = erpsync(tiny_project, "sync", env={"ERPSYNC_PLATFORM_TOKEN": "wrong-t0ken"})
    assert result.returncode == 3
    line = one_line(result)
    assert "platform.token" in line and "env:ERPSYNC_PLATFORM_TOKEN" in line
    assert "wrong-t0ken" not in result.stderr + result.stdout


def test_unreachable_erp_names_erp_url(workdir: Path) -> None:
    (workdir / "erpsync.toml").write_text(
        '[erp]\nurl = "sqlite:////nonexistent-dir/company.db"\n'
        '[platform]\nurl = "http://127.0.0.1:9"\n'
    )
    result = erpsync(workdir, "sync", env={"ERPSYNC_PLATFORM_TOKEN": "x"})
    assert result.returncode == 3
    assert "erp.url" in one_line(result)


def test_missing_token_variable_is_named(tiny_project: Path) -> None:
    (tiny_project / "erpsync.toml").write_text(
        '[sandbox]\nscale = "tiny"\n[platform]\nurl = "http://127.0.0.1:9"\n'
    )
    result = erpsync(tiny_project, "sync")
    assert result.returncode == 2
    assert "ERPSYNC_PLATFORM_TOKEN is not set" in one_line(result)
