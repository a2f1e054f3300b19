"""Steps 1-12 end to end: seed, incremental, simulated change, failures, bad rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from connectors.sage100.stamps import format_sage_time
from erpsync.engine.context import history_start
from flows import incremental_sync, initial_seed
from sandbox.sage100 import simulate_erp
from tests.flows.conftest import Project
from tests.flows.helpers import by_step, erp_count, erp_execute, platform_count, run_flow

STEP_NAMES = [
    "Download Countries",
    "Download GL Accounts",
    "Download Tax Codes",
    "Download Tax Schedules",
    "Download Ship Vias",
    "Download TermsCodes",
    "Download SalesPeople",
    "Download Locations",
    "Download ProductCategories",
    "Download Items",
    "Download ItemLocations",
    "Download PriceCodes",
]
ERP_TABLES = {
    "countries": "SY_Country",
    "gl_accounts": "GL_Account",
    "tax_codes": "SY_SalesTaxCode",
    "tax_schedules": "SY_SalesTaxSchedule",
    "ship_vias": "SO_ShippingRateHeader",
    "terms": "AR_TermsCode",
    "sales_people": "AR_Salesperson",
    "locations": "IM_Warehouse",
    "product_categories": "IM_ProductLine",
    "items": "CI_Item",
    "item_locations": "IM_ItemWarehouse",
    "price_codes": "IM_PriceCode",
}


def _seed_expectations() -> dict[int, tuple[str, str]]:
    """Step -> (table, WHERE) of the ERP rows the seed must bring."""
    expected = {n: (table, "") for n, table in enumerate(ERP_TABLES.values(), 1)}
    expected[16] = ("AR_Customer", "")
    expected[17] = ("SO_ShipToAddress", "")
    expected[18] = ("AR_Customer", "")
    expected[19] = ("AR_CustomerContact", "")
    expected[20] = ("AR_InvoiceHistoryHeader", f"WHERE InvoiceDate >= '{_three_years_ago()}'")
    return expected


def test_seed_brings_everything_and_a_second_run_writes_nothing(project: Project) -> None:
    settings = project.settings
    seed = run_flow(initial_seed, settings)
    assert seed.state == "COMPLETED"
    assert [s.name for s in seed.steps][:12] == STEP_NAMES
    assert [s.step for s in seed.steps] == list(range(1, 24))
    for number, (table, where) in _seed_expectations().items():
        outcome = by_step(seed)[number]
        rows = erp_count(settings, table, where)
        assert rows > 0, table
        assert outcome.read == rows, outcome
        assert outcome.written == rows, outcome
        assert outcome.failed == 0
    for number in (13, 14, 15, 21, 23):  # nothing waits on the platform yet
        assert by_step(seed)[number].written == 0
    orders = erp_count(
        settings,
        "SO_SalesOrderHeader",
        "WHERE OrderType NOT IN ('P', 'M', 'Q', 'R') AND UDF_SEND_TO_SERVICE_PRO <> 'N'",
    ) + erp_count(
        settings,
        "SO_SalesOrderHistoryHeader",
        f"WHERE OrderStatus IN ('C', 'X') AND OrderType NOT IN ('P', 'M', 'Q', 'R') "
        f"AND UDF_SEND_TO_SERVICE_PRO <> 'N' AND OrderDate >= '{_three_years_ago()}'",
    )
    assert by_step(seed)[22].written == orders
    assert platform_count(settings, "sales_orders") == orders
    for entity, table in ERP_TABLES.items():
        assert platform_count(settings, entity) == erp_count(settings, table)

    again = run_flow(incremental_sync, settings)
    assert again.state == "COMPLETED"
    steps = by_step(again)
    assert steps[1].state == "SKIPPED" and steps[1].message == "first run only"
    assert sum(s.written for s in again.steps) == 0
    assert all(s.failed == 0 for s in again.steps)


def test_simulated_erp_changes_write_exactly_those_records(project: Project) -> None:
    settings = project.settings
    run_flow(initial_seed, settings)
    changes = simulate_erp(settings.erp_url, items=5, quantities=7, seed=3)
    assert len(changes.changed["CI_Item"]) == 5
    assert len(changes.changed["IM_ItemWarehouse"]) == 7

    run = by_step(run_flow(incremental_sync, settings))
    assert run[10].written == 5
    assert run[11].written == 7
    assert sum(s.written for s in run.values()) == 12
    assert sum(s.written for s in run_flow(incremental_sync, settings).steps) == 0


def test_an_item_price_change_reaches_every_location_of_the_item(project: Project) -> None:
    settings = project.settings
    run_flow(initial_seed, settings)
    item = _item_with_locations(settings)
    now = datetime.now()
    erp_execute(
        settings,
        "UPDATE CI_Item SET StandardUnitPrice = StandardUnitPrice + 1, "
        "DateUpdated = :d, TimeUpdated = :t WHERE ItemCode = :item",
        d=now.date(),
        t=format_sage_time(now),
        item=item,
    )
    locations = erp_count(settings, "IM_ItemWarehouse", f"WHERE ItemCode = '{item}'")
    run = by_step(run_flow(incremental_sync, settings))
    assert run[10].written == 0  # the item record itself carries no price
    assert run[11].written == locations


def _restamp_item(settings: object, item: str, when: datetime) -> None:
    erp_execute(
        settings,  # type: ignore[arg-type]
        "UPDATE CI_Item SET ItemCodeDesc = ItemCodeDesc || '.', "
        "DateUpdated = :d, TimeUpdated = :t WHERE ItemCode = :item",
        d=when.date(),
        t=format_sage_time(when),
        item=item,
    )


def test_a_workstation_clock_ahead_does_not_hide_later_changes(project: Project) -> None:
    """Sage stamps a record with the saving workstation's clock. A record saved on a
    machine a day ahead must not carry the watermark past edits saved afterwards."""
    import sqlalchemy as sa

    settings = project.settings
    run_flow(initial_seed, settings)
    engine = sa.create_engine(settings.erp_url)
    with engine.connect() as conn:
        first, second = conn.execute(
            sa.text("SELECT ItemCode FROM CI_Item ORDER BY ItemCode LIMIT 2")
        ).scalars()
    engine.dispose()
    _restamp_item(settings, first, datetime.now() + timedelta(days=1))
    assert by_step(run_flow(incremental_sync, settings))[10].written == 1

    _restamp_item(settings, second, datetime.now())
    run = by_step(run_flow(incremental_sync, settings))
    assert run[10].written == 1  # without the cap the watermark sat a day ahead: 0


def test_watermarks_are_capped_by_the_sage_servers_clock_not_the_workers(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Sage server keeps Chicago time; this worker runs on UTC, six hours ahead. An
    item stamped one hour ahead of Sage's clock (a workstation clock off) must not carry
    the watermark past an edit saved at Sage's now."""
    from zoneinfo import ZoneInfo

    import sqlalchemy as sa

    monkeypatch.setenv("ERPSYNC_ERP__TIMEZONE", "America/Chicago")
    settings = project.reload()

    def sage_now() -> datetime:
        return datetime.now(ZoneInfo("America/Chicago")).replace(tzinfo=None)

    run_flow(initial_seed, settings)
    engine = sa.create_engine(settings.erp_url)
    with engine.connect() as conn:
        first, second = conn.execute(
            sa.text("SELECT ItemCode FROM CI_Item ORDER BY ItemCode LIMIT 2")
        ).scalars()
    engine.dispose()
    _restamp_item(settings, first, sage_now() + timedelta(hours=1))
    assert by_step(run_flow(incremental_sync, settings))[10].written == 1
    _restamp_item(settings, second, sage_now())
    run = by_step(run_flow(incremental_sync, settings))
    assert run[10].written == 1  # capped at the worker's UTC clock, the watermark passed it


