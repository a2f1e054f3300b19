"""Flow tests: one Prefect test server for the session, a fresh sandbox pair per test.

Each test gets its own project folder: a tiny Sage 100 sandbox company (generated once per
session and copied), a platform sandbox server on its own store, and an empty state
database, wired together through the environment the way `erpsync` wires them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from erpsync.config import Settings, load_settings


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def tiny_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sandbox.sage100 import generate

    path = tmp_path_factory.mktemp("company") / "sage100-tiny.db"
    generate(f"sqlite:///{path}", scale="tiny", seed=7)
    return path


@dataclass
class Project:
    root: Path
    settings: Settings
    platform_url: str
    token: str

    def reload(self) -> Settings:
        self.settings = load_settings(self.root / "erpsync.toml")
        return self.settings


@pytest.fixture()
def project(
    tmp_path: Path, tiny_company: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Project]:
    from sandbox.platform import PlatformSandbox, issue_token

    sandbox_dir = tmp_path / ".erpsync" / "sandbox"
    sandbox_dir.mkdir(parents=True)
    shutil.copy(tiny_company, sandbox_dir / "sage100-tiny.db")
    config = tmp_path / "erpsync.toml"
    config.write_text(
        '[sandbox]\nscale = "tiny"\n[sync]\noverlap_seconds = 120\n[platform]\nmax_batch = 50\n'
    )
    store = sandbox_dir / "platform.db"
    token = issue_token(store, "engine", role="integration")
    with PlatformSandbox(store, max_batch=50, allow_faults=True) as sandbox:
        monkeypatch.setenv("ERPSYNC_CONFIG", str(config))
        monkeypatch.setenv("ERPSYNC_PLATFORM__URL", sandbox.url)
        monkeypatch.setenv("ERPSYNC_PLATFORM_TOKEN", token)
        yield Project(tmp_path, load_settings(config), sandbox.url, token)
