"""Reference codes, good records and helpers shared by the gate's tests; good rows pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from expectations import (
    GateResult,
    ReferenceCodes,
    contact_suite,
    customer_suite,
    order_header_suite,
    order_line_suite,
    payment_suite,
    ship_to_suite,
    validate,
)

TODAY = dt.date(2025, 6, 16)

REF = ReferenceCodes(
    countries=frozenset({"USA", "CAN", "MEX"}),
    ship_vias=frozenset({"UPS GROUND", "FEDEX 2DAY"}),
    terms=frozenset({"30", "60"}),
    tax_schedules=frozenset({"DEFAULT", "NY NYC"}),
    salespeople=frozenset({"01-0100", "02-0200"}),
    warehouses=frozenset({"000", "EST"}),
    customers=frozenset({"01-0000042", "01-0000043", "02-ACME"}),
    customers_on_credit_hold=frozenset({"01-0000043"}),
    active_items=frozenset({"WIDGET-1", "GADGET-2"}),
    inactive_items=frozenset({"OLD-3"}),
    payment_types=frozenset({"CHECK", "VISA"}),
    open_invoices={
        "01-0000042": {"0100001": 250.0, "0100002": 80.5, "0100003": 100.0},
        "02-ACME": {"0200001": 40.0},
    },
)


def customer(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "operation": "create",
        "customer_no": None,
        "ARDivisionNo": "01",
        "CustomerNo": None,
        "CustomerName": "Acme Tools",
        "AddressLine1": "1 Main St",
        "AddressLine2": "",
        "AddressLine3": None,
        "City": "Springfield",
        "State": "IL",
        "ZipCode": "62701",
        "CountryCode": "USA",
        "TelephoneNo": "(217) 555-0100",
        "TelephoneExt": "12",
        "FaxNo": "+1 217.555.0101",
        "EmailAddress": "buyer@acme-tools.example.com",
        "ShipMethod": "UPS GROUND",
        "TaxSchedule": "DEFAULT",
        "TaxExemptNo": None,
        "TermsCode": "30",
        "SalespersonDivisionNo": "01",
        "SalespersonNo": "0100",
        "CustomerType": "WEB",
        "UDF_WEB_ACCOUNT": "acme",
        "UDF_INDUSTRY": "Tools",
    }
    row.update(changes)
    return row


def ship_to(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "operation": "create",
        "customer_no": "01-0000042",
        "ShipToCode": "MAIN",
        "ShipToName": "Acme Tools Warehouse",
        "ShipToAddress1": "9 Dock Rd",
        "ShipToAddress2": None,
        "ShipToAddress3": None,
        "ShipToCity": "Toronto",
        "ShipToState": "ON",
        "ShipToZipCode": "M5V 2T6",
        "ShipToCountryCode": "CAN",
        "TelephoneNo": "416-555-0199 ext. 4",
        "TelephoneExt": None,
        "EmailAddress": "dock@acme.example.ca",
        "SalespersonDivisionNo": "02",
        "SalespersonNo": "0200",
        "ShipVia": "FEDEX 2DAY",
        "WarehouseCode": "EST",
        "TaxSchedule": "DEFAULT",
        "ResidentialAddress": "N",
    }
    row.update(changes)
    return row


def contact(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "operation": "create",
        "customer_no": "01-0000042",
        "ContactCode": "JSMITH",
        "ContactName": "Jane Smith",
        "AddressLine1": "1 Main St",
        "AddressLine2": None,
        "AddressLine3": None,
        "City": "New York",
        "State": "NY",
        "ZipCode": "10001-0001",
        "CountryCode": "USA",
        "Salutation": "Ms.",
        "ContactTitle": "Buyer",
        "TelephoneNo1": "212 555 0100",
        "TelephoneExt1": "7",
        "EmailAddress": "jane.smith@acme.example",
        "UDF_ROLE": "purchasing",
    }
    row.update(changes)
    return row


def order(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "customer_no": "01-0000042",
        "ARDivisionNo": "01",
        "CustomerNo": "0000042",
        "OrderDate": "2025-06-15",
        "ShipExpireDate": "2025-06-20",
        "CustomerPONo": "PO-77",
        "ShipVia": "UPS GROUND",
        "TaxSchedule": "DEFAULT",
        "WarehouseCode": "000",
        "EmailAddress": "orders@acme.example",
        "header_total": 120.5,
        "lines_total": 120.5,
        "line_count": 2,
    }
    row.update(changes)
    return row


def line(key: str, line_no: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "line_no": line_no,
        "ItemCode": "WIDGET-1",
        "WarehouseCode": "000",
        "QuantityOrdered": 2.0,
        "UnitPrice": 30.125,
        "ExtensionAmt": 60.25,
    }
    row.update(changes)
    return row


def payment(key: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_key": key,
        "customer_no": "01-0000042",
        "InvoiceNo": "0100001",
        "AmountPosted": 100.0,
        "PaymentType": "CHECK",
        "TransactionDate": "2025-06-14",
        "CheckNo": "10017",
    }
    row.update(changes)
    return row


def errors(result: GateResult, key: str) -> set[str]:
    return {f.check for f in result.failures.get(key, []) if f.severity == "error"}


def failure(result: GateResult, key: str, check: str) -> Any:
    found = [f for f in result.failures.get(key, []) if f.check == check]
    assert found, f"{key}: no failure of {check}; got {result.failures.get(key)}"
    return found[0]


@pytest.mark.parametrize(
    ("suite", "rows"),
    [
        (
            customer_suite(REF),
            [
                customer("c1"),
                customer(
                    "c2",
                    operation="update",
                    customer_no="01-0000042",
                    CustomerNo="0000042",
                    CustomerName=None,
                ),
                customer("c3", CountryCode="CAN", State="QC", ZipCode="H2X 1Y4"),
                customer("c4", CountryCode="MEX", State="JA", ZipCode="44100"),
            ],
        ),
        (
            ship_to_suite(REF),
            [ship_to("s1"), ship_to("s2", ShipToCode="WEST", operation="update", ShipToName=None)],
        ),
        (contact_suite(REF), [contact("p1"), contact("p2", customer_no="02-ACME")]),
        (order_header_suite(REF, TODAY), [order("o1"), order("o2", ShipExpireDate=None)]),
        (order_line_suite(REF), [line("o1", 1), line("o1", 2, ItemCode="GADGET-2"), line("o2", 1)]),
        (
            payment_suite(REF),
            [
                payment("y1"),
                payment("y2", customer_no="02-ACME", InvoiceNo="0200001", AmountPosted=40),
            ],
        ),
    ],
    ids=["customers", "ship_tos", "contacts", "order_headers", "order_lines", "payments"],
)
def test_good_records_pass_every_suite(suite: Any, rows: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(rows)
    result = validate(suite, frame)

    assert result.failures == {}
    assert result.quarantined_keys == set()
    assert result.passed_keys == set(frame["record_key"])
    assert result.rows == len(frame)
    assert result.systemic is None
    assert len(result.passed(frame)) == len(frame)
