"""Two companies side by side: one PostgreSQL state database, one run each at the same
time, each with its own ledger, watermarks and linkages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from erpsync.state import StateStore


@pytest.mark.slow
@pytest.mark.postgres
def test_two_companies_seed_at_once_on_one_state_database(
    tmp_path: Path, tiny_company_file: Path, postgres_schema_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERPSYNC_", "PREFECT_"))}
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        ERPSYNC_SHARED_STATE=postgres_schema_url,
    )
    procs = {}
    for company in ("ABC", "XYZ"):
        root = tmp_path / company
        (root / ".erpsync" / "sandbox").mkdir(parents=True)
        shutil.copy(tiny_company_file, root / ".erpsync" / "sandbox" / "sage100-tiny.db")
        (root / "erpsync.toml").write_text(
            f'[erp]\ncompany = "{company}"\n[sandbox]\nscale = "tiny"\n'
            '[state]\nurl = "env:ERPSYNC_SHARED_STATE"\n'
        )
        procs[company] = subprocess.Popen(
            [sys.executable, "-m", "erpsync.cli", "seed", "--json"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    for company, proc in procs.items():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{company}: {err[-2000:]}"
    stores = {c: StateStore(postgres_schema_url, c) for c in procs}
    try:
        runs = {c: s.recent_runs() for c, s in stores.items()}
        assert [len(r) for r in runs.values()] == [1, 1]
        assert {r[0].state for r in runs.values()} == {"COMPLETED"}
        assert runs["ABC"][0].run_id != runs["XYZ"][0].run_id
        # the same company data on both sides: the same keys, kept apart per company
        marks = {c: s.watermarks() for c, s in stores.items()}
        assert marks["ABC"] == marks["XYZ"] and marks["ABC"]
        assert stores["ABC"].has_links("items") and stores["XYZ"].has_links("items")
    finally:
        for s in stores.values():
            s.close()