def test_a_failed_step_skips_only_its_dependents(project: Project) -> None:
    settings = project.settings
    erp_execute(settings, "DROP TABLE IM_ProductLine")
    seed = run_flow(initial_seed, settings)
    assert seed.state == "FAILED"
    assert "step 9 Download ProductCategories failed" in (seed.message or "")
    steps = by_step(seed)
    assert steps[9].state == "FAILED"
    for n in (10, 11, 12):
        assert steps[n].state == "SKIPPED"
        assert steps[n].message == "not run: step 9 failed"
    for n in range(1, 9):
        assert steps[n].state == "COMPLETED" and steps[n].written > 0


def test_an_erp_row_outside_sage_codes_is_reported_and_the_rest_syncs(project: Project) -> None:
    settings = project.settings
    item = _item_with_locations(settings)
    erp_execute(settings, "UPDATE CI_Item SET ItemType = '9' WHERE ItemCode = :i", i=item)
    seed = run_flow(initial_seed, settings)
    items = by_step(seed)[10]
    total = erp_count(settings, "CI_Item")
    assert items.state == "COMPLETED"
    assert items.failed == 1
    assert items.written == total - 1

    store = settings.state_store()
    errors = store.run_errors(seed.run_id)
    store.close()
    assert [(e.step, e.record_key, e.field) for e in errors] == [(10, item, "ItemType")]
    assert "'9' is not one of" in errors[0].reason


