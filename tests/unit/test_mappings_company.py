"""Mappings fitted to a live company: optional columns, required ones, configured UDFs,
the company's widths."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import pytest

from connectors.sage100.tables import TABLES, Column
from erpsync.errors import SchemaMismatch
from erpsync.mappings.customers import CUSTOMER_LINKS_DOWN, CUSTOMERS_DOWN, SHIP_TOS_UP
from erpsync.mappings.inventory import ITEMS


@dataclass
class Ctx:
    default_location: str = "000"
    default_customer_type: str = "STD"
    default_ship_via: str = "UPS GROUND"


def _without(table: str, *names: str, extra: tuple[Column, ...] = ()) -> object:
    spec = TABLES[table]
    return replace(spec, columns=tuple(c for c in spec.columns if c.name not in names) + extra)


def test_a_field_reading_an_optional_column_the_company_lacks_is_left_out() -> None:
    live = _without("AR_Customer", "BillToDivisionNo", "BillToCustomerNo")
    fitted = CUSTOMERS_DOWN.for_company(live, {})  # type: ignore[arg-type]
    assert "parent_customer_no" not in fitted.fields
    assert fitted.left_out == ("parent_customer_no (BillToDivisionNo, BillToCustomerNo)",)
    assert "BillToDivisionNo" not in fitted.source_columns
    links = CUSTOMER_LINKS_DOWN.for_company(live, {})  # type: ignore[arg-type]
    assert links.left_out  # step 18 then has no bill-to to link


def test_a_missing_required_column_names_table_and_column() -> None:
    live = _without("CI_Item", "ItemCodeDesc", "ProductLine")
    with pytest.raises(SchemaMismatch, match=r"items: the company has no CI_Item\.ItemCodeDesc, "
                       r"CI_Item\.ProductLine"):  # fmt: skip
        ITEMS.for_company(live, {})  # type: ignore[arg-type]


def test_configured_udfs_must_exist_and_then_travel_as_custom_fields() -> None:
    with pytest.raises(SchemaMismatch, match=r"udf_fields\.items\.UDF_UPC: the company's CI_Item"):
        ITEMS.for_company(TABLES["CI_Item"], {"UDF_UPC": "upc"})
    live = _without("CI_Item", extra=(Column("UDF_UPC", "str", 12),))
    fitted = ITEMS.for_company(live, {"UDF_UPC": "upc"})  # type: ignore[arg-type]
    row = {c: "" for c in fitted.source_columns} | {
        "ItemCode": "A-1", "ItemType": "1", "ProductType": "F", "InactiveItem": "N",
        "UDF_UPC": "012345678905",
    }  # fmt: skip
    chunk = fitted.apply(pd.DataFrame([row], dtype="string"), Ctx())
    assert chunk.records["custom_fields"].tolist() == [{"upc": "012345678905"}]
    too_long = fitted.apply(pd.DataFrame([row | {"UDF_UPC": "0" * 13}], dtype="string"), Ctx())
    assert too_long.rejects == [("A-1", "UDF_UPC", "13 characters, Sage allows 12")]


def test_widths_are_the_companys() -> None:
    wide = replace(
        TABLES["CI_Item"],
        columns=tuple(
            replace(c, width=60) if c.name == "ItemCodeDesc" else c
            for c in TABLES["CI_Item"].columns
        ),
    )
    fitted = ITEMS.for_company(wide, {})
    row = {c: "" for c in fitted.source_columns} | {
        "ItemCode": "A-1", "ItemType": "1", "ProductType": "F", "InactiveItem": "N",
        "ItemCodeDesc": "d" * 45,
    }  # fmt: skip
    assert not fitted.apply(pd.DataFrame([row], dtype="string"), Ctx()).rejects
    narrow = ITEMS.apply(pd.DataFrame([row], dtype="string"), Ctx())  # the catalogue: 30
    assert narrow.rejects == [("A-1", "ItemCodeDesc", "45 characters, Sage allows 30")]


def test_an_upload_leaves_out_optional_columns_and_needs_its_udfs() -> None:
    live = _without("SO_ShipToAddress", "TaxExemptNo")
    fitted = SHIP_TOS_UP.for_company(live, {})  # type: ignore[arg-type]
    assert "TaxExemptNo" not in fitted.sage_columns and "ShipToName" in fitted.sage_columns
    with pytest.raises(SchemaMismatch, match=r"udf_fields\.ship_tos\.UDF_DELIVERY_NOTES"):
        SHIP_TOS_UP.for_company(live, {"UDF_DELIVERY_NOTES": "delivery_notes"})  # type: ignore[arg-type]
    with pytest.raises(SchemaMismatch, match=r"SO_ShipToAddress\.ShipToName"):
        SHIP_TOS_UP.for_company(_without("SO_ShipToAddress", "ShipToName"), {})  # type: ignore[arg-type]
