"""Steps 10-12 mappings: the documented rules per item kind, price breaks, Sage checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import orjson
import pandas as pd
import pytest

from erpsync.mappings.core import encode_records
from erpsync.mappings.inventory import ITEM_LOCATIONS, PRICE_CODES, price_breaks
from erpsync.mappings.inventory import ITEMS as _ITEMS
from sandbox.sage100.layout import UDF_FIELDS
from sandbox.sage100.layout import table as company_table

# As a company set up like the sandbox (with its item UDFs) gets the mapping.
ITEMS = _ITEMS.for_company(company_table("CI_Item"), UDF_FIELDS["items"])


@dataclass
class Ctx:
    default_location: str = "WH9"
    default_customer_type: str = "STD"
    default_ship_via: str = "UPS GROUND"


def _item(code: str, item_type: str, product_type: str = "F", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {c: "" for c in ITEMS.source_columns}
    row.update(
        ItemCode=code,
        ItemType=item_type,
        ProductType=product_type,
        ItemCodeDesc=f"desc {code}",
        ProductLine="HARD",
        DefaultWarehouseCode="000",
        InactiveItem="N",
        AllowBackOrders="Y",
        ShipWeight="12.5",
        SalesUnitOfMeasure="EACH",
        TaxClass="TX",
        UDF_BRAND="Acme",
        UDF_WEB_ITEM="Y",
    )
    row.update(extra)
    return row


def _map(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).astype({c: "string" for c in ITEMS.source_columns})
    chunk = ITEMS.apply(frame, Ctx())
    assert not chunk.rejects
    return chunk.records.set_index("item_number")


def test_each_item_kind_gets_its_documented_rules() -> None:
    out = _map(
        [
            _item("REG", "1"),
            _item("KIT", "1", "K"),
            _item("/MISC", "5"),
            _item("/FREIGHT", "3"),
            _item("/C", "4"),
        ]
    )
    assert out.loc["REG", "item_kind"] == "regular"
    assert out.loc["REG", "stocked"] and not out.loc["REG", "kit"]
    assert out.loc["REG", "default_location"] == "000"
    assert out.loc["REG", "service_pro_type"] == "Inventory"
    assert out.loc["KIT", "kit"] and not out.loc["KIT", "stocked"]
    assert out.loc["KIT", "default_location"] == "000"
    assert out.loc["KIT", "service_pro_type"] == "Inventory"
    for code in ("/MISC", "/FREIGHT", "/C"):
        assert not out.loc[code, "stocked"]
        assert out.loc[code, "default_location"] == "WH9"  # the connector's default location
        assert out.loc[code, "service_pro_type"] == "Unassigned"
    for code in ("/FREIGHT", "/C"):
        assert out.loc[code, "order_minimum"] == 1 and out.loc[code, "order_maximum"] == 1
    assert pd.isna(out.loc["/MISC", "order_minimum"])
    assert pd.isna(out.loc["REG", "order_maximum"])


def test_item_fields_and_custom_fields() -> None:
    out = _map([_item("A1", "1", InactiveItem="Y", ShipWeight="abc", AllowBackOrders="N")])
    rec = out.loc["A1"]
    assert rec["activity_code"] == "inactive"
    assert pd.isna(rec["weight"])  # Sage's ShipWeight is a string; junk is not a weight
    assert not rec["allow_back_orders"]
    assert rec["custom_fields"] == {"brand": "Acme", "web_item": "Y"}
    out = _map([_item("A2", "1")])
    assert out.loc["A2", "weight"] == pytest.approx(12.5)
    assert out.loc["A2", "activity_code"] == "active"


def test_rows_breaking_sage_widths_or_codes_are_rejected_with_the_column() -> None:
    rows = [
        _item("GOOD", "1"),
        _item("BADTYPE", "9"),
        _item("LONGDESC", "1", ItemCodeDesc="x" * 31),
        _item("", "1"),
    ]
    frame = pd.DataFrame(rows).astype({c: "string" for c in ITEMS.source_columns})
    chunk = ITEMS.apply(frame, Ctx())
    assert chunk.records["item_number"].tolist() == ["GOOD"]
    reasons = {(key, col): why for key, col, why in chunk.rejects}
    assert "'9' is not one of 1, 3, 4, 5" in reasons[("BADTYPE", "ItemType")]
    assert "31 characters, Sage allows 30" in reasons[("LONGDESC", "ItemCodeDesc")]
    assert reasons[("", "ItemCode")] == "key is blank"


def test_price_breaks_turn_sage_ranges_into_greater_than_breaks() -> None:
    tops = np.array([[10, 50, 99_999_999, 0, 0], [99_999_999, 0, 0, 0, 0], [5, 0, 0, 0, 0]], float)
    values = np.array([[1.0, 2.0, 3.0, 0, 0], [9.5, 0, 0, 0, 0], [4.0, 0, 0, 0, 0]], float)
    out = price_breaks(tops, values)
    assert out[0] == [
        {"from_quantity": 0.0, "value": 1.0},
        {"from_quantity": 10.0001, "value": 2.0},
        {"from_quantity": 50.0001, "value": 3.0},
    ]
    assert out[1] == [{"from_quantity": 0.0, "value": 9.5}]
    # A range list that never reaches the sentinel keeps the ranges it has.
    assert out[2] == [{"from_quantity": 0.0, "value": 4.0}]


def test_price_code_records_keep_blank_key_parts() -> None:
    row = {c: "" for c in PRICE_CODES.source_columns}
    row.update(
        PriceCodeRecord="0",
        PriceCode="A",
        PriceCodeDesc="Tier A",
        PricingMethod="D",
        BreakQuantity1="10",
        BreakQuantity2="99999999",
        DiscountMarkup1="5",
        DiscountMarkup2="10",
    )
    for i in range(3, 6):
        row[f"BreakQuantity{i}"] = "0"
        row[f"DiscountMarkup{i}"] = "0"
    chunk = PRICE_CODES.apply(pd.DataFrame([row]), Ctx())
    assert not chunk.rejects
    rec = orjson.loads(encode_records(chunk.records)[0])
    assert rec["price_code_id"] == "0|A||||"
    assert rec["record_kind"] == "price_code"
    assert rec["pricing_method"] == "discount_percent"
    assert rec["customer_no"] is None and rec["item_number"] is None
    assert rec["breaks"] == [
        {"from_quantity": 0.0, "value": 5.0},
        {"from_quantity": 10.0001, "value": 10.0},
    ]


def test_item_location_reads_only_its_own_table_columns() -> None:
    own = set(ITEM_LOCATIONS.source_columns)
    assert "StandardUnitPrice" not in own  # it comes from CI_Item by enrichment
    assert {"ItemCode", "WarehouseCode", "QuantityOnHand", "QuantityOnSalesOrder"} <= own
