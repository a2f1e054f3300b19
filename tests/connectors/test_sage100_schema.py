"""The reader works from what the company has: its widths, its UDFs, and no column it
lacks, on each backend (SQLite URL, PostgreSQL URL, raw ODBC)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from connectors.sage100.discovery import LiveColumn, company_table
from connectors.sage100.tables import TABLES
from erpsync.errors import SchemaMismatch
from tests.connectors.conftest import Company

# A CI_Item as a real company might have it: a wider description, its own UDF_UPC, no
# ExtendedDescriptionKey, and a Category1 of another width.
_DDL = (
    'CREATE TABLE "CI_Item" ("ItemCode" VARCHAR(30) PRIMARY KEY, "ItemType" VARCHAR(1), '
    '"ItemCodeDesc" VARCHAR(60), "Category1" VARCHAR(15), "UDF_UPC" VARCHAR(20), '
    '"StandardUnitPrice" NUMERIC(15, 6), "DateUpdated" DATE, "TimeUpdated" VARCHAR(8))'
)


def _company(company: Company) -> None:
    with company.engine.begin() as conn:
        conn.execute(sa.text(_DDL))
        conn.execute(
            sa.text(
                'INSERT INTO "CI_Item" ("ItemCode", "ItemType", "ItemCodeDesc", "UDF_UPC", '
                '"StandardUnitPrice", "DateUpdated", "TimeUpdated") '
                "VALUES ('A-1', '1', :desc, '012345678905', 9.5, '2026-11-30', '9.5')"
            ),
            {"desc": "a description of fifty-five characters, wider than thirty"},
        )


def test_widths_udfs_and_missing_columns_come_from_the_company(company: Company) -> None:
    _company(company)
    reader = company.reader()
    live = reader.company_table("CI_Item")
    table = live.table
    assert table.column("ItemCodeDesc").width == 60
    assert table.column("Category1").width == 15
    assert table.column("ItemType").codes == TABLES["CI_Item"].column("ItemType").codes
    udf = table.column("UDF_UPC")
    assert (udf.kind, udf.width) == ("str", 20)
    assert table.column("StandardUnitPrice").kind == "dec"
    missing = {c.name for c in live.missing}
    assert "ExtendedDescriptionKey" in missing and "ItemCode" not in missing
    assert "ItemCodeDesc" not in live.missing_required
    (frame,) = reader.read("CI_Item", ["ItemCode", "ItemCodeDesc", "UDF_UPC"])
    assert frame.to_dict("records") == [
        {
            "ItemCode": "A-1",
            "ItemCodeDesc": "a description of fifty-five characters, wider than thirty",
            "UDF_UPC": "012345678905",
        }
    ]
    # A column the company lacks is never sent to the database (on SQLite a quoted
    # unknown name would come back as a string literal).
    with pytest.raises(SchemaMismatch, match="CI_Item has no column ExtendedDescriptionKey"):
        reader.read("CI_Item", ["ItemCode", "ExtendedDescriptionKey"])
    with pytest.raises(SchemaMismatch, match="CI_Item has no column ExtendedDescriptionKey"):
        list(reader.read_keys("CI_Item", ["ExtendedDescriptionKey"], ["ItemCode"], [("A-1",)]))


def test_the_schema_is_read_once_per_reader(company: Company) -> None:
    _company(company)
    reader = company.reader()
    first = reader.company_table("CI_Item")
    with company.engine.begin() as conn:  # a column added while a run goes on
        conn.execute(sa.text('ALTER TABLE "CI_Item" ADD COLUMN "UDF_NEW" VARCHAR(5)'))
    assert reader.company_table("CI_Item") is first
    assert "UDF_NEW" in company.reader().table("CI_Item").column_names  # the next run


def test_company_table_keeps_catalogue_kinds_and_marks_optional_columns() -> None:
    spec = TABLES["SO_ShipToAddress"]
    live = [LiveColumn(c.name, "VARCHAR", c.width) for c in spec.columns if c.name != "TaxExemptNo"]
    found = company_table(spec, [*live, LiveColumn("UDF_GATE_CODE", "varchar(12)")])
    assert [c.name for c in found.missing] == ["TaxExemptNo"]
    assert found.missing_required == ()  # optional: only ship-to tax reporting needs it
    assert found.table.column("ResidentialAddress").kind == "flag"
    assert found.table.column("UDF_GATE_CODE").width == 12
    assert company_table(spec, live[1:]).missing_required == ("ARDivisionNo",)
