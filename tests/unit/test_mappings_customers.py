"""Steps 13-19 mappings: customers, ship-tos, bill-to links and contacts, both ways."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd
import pytest

from erpsync.mappings.core import EntityMapping, MappedChunk, encode_records
from erpsync.mappings.customers import (
    CONTACTS_DOWN as _CONTACTS_DOWN,
)
from erpsync.mappings.customers import (
    CONTACTS_UP as _CONTACTS_UP,
)
from erpsync.mappings.customers import (
    CUSTOMER_LINKS_DOWN,
)
from erpsync.mappings.customers import (
    CUSTOMERS_DOWN as _CUSTOMERS_DOWN,
)
from erpsync.mappings.customers import (
    CUSTOMERS_UP as _CUSTOMERS_UP,
)
from erpsync.mappings.customers import (
    SHIP_TOS_DOWN as _SHIP_TOS_DOWN,
)
from erpsync.mappings.customers import (
    SHIP_TOS_UP as _SHIP_TOS_UP,
)
from erpsync.mappings.sage import is_missing
from erpsync.mappings.upload import UploadMapping
from sandbox.sage100.layout import UDF_FIELDS
from sandbox.sage100.layout import table as company_table

# The mappings as a company set up like the sandbox (with its UDFs) gets them.
CUSTOMERS_DOWN = _CUSTOMERS_DOWN.for_company(company_table("AR_Customer"), UDF_FIELDS["customers"])
SHIP_TOS_DOWN = _SHIP_TOS_DOWN.for_company(
    company_table("SO_ShipToAddress"), UDF_FIELDS["ship_tos"]
)
CONTACTS_DOWN = _CONTACTS_DOWN.for_company(
    company_table("AR_CustomerContact"), UDF_FIELDS["contacts"]
)
CUSTOMERS_UP = _CUSTOMERS_UP.for_company(company_table("AR_Customer"), UDF_FIELDS["customers"])
SHIP_TOS_UP = _SHIP_TOS_UP.for_company(company_table("SO_ShipToAddress"), UDF_FIELDS["ship_tos"])
CONTACTS_UP = _CONTACTS_UP.for_company(company_table("AR_CustomerContact"), UDF_FIELDS["contacts"])


@dataclass
class Ctx:
    default_location: str = "WH9"
    default_customer_type: str = "STD"
    default_ship_via: str = "UPS GROUND"


CUSTOMER: dict[str, object] = {
    "ARDivisionNo": "01",
    "CustomerNo": "0000001",
    "CustomerName": "Acme Supply",
    "AddressLine1": "1 Main St",
    "City": "Austin",
    "State": "TX",
    "ZipCode": "78701",
    "CountryCode": "USA",
    "TelephoneNo": "512-555-0100",
    "EmailAddress": "ap@acme.test",
    "ShipMethod": "FEDEX 2DAY",
    "TaxSchedule": "TX",
    "TaxExemptNo": "EX-CUST",
    "TermsCode": "30",
    "SalespersonDivisionNo": "00",
    "SalespersonNo": "0100",
    "PriceLevel": "B",
    "CreditHold": "N",
    "CreditLimit": "5000.00",
    "LastPaymentAmt": "120.50",
    "CurrentBalance": "100",
    "AgingCategory1": "20",
    "AgingCategory2": "3.5",
    "AgingCategory4": "0",
    "UDF_WEB_ACCOUNT": "web-1",
    "UDF_INDUSTRY": "retail",
}


def _chunk(mapping: EntityMapping, rows: Sequence[Mapping[str, object]]) -> MappedChunk:
    blank: dict[str, object] = dict.fromkeys(mapping.source_columns, "")
    full = [{**blank, **row} for row in rows]
    frame = pd.DataFrame(full)
    return mapping.apply(frame.astype({c: "string" for c in frame.columns}), Ctx())


def _records(mapping: EntityMapping, rows: Sequence[Mapping[str, object]]) -> list[dict[str, Any]]:
    """What the platform receives: the encoded records, decoded again."""
    chunk = _chunk(mapping, rows)
    assert not chunk.rejects
    return [orjson.loads(line) for line in encode_records(chunk.records)]


def _customer(**extra: object) -> dict[str, Any]:
    return _records(CUSTOMERS_DOWN, [CUSTOMER | extra])[0]


def test_customer_and_salesperson_numbers_are_division_dash_number() -> None:
    rec = _customer()
    assert rec["customer_no"] == "01-0000001"
    assert rec["sales_person_no"] == "00-0100"
    # Half a salesperson number is no salesperson.
    assert _customer(SalespersonNo="")["sales_person_no"] is None
    assert _customer(SalespersonDivisionNo="")["sales_person_no"] is None
    assert CUSTOMERS_DOWN.erp_keys(pd.DataFrame([CUSTOMER])).tolist() == ["01|0000001"]


def test_price_level_is_the_customer_type_and_blank_takes_the_default() -> None:
    assert _customer()["customer_type"] == "B"
    assert _customer(PriceLevel="")["customer_type"] == "STD"


def test_tax_exempt_number_comes_from_the_first_ship_to_when_the_step_added_it() -> None:
    assert _customer()["tax_exempt_no"] == "EX-CUST"
    assert _customer(TaxExemptNo="")["tax_exempt_no"] is None
    # Sales-tax reporting on: the step adds ShipToTaxExemptNo, and it wins.
    assert _customer(ShipToTaxExemptNo="EX-SHIP")["tax_exempt_no"] == "EX-SHIP"
    assert _customer(ShipToTaxExemptNo="")["tax_exempt_no"] is None
    assert "ShipToTaxExemptNo" not in CUSTOMERS_DOWN.source_columns  # enriched, not read


def test_ship_method_amounts_flags_and_status() -> None:
    rec = _customer()
    assert rec["ship_via"] == "FEDEX 2DAY"
    assert rec["credit_hold"] is False
    assert _customer(CreditHold="Y")["credit_hold"] is True
    assert _customer(CreditHold="")["credit_hold"] is False
    assert rec["credit_limit"] == pytest.approx(5000.0)
    assert rec["last_payment_amount"] == pytest.approx(120.5)
    # Balance: current plus the four aging buckets, blanks counting as zero.
    assert rec["balance"] == pytest.approx(123.5)
    assert rec["aging_2"] == pytest.approx(3.5)
    assert rec["aging_3"] is None and rec["highest_balance"] is None
    assert rec["erp_status"] == "synced" and rec["erp_error"] is None
    assert rec["custom_fields"] == {"web_account": "web-1", "industry": "retail"}


def test_blank_sage_strings_reach_the_platform_as_null() -> None:
    rec = _customer()
    for name in ("address2", "address3", "fax", "phone_extension"):
        assert rec[name] is None, name
    # custom fields too: a blank UDF is no value, not ""
    assert _customer(UDF_INDUSTRY="")["custom_fields"] == {"web_account": "web-1", "industry": None}
    assert rec["name"] == "Acme Supply" and rec["terms_code"] == "30"


def test_bill_to_customer_is_the_parent_and_the_link_says_so() -> None:
    with_parent = CUSTOMER | {"BillToDivisionNo": "02", "BillToCustomerNo": "0000009"}
    assert _customer()["parent_customer_no"] is None
    assert _records(CUSTOMERS_DOWN, [with_parent])[0]["parent_customer_no"] == "02-0000009"
    links = _records(CUSTOMER_LINKS_DOWN, [with_parent, CUSTOMER])
    assert links == [
        {
            "customer_no": "01-0000001",
            "parent_customer_no": "02-0000009",
            "relationship": "bill_to",
        },
        {"customer_no": "01-0000001", "parent_customer_no": None, "relationship": "none"},
    ]


def test_ship_to_fields_and_residential_flag() -> None:
    row = {
        "ARDivisionNo": "01",
        "CustomerNo": "0000001",
        "ShipToCode": "DOCK",
        "ShipToName": "Acme Dock",
        "ShipToCity": "Austin",
        "ShipVia": "UPS RED",
        "WarehouseCode": "002",
        "SalespersonDivisionNo": "00",
        "SalespersonNo": "0200",
        "ResidentialAddress": "Y",
        "UDF_DELIVERY_NOTES": "rear door",
    }
    first, second = _records(
        SHIP_TOS_DOWN, [row, row | {"ShipToCode": "MAIN", "ResidentialAddress": "N"}]
    )
    assert first["customer_no"] == "01-0000001" and first["ship_to_code"] == "DOCK"
    assert first["ship_via"] == "UPS RED" and first["location_code"] == "002"
    assert first["sales_person_no"] == "00-0200" and first["name"] == "Acme Dock"
    assert first["residential"] is True and second["residential"] is False
    assert first["address1"] is None
    assert first["custom_fields"] == {"delivery_notes": "rear door"}
    chunk = _chunk(SHIP_TOS_DOWN, [row])
    assert chunk.keys.tolist() == ["01|0000001|DOCK"]


def test_contact_is_related_to_its_customer_from_its_creation_date() -> None:
    row = {
        "ARDivisionNo": "01",
        "CustomerNo": "0000001",
        "ContactCode": "JSMITH",
        "ContactName": "Jo Smith",
        "TelephoneNo1": "512-555-0101",
        "DateCreated": "2026-03-04",
        "UDF_ROLE": "buyer",
    }
    (rec,) = _records(CONTACTS_DOWN, [row])
    assert rec["relationship_start"] == "2026-03-04"
    assert rec["contact_code"] == "JSMITH" and rec["customer_no"] == "01-0000001"
    assert rec["phone"] == "512-555-0101" and rec["title"] is None
    assert rec["custom_fields"] == {"role": "buyer"}


def test_rows_breaking_widths_or_codes_are_rejected_naming_key_and_column() -> None:
    rows = [
        CUSTOMER,
        CUSTOMER | {"CustomerNo": "0000002", "CustomerName": "x" * 51},
        CUSTOMER | {"CustomerNo": "0000003", "CreditHold": "X"},
        CUSTOMER | {"CustomerNo": "0000004", "UDF_WEB_ACCOUNT": "w" * 31},
        CUSTOMER | {"CustomerNo": ""},
    ]
    chunk = _chunk(CUSTOMERS_DOWN, rows)
    assert chunk.records["customer_no"].tolist() == ["01-0000001"]
    assert chunk.kept.tolist() == [0]
    assert sorted(chunk.rejects) == [
        ("01|", "ARDivisionNo,CustomerNo", "key is blank"),
        ("01|0000002", "CustomerName", "51 characters, Sage allows 50"),
        ("01|0000003", "CreditHold", "'X' is not one of Y, N"),
        ("01|0000004", "UDF_WEB_ACCOUNT", "31 characters, Sage allows 30"),
    ]
    ship_to = {"ARDivisionNo": "01", "CustomerNo": "0000001", "ShipToCode": "TOOLONG"}
    assert _chunk(SHIP_TOS_DOWN, [ship_to]).rejects == [
        ("01|0000001|TOOLONG", "ShipToCode", "7 characters, Sage allows 4")
    ]


# --- platform -> Sage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("up", "down"),
    [(CUSTOMERS_UP, CUSTOMERS_DOWN), (SHIP_TOS_UP, SHIP_TOS_DOWN), (CONTACTS_UP, CONTACTS_DOWN)],
)
def test_upload_sends_each_field_to_the_column_the_download_reads(
    up: UploadMapping, down: EntityMapping
) -> None:
    assert up.table == down.table
    for column, name in up.fields.items():
        source = down.fields[name]
        columns = (source,) if isinstance(source, str) else getattr(source, "columns", ())
        assert column in columns, (column, name)
    assert dict(up.udfs) == dict(down.udfs)


def test_customer_record_becomes_sage_columns() -> None:
    record = {
        "id": 42,
        "customer_no": "01-0000001",
        "name": "Acme Supply",
        "ship_via": "FEDEX 2DAY",
        "tax_exempt_no": "EX-1",
        "sales_person_no": "00-0100",
        "custom_fields": {"web_account": "web-1"},
    }
    new = {"id": 43, "customer_no": "1-0000002", "name": "New Co", "sales_person_no": "bad"}
    frame = CUSTOMERS_UP.frame([record, new], empty_clears=False, linked={"42": "01|0000001"})
    assert frame.columns[:5].tolist() == [
        "record_key", "operation", "customer_no", "ARDivisionNo", "CustomerNo"
    ]  # fmt: skip
    assert frame.columns[-1] == "salesperson_no"
    row = frame.iloc[0]
    assert row["record_key"] == "42" and row["operation"] == "update"
    assert (row["ARDivisionNo"], row["CustomerNo"]) == ("01", "0000001")
    assert row["CustomerName"] == "Acme Supply" and row["ShipMethod"] == "FEDEX 2DAY"
    assert row["TaxExemptNo"] == "EX-1"
    assert (row["SalespersonDivisionNo"], row["SalespersonNo"]) == ("00", "0100")
    assert row["salesperson_no"] == "00-0100"
    # Not given, not cleared: missing (None or NaN, both "leave the Sage field").
    assert row["UDF_WEB_ACCOUNT"] == "web-1" and is_missing(row["UDF_INDUSTRY"])
    assert is_missing(row["AddressLine1"])
    other = frame.iloc[1]
    assert other["operation"] == "create" and other["customer_no"] == "1-0000002"
    assert is_missing(other["ARDivisionNo"]) and is_missing(other["CustomerNo"])  # malformed
    assert is_missing(other["SalespersonDivisionNo"]) and other["salesperson_no"] == "bad"


def test_empty_clears_turns_missing_values_into_blanks_but_not_split_numbers() -> None:
    frame = CUSTOMERS_UP.frame([{"id": 7, "customer_no": "01-0000007"}], empty_clears=True)
    row = frame.iloc[0]
    assert row["CustomerName"] == "" and row["UDF_INDUSTRY"] == ""
    assert is_missing(row["SalespersonDivisionNo"]) and is_missing(row["SalespersonNo"])


def test_without_empty_clears_an_emptied_field_leaves_the_erp_value() -> None:
    record = {"id": 7, "customer_no": "01-0000007", "name": "", "custom_fields": {"industry": ""}}
    row = CUSTOMERS_UP.frame([record], empty_clears=False).iloc[0]
    assert is_missing(row["CustomerName"]) and is_missing(row["UDF_INDUSTRY"])
    cleared = CUSTOMERS_UP.frame([record], empty_clears=True).iloc[0]
    assert cleared["CustomerName"] == "" and cleared["UDF_INDUSTRY"] == ""


def test_ship_to_and_contact_records_carry_their_code() -> None:
    ship_to = {"id": "s1", "customer_no": "01-0000001", "ship_to_code": "DOCK", "residential": True}
    frame = SHIP_TOS_UP.frame([ship_to, ship_to | {"residential": False}], empty_clears=False)
    assert frame.columns[5] == "ShipToCode"
    assert frame["ShipToCode"].tolist() == ["DOCK", "DOCK"]
    assert frame["ResidentialAddress"].tolist() == ["Y", "N"]
    contact = {"id": 9, "customer_no": "01-0000001", "contact_code": "JSMITH", "phone": "555"}
    row = CONTACTS_UP.frame([contact | {"custom_fields": {"role": "buyer"}}], empty_clears=False)
    assert row.loc[0, "ContactCode"] == "JSMITH" and row.loc[0, "TelephoneNo1"] == "555"
    assert row.loc[0, "UDF_ROLE"] == "buyer"
    assert "SalespersonNo" not in row.columns  # contacts have no salesperson