def _three_years_ago() -> str:
    return history_start(3).isoformat()


def _item_with_locations(settings: object) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(settings.erp_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        item = conn.execute(
            sa.text(
                "SELECT ItemCode FROM IM_ItemWarehouse GROUP BY ItemCode "
                "HAVING COUNT(*) > 1 ORDER BY ItemCode LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    return str(item)


def test_backfill_rewrites_only_records_that_differ(project: Project) -> None:
    from flows import backfill

    settings = project.settings
    run_flow(initial_seed, settings)
    start, end = datetime(2000, 1, 1).date(), datetime.now().date()
    params = {"entities": ["items"], "start": start, "end": end, "dry_run": False}
    same = by_step(run_flow(backfill, settings, **params))[10]
    assert same.read == erp_count(settings, "CI_Item") and same.written == 0

    # Lose the linkage of one item (state restored from an old backup, say): the backfill
    # sends it again, the platform sees it unchanged, and nothing is duplicated.
    import sqlalchemy as sa

    engine = sa.create_engine(settings.state_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM linkage WHERE id = (SELECT MIN(id) FROM linkage "
                "WHERE entity = 'items')"
            )
        )
    engine.dispose()
    again = by_step(run_flow(backfill, settings, **params))[10]
    assert again.changed == 1
    assert again.written == 0  # identical content: the platform reports it unchanged
    assert platform_count(settings, "items") == erp_count(settings, "CI_Item")


def _platform_item(settings: object, item: str) -> dict[str, object]:
    from sandbox.platform.store import PlatformStore

    store = PlatformStore(settings.sandbox_platform_path)  # type: ignore[attr-defined]
    try:
        page, _ = store.changed("items", limit=100_000)
    finally:
        store.close()
    (found,) = [r for r in page if r["item_number"] == item]
    return found


def test_a_dry_run_reports_the_difference_and_writes_nothing(project: Project) -> None:
    """An edited item differs from what the platform holds: a dry run (backfill or sync)
    counts it as changed, sends nothing and moves no watermark; the real run then
    writes exactly it."""
    from flows import backfill

    settings = project.settings
    run_flow(initial_seed, settings)
    item = _item_with_locations(settings)
    before = _platform_item(settings, item)
    store = settings.state_store()
    marks = store.watermarks()
    _restamp_item(settings, item, datetime.now())

    start, end = datetime(2000, 1, 1).date(), datetime.now().date()
    dry = {"entities": ["items"], "start": start, "end": end, "dry_run": True}
    for flow, params in ((backfill, dry), (incremental_sync, {"dry_run": True})):
        step = by_step(run_flow(flow, settings, **params))[10]
        assert (step.changed, step.written) == (1, 0), flow
        assert _platform_item(settings, item) == before  # not even re-stamped
        assert store.watermarks() == marks

    real = by_step(run_flow(backfill, settings, **{**dry, "dry_run": False}))[10]
    assert (real.changed, real.written) == (1, 1)
    assert _platform_item(settings, item)["description"] == f"{before['description']}."
    store.close()


def test_a_run_with_no_change_costs_one_query_per_table_and_one_read_per_entity(
    project: Project,
) -> None:
    """Boundary rows the last run processed are not worked again; steps reading the same
    table share one read; uploads ask the platform only for what waits."""
    settings = project.settings
    run_flow(initial_seed, settings)
    simulate_erp(settings.erp_url, items=3, quantities=3, seed=1)
    run_flow(incremental_sync, settings)  # processes the change; its rows are the boundary
    quiet = run_flow(incremental_sync, settings)
    assert sum(s.written for s in quiet.steps) == 0
    assert sum(s.read for s in quiet.steps) == 0
    assert quiet.io is not None
    per_table = quiet.io["erp_queries_by_table"]
    assert per_table and max(per_table.values()) == 1, per_table
    calls = quiet.io["platform_calls"]
    assert not [c for c in calls if c.startswith("POST")], calls
    reads = {c: n for c, n in calls.items() if c.startswith("GET")}
    assert max(reads.values()) == 1, reads
