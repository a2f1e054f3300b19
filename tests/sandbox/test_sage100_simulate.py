"""simulate_erp(): users change the company; exactly the rows reported, stamped `now`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from connectors.sage100.stamps import format_sage_time
from connectors.sage100.tables import STAMP_COLUMNS, TABLES
from sandbox.sage100 import ErpChanges, generate, simulate_erp
from tests.sandbox.conftest import AS_OF, read_table
from tests.sandbox.test_sage100_catalogue import assert_widths_codes_and_blanks

NOW = AS_OF + timedelta(hours=1, minutes=7, seconds=30)
STAMPS = [c.name for c in STAMP_COLUMNS]
PRICE_COLUMNS = {"StandardUnitPrice", "StandardUnitCost", "LastTotalUnitCost"}


def _snapshot(url: str) -> dict[str, pd.DataFrame]:
    return {
        name: read_table(url, name).set_index(list(spec.primary_key))
        for name, spec in TABLES.items()
        if spec.stamped
    }


def _label(key: tuple[str, ...]) -> Any:
    return key[0] if len(key) == 1 else key


def _changed_columns(before: pd.DataFrame, after: pd.DataFrame, key: tuple[str, ...]) -> set[str]:
    old, new = before.loc[_label(key)], after.loc[_label(key)]
    return {c for c in before.columns if c not in STAMPS and old[c] != new[c]}


def _simulate(url: str, seed: int = 11) -> ErpChanges:
    return simulate_erp(
        url,
        items=5,
        quantities=6,
        prices=7,
        customers_new=3,
        customers_edited=4,
        seed=seed,
        now=NOW,
    )


def test_touches_exactly_the_requested_rows_and_stamps_them(tiny_copy: str) -> None:
    before = _snapshot(tiny_copy)
    changes = _simulate(tiny_copy)
    after = _snapshot(tiny_copy)
    kinds = changes.by_kind
    assert changes.now == NOW
    assert len(kinds["items"]["CI_Item"]) == 5
    assert len(kinds["quantities"]["IM_ItemWarehouse"]) == 6
    assert sum(len(keys) for keys in kinds["prices"].values()) == 7
    assert len(kinds["customers_new"]["AR_Customer"]) == 3
    assert len(kinds["customers_edited"]["AR_Customer"]) == 4
    for name, keys in changes.changed.items():
        assert len(set(keys)) == len(keys), f"{name}: a row counted twice"
    assert set(changes.changed) <= {"CI_Item", "IM_ItemWarehouse", "IM_PriceCode", "AR_Customer"}

    for name, frame in after.items():
        touched = set(changes.changed.get(name, []))
        rows = [_label(k) for k in touched]
        stamped = frame.loc[rows] if rows else frame.iloc[:0]
        assert (stamped["DateUpdated"] == NOW.date()).all(), name
        assert (stamped["TimeUpdated"] == format_sage_time(NOW)).all(), name
        assert stamped["UserUpdatedKey"].str.fullmatch(r"\d{10}").all(), name
        untouched = frame.drop(index=rows)
        old = before[name].loc[untouched.index]
        pd.testing.assert_frame_equal(untouched[STAMPS], old[STAMPS], obj=f"{name} stamps")
    assert len(after["AR_Customer"]) == len(before["AR_Customer"]) + 3
    assert_widths_codes_and_blanks(tiny_copy)


def test_each_kind_really_changes_its_own_columns(tiny_copy: str) -> None:
    before = _snapshot(tiny_copy)
    changes = _simulate(tiny_copy, seed=5)
    after = _snapshot(tiny_copy)
    for key in changes.by_kind["items"]["CI_Item"]:
        columns = _changed_columns(before["CI_Item"], after["CI_Item"], key)
        assert columns and not columns & PRICE_COLUMNS, (key, columns)
    for key in changes.by_kind["prices"].get("CI_Item", []):
        columns = _changed_columns(before["CI_Item"], after["CI_Item"], key)
        assert "StandardUnitPrice" in columns and columns <= PRICE_COLUMNS, (key, columns)
        price = "StandardUnitPrice"
        assert after["CI_Item"].loc[_label(key), price] > before["CI_Item"].loc[_label(key), price]
    for key in changes.by_kind["prices"].get("IM_PriceCode", []):
        columns = _changed_columns(before["IM_PriceCode"], after["IM_PriceCode"], key)
        assert columns and all(c.startswith("DiscountMarkup") for c in columns), (key, columns)
    for key in changes.by_kind["quantities"]["IM_ItemWarehouse"]:
        columns = _changed_columns(before["IM_ItemWarehouse"], after["IM_ItemWarehouse"], key)
        assert "QuantityOnHand" in columns, (key, columns)
    assert after["IM_ItemWarehouse"]["QuantityOnHand"].ge(0).all()
    for key in changes.by_kind["customers_edited"]["AR_Customer"]:
        assert _changed_columns(before["AR_Customer"], after["AR_Customer"], key), key


def test_new_customers_are_complete_accounts(tiny_copy: str) -> None:
    highest = str(read_table(tiny_copy, "AR_Customer")["CustomerNo"].max())
    changes = _simulate(tiny_copy)
    customers = read_table(tiny_copy, "AR_Customer").set_index(["ARDivisionNo", "CustomerNo"])
    new = customers.loc[changes.by_kind["customers_new"]["AR_Customer"]]
    assert (new.index.get_level_values("CustomerNo") > highest).all()
    assert new.index.get_level_values("CustomerNo").str.fullmatch(r"\d{7}").all()
    assert (new["DateCreated"] == NOW.date()).all() and (
        new["TimeCreated"] == format_sage_time(NOW)
    ).all()
    assert new["CustomerName"].ne("").all() and new["City"].ne("").all()
    assert (
        new["ShipMethod"].isin(read_table(tiny_copy, "SO_ShippingRateHeader")["ShippingCode"]).all()
    )
    people = read_table(tiny_copy, "AR_Salesperson")
    known = set(zip(people["SalespersonDivisionNo"], people["SalespersonNo"], strict=True))
    assert set(zip(new["SalespersonDivisionNo"], new["SalespersonNo"], strict=True)) <= known


def test_same_seed_same_changes(tiny: object, tmp_path: Path, tiny_copy: str) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(Path(tiny_copy.removeprefix("sqlite:///")).read_bytes())
    first = _simulate(tiny_copy, seed=3)
    second = _simulate(f"sqlite:///{other}", seed=3)
    assert first.changed == second.changed
    for name in first.changed:
        a = read_table(tiny_copy, name)
        b = read_table(f"sqlite:///{other}", name)
        pd.testing.assert_frame_equal(a, b)


def test_bad_requests_are_named(tiny_copy: str) -> None:
    with pytest.raises(
        ValueError, match=r"1000 IM_ItemWarehouse rows requested but the company has \d+"
    ):
        simulate_erp(tiny_copy, quantities=1000, seed=1)
    with pytest.raises(ValueError, match="items must be >= 0"):
        simulate_erp(tiny_copy, items=-1)
    before = datetime.now().replace(microsecond=0)
    nothing = simulate_erp(tiny_copy)
    assert nothing.changed == {} and before <= nothing.now <= datetime.now()


def test_simulate_on_postgresql(postgres_schema_url: str) -> None:
    generate(postgres_schema_url, scale="tiny", seed=42, as_of=AS_OF)
    changes = _simulate(postgres_schema_url)
    customers = read_table(postgres_schema_url, "AR_Customer").set_index(
        ["ARDivisionNo", "CustomerNo"]
    )
    touched = customers.loc[changes.changed["AR_Customer"]]
    assert len(touched) == 7 and (touched["TimeUpdated"] == format_sage_time(NOW)).all()
    stock = read_table(postgres_schema_url, "IM_ItemWarehouse")
    stamped_now = (stock["DateUpdated"] == NOW.date()) & (
        stock["TimeUpdated"] == format_sage_time(NOW)
    )
    assert stamped_now.sum() == 6
