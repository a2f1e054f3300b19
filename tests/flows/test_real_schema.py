"""A company with Sage's standard columns only: no UDF at all, nothing erpsync invented.

It seeds and syncs both ways with the same figures as the sandbox company generated from
the same seed (which also has the sandbox's UDFs), through a SQLAlchemy URL and through
raw ODBC; a UDF the configuration names flows both ways; a company lacking the optional
columns still seeds, leaving out only what reads them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from connectors.platform.client import PlatformClient
from erpsync.config import Settings, load_settings
from flows import incremental_sync, initial_seed
from sandbox.platform import issue_token
from sandbox.platform.simulate import simulate_platform
from tests.flows.conftest import Project
from tests.flows.helpers import by_step, run_flow

SEED = 7  # the flows' sandbox company (tests/flows/conftest.py) has the same seed


@pytest.fixture(scope="module")
def standard_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sandbox.sage100 import generate

    path = tmp_path_factory.mktemp("standard") / "company.db"
    generate(f"sqlite:///{path}", scale="tiny", seed=SEED, udfs=False)
    return path


@dataclass
class Company:
    settings: Settings
    platform_url: str
    token: str
    path: Path

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        engine = sa.create_engine(f"sqlite:///{self.path}")
        with engine.connect() as conn:
            found = [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]
        engine.dispose()
        return found

    def execute(self, sql: str, **params: Any) -> None:
        engine = sa.create_engine(f"sqlite:///{self.path}")
        with engine.begin() as conn:
            conn.execute(sa.text(sql), params)
        engine.dispose()


def _open(
    tmp_path: Path,
    source: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    odbc: bool = False,
    extra_toml: str = "",
) -> Iterator[Company]:
    from sandbox.platform import PlatformSandbox

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "company.db"
    shutil.copy(source, path)
    if odbc:
        monkeypatch.setenv("ERPSYNC_TEST_ODBC", f"Driver=SQLite3;Database={path}")
        # ProvideX cannot tell its clock: ODBC companies name their time zone.
        erp = '[erp]\nodbc = "env:ERPSYNC_TEST_ODBC"\ntimezone = "Etc/UTC"\n'
        # The BOI runs on the Sage server in production; here the sandbox BOI writes the
        # same file the ODBC driver reads.
        from erpsync.devkit import require_sandbox
        from sandbox.sage100.boi import open_session

        require_sandbox("this test")
        monkeypatch.setattr(
            "flows.runner.session_factory",
            lambda settings: lambda: open_session(f"sqlite:///{path}", company="ABC"),
        )
    else:
        erp = f'[erp]\nurl = "sqlite:///{path}"\n'
    config = tmp_path / "erpsync.toml"
    config.write_text(
        erp + "[sync]\noverlap_seconds = 120\n[platform]\nmax_batch = 50\n" + extra_toml
    )
    store = tmp_path / "platform.db"
    token = issue_token(store, "engine", role="integration")
    with PlatformSandbox(store, max_batch=50) as sandbox:
        monkeypatch.setenv("ERPSYNC_CONFIG", str(config))
        monkeypatch.setenv("ERPSYNC_PLATFORM__URL", sandbox.url)
        monkeypatch.setenv("ERPSYNC_PLATFORM_TOKEN", token)
        yield Company(load_settings(config), sandbox.url, token, path)


def _figures(summary: Any) -> dict[int, tuple[str, int, int, int]]:
    return {s.step: (s.state, s.read, s.written, s.failed) for s in summary.steps}


def _order_numbers(where: Company | Project) -> set[str]:
    with PlatformClient(where.platform_url, SecretStr(where.token)) as client:
        return {str(r["order_no"]) for page in client.iter_changed("sales_orders") for r in page}


def _sandbox_rows(project: Project, sql: str) -> list[dict[str, Any]]:
    engine = sa.create_engine(project.settings.erp_url)
    with engine.connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return found


def _simulate(url: str, store: Path) -> None:
    user = SecretStr(issue_token(store, "web-user", role="user"))
    simulate_platform(
        url, user, customers=3, contacts=3, ship_tos=3, orders=4, payments=2, seed=SEED
    )


@pytest.mark.parametrize("odbc", [False, pytest.param(True, marks=pytest.mark.odbc)])
def test_a_standard_company_syncs_both_ways_like_the_sandbox(
    project: Project,
    standard_company: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    odbc: bool,
    request: pytest.FixtureRequest,
) -> None:
    if odbc:
        request.getfixturevalue("odbc_drivers")
    # The sandbox company, with its UDFs: the figures to match.
    sandbox_seed = run_flow(initial_seed, project.settings)
    there = _order_numbers(project)
    _simulate(project.platform_url, project.settings.sandbox_platform_path)
    sandbox_sync = run_flow(incremental_sync, project.settings)

    gen = _open(tmp_path / "standard", standard_company, monkeypatch, odbc=odbc)
    company = next(gen)
    try:
        seed = run_flow(initial_seed, company.settings)
        assert seed.state == "COMPLETED", seed.message
        figures, expected = _figures(seed), _figures(sandbox_seed)
        assert {n: f for n, f in figures.items() if n != 22} == {
            n: f for n, f in expected.items() if n != 22
        }
        # Step 22: the sandbox holds back orders its Send To Service Pro UDF says no to
        # (seed 003: "if the UDF exists"); this company has no such UDF and sends them.
        here = _order_numbers(company)
        said_no = {
            r["SalesOrderNo"]
            for table in ("SO_SalesOrderHeader", "SO_SalesOrderHistoryHeader")
            for r in _sandbox_rows(
                project, f"SELECT SalesOrderNo FROM {table} WHERE UDF_SEND_TO_SERVICE_PRO = 'N'"
            )
        }
        assert there <= here and here - there == said_no & here and said_no & here
        _simulate(company.platform_url, company.settings.path("platform.db"))
        sync = run_flow(incremental_sync, company.settings)
        assert sync.state == "COMPLETED", sync.message
        ups = (13, 14, 15, 21, 23)
        assert {n: _figures(sync)[n] for n in ups} == {n: _figures(sandbox_sync)[n] for n in ups}
        assert all(by_step(sync)[n].written > 0 for n in ups)
        # Written into Sage without one UDF: the company has none, and none was needed.
        assert not [c for c in company.rows("PRAGMA table_info(AR_Customer)")
                    if str(c["name"]).startswith("UDF_")]  # fmt: skip
        again = run_flow(incremental_sync, company.settings)
        assert sum(s.written for s in again.steps if s.direction == "upload") == 0
    finally:
        gen.close()


def test_a_configured_udf_flows_both_ways(
    standard_company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "with-udf.db"
    shutil.copy(standard_company, source)
    engine = sa.create_engine(f"sqlite:///{source}")
    with engine.begin() as conn:  # the company's own UDF, as its Sage admin would add it
        conn.execute(sa.text('ALTER TABLE "AR_Customer" ADD COLUMN "UDF_INDUSTRY" VARCHAR(20)'))
        conn.execute(sa.text("UPDATE AR_Customer SET UDF_INDUSTRY = 'Plumbing'"))
    engine.dispose()
    toml = '[udf_fields.customers]\nUDF_INDUSTRY = "industry"\n'
    gen = _open(tmp_path / "p", source, monkeypatch, extra_toml=toml)
    company = next(gen)
    try:
        run_flow(initial_seed, company.settings)
        with PlatformClient(company.platform_url, SecretStr(company.token)) as client:
            customers = [r for page in client.iter_changed("customers") for r in page]
        assert customers and {r["custom_fields"]["industry"] for r in customers} == {"Plumbing"}
        _simulate(company.platform_url, company.settings.path("platform.db"))
        run_flow(incremental_sync, company.settings)
        # the simulated sign-ups say "Manufacturing": now in Sage's UDF
        made = company.rows("SELECT UDF_INDUSTRY FROM AR_Customer WHERE UDF_INDUSTRY != 'Plumbing'")
        assert [r["UDF_INDUSTRY"] for r in made] == ["Manufacturing"] * 3
    finally:
        gen.close()


def test_a_udf_the_company_lacks_fails_only_its_steps_naming_the_setting(
    standard_company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = '[udf_fields.items]\nUDF_UPC = "upc"\n'
    gen = _open(tmp_path / "p", standard_company, monkeypatch, extra_toml=toml)
    company = next(gen)
    try:
        seed = run_flow(initial_seed, company.settings)
        steps = by_step(seed)
        assert steps[10].state == "FAILED"
        assert "udf_fields.items.UDF_UPC: the company's CI_Item has no such column" in str(
            steps[10].message
        )
        assert steps[11].state == "SKIPPED" and steps[16].state == "COMPLETED"
    finally:
        gen.close()


def test_a_company_without_the_optional_columns_still_seeds(
    standard_company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from connectors.sage100.tables import TABLES

    source = tmp_path / "older.db"
    shutil.copy(standard_company, source)
    engine = sa.create_engine(f"sqlite:///{source}")
    dropped = []
    with engine.begin() as conn:
        for spec in TABLES.values():
            for col in spec.columns:
                if col.optional:
                    conn.execute(sa.text(f'ALTER TABLE "{spec.name}" DROP COLUMN "{col.name}"'))
                    dropped.append(f"{spec.name}.{col.name}")
    engine.dispose()
    assert "AR_Customer.BillToDivisionNo" in dropped and "SO_ShipToAddress.TaxExemptNo" in dropped
    gen = _open(tmp_path / "p", source, monkeypatch)
    company = next(gen)
    try:
        seed = run_flow(initial_seed, company.settings)
        assert seed.state == "COMPLETED", seed.message
        steps = by_step(seed)
        assert steps[16].written > 0 and steps[22].written > 0
        assert steps[18].written == 0  # no National Accounts columns: no bill-to to link
        assert "parent_customer_no (BillToDivisionNo, BillToCustomerNo)" in caplog.text
    finally:
        gen.close()
