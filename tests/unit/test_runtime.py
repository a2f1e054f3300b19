"""Process set-up the CLI does before Prefect is imported."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from erpsync.config import load_settings
from erpsync.runtime import prepare_prefect_env


def test_engine_info_lines_reach_the_run_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Prefect attaches its handlers to "erpsync" but leaves the level to the root (WARNING).
    cfg = tmp_path / "erpsync.toml"
    cfg.write_text("")
    monkeypatch.setattr(os, "environ", dict(os.environ))  # what it sets stays in this test
    engine_logger = logging.getLogger("erpsync")
    before = engine_logger.level
    engine_logger.setLevel(logging.NOTSET)
    try:
        assert not logging.getLogger("erpsync.download").isEnabledFor(logging.INFO)
        prepare_prefect_env(load_settings(cfg))
        assert logging.getLogger("erpsync.download").isEnabledFor(logging.INFO)
    finally:
        engine_logger.setLevel(before)
