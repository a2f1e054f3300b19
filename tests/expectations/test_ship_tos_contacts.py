"""Ship-to and contact suites: the customer must exist, codes are unique per customer."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from connectors.sage100.tables import table
from expectations import GateResult, contact_suite, ship_to_suite, validate
from tests.expectations.test_support import REF, contact, errors, failure, ship_to

SHIP_TO_NAME = "S" * ((table("SO_ShipToAddress").column("ShipToName").width or 0) + 1)

SHIP_TO_BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "missing_customer": (
        {"customer_no": "01-0000777"},
        "customer_exists",
        "customer_no",
        "01-0000777",
    ),
    "no_customer": ({"customer_no": None}, "customer_no_required", "customer_no", None),
    "no_name": ({"ShipToName": ""}, "ship_to_name_required", "ShipToName", None),
    "long_name": (
        {"ShipToName": SHIP_TO_NAME},
        "ship_to_name_fits_sage_width",
        "ShipToName",
        SHIP_TO_NAME,
    ),
    "unknown_warehouse": ({"WarehouseCode": "ZZZ"}, "warehouse_exists", "WarehouseCode", "ZZZ"),
    "unknown_ship_via": ({"ShipVia": "CANOE"}, "ship_via_exists", "ShipVia", "CANOE"),
    "bad_flag": (
        {"ResidentialAddress": "X"},
        "residential_address_is_a_sage_code",
        "ResidentialAddress",
        "X",
    ),
    "bad_postal_code": (
        {"ShipToZipCode": "12345"},
        "zip_code_canadian_format",
        "ShipToZipCode",
        "12345",
    ),
    "bad_email": (
        {"EmailAddress": "dock at acme"},
        "email_address_format",
        "EmailAddress",
        "dock at acme",
    ),
}


@pytest.fixture(scope="module")
def ship_tos() -> tuple[pd.DataFrame, GateResult]:
    rows = [
        ship_to("good"),
        # The same code for another customer is a different ship-to.
        ship_to("other_customer", customer_no="02-ACME"),
        ship_to("dup_a", ShipToCode="WEST"),
        ship_to("dup_b", ShipToCode="WEST"),
        # No code yet (Sage assigns one): never a duplicate.
        ship_to("no_code_a", ShipToCode=None),
        ship_to("no_code_b", ShipToCode=""),
    ]
    rows += [
        ship_to(key, ShipToCode=f"B{i}", **changes)
        for i, (key, (changes, *_)) in enumerate(SHIP_TO_BAD.items())
    ]
    frame = pd.DataFrame(rows)
    return frame, validate(ship_to_suite(REF), frame, max_share=1.0)


@pytest.mark.parametrize("key", list(SHIP_TO_BAD))
def test_ship_to_bad_kinds(ship_tos: tuple[pd.DataFrame, GateResult], key: str) -> None:
    _, result = ship_tos
    _, check, column, value = SHIP_TO_BAD[key]
    assert errors(result, key) == {check}
    found = failure(result, key, check)
    assert (found.column, found.value) == (column, value)


def test_ship_to_codes_are_unique_per_customer(ship_tos: tuple[pd.DataFrame, GateResult]) -> None:
    frame, result = ship_tos
    for key in ("dup_a", "dup_b"):
        assert errors(result, key) == {"ship_to_code_unique_per_customer"}
        found = failure(result, key, "ship_to_code_unique_per_customer")
        assert (found.column, found.value) == ("customer_no+ShipToCode", ("01-0000042", "WEST"))
    assert result.quarantined_keys == set(SHIP_TO_BAD) | {"dup_a", "dup_b"}
    assert set(result.passed(frame)["record_key"]) == {
        "good",
        "other_customer",
        "no_code_a",
        "no_code_b",
    }


CONTACT_BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "missing_customer": (
        {"customer_no": "02-NOBODY"},
        "customer_exists",
        "customer_no",
        "02-NOBODY",
    ),
    "no_name": ({"ContactName": None}, "contact_name_required", "ContactName", None),
    "bad_email": ({"EmailAddress": "jane@"}, "email_address_format", "EmailAddress", "jane@"),
    "bad_phone": ({"TelephoneNo1": "555-01"}, "telephone_no1_format", "TelephoneNo1", "555-01"),
    "bad_zip": ({"ZipCode": "1000"}, "zip_code_us_format", "ZipCode", "1000"),
    "long_title": (
        {"ContactTitle": "Vice President of Purchasing"},
        "contact_title_fits_sage_width",
        "ContactTitle",
        "Vice President of Purchasing",
    ),
}


@pytest.fixture(scope="module")
def contacts() -> tuple[pd.DataFrame, GateResult]:
    rows = [
        contact("good"),
        contact("update_no_name", operation="update", ContactName=None, ContactCode="OLD"),
        contact("dup_a", ContactCode="BUYER"),
        contact("dup_b", ContactCode="BUYER"),
    ]
    rows += [
        contact(key, ContactCode=f"C{i}", **changes)
        for i, (key, (changes, *_)) in enumerate(CONTACT_BAD.items())
    ]
    frame = pd.DataFrame(rows)
    return frame, validate(contact_suite(REF), frame, max_share=1.0)


@pytest.mark.parametrize("key", list(CONTACT_BAD))
def test_contact_bad_kinds(contacts: tuple[pd.DataFrame, GateResult], key: str) -> None:
    _, result = contacts
    _, check, column, value = CONTACT_BAD[key]
    assert errors(result, key) == {check}
    found = failure(result, key, check)
    assert (found.column, found.value) == (column, value)


def test_contact_codes_are_unique_per_customer(contacts: tuple[pd.DataFrame, GateResult]) -> None:
    _, result = contacts
    assert (
        errors(result, "dup_a") == errors(result, "dup_b") == {"contact_code_unique_per_customer"}
    )
    assert result.quarantined_keys == set(CONTACT_BAD) | {"dup_a", "dup_b"}
    assert result.passed_keys == {"good", "update_no_name"}


def test_the_pandas_fallback_agrees(
    ship_tos: tuple[pd.DataFrame, GateResult], contacts: tuple[pd.DataFrame, GateResult]
) -> None:
    for suite, (frame, result) in ((ship_to_suite(REF), ship_tos), (contact_suite(REF), contacts)):
        assert validate(suite, frame, max_share=1.0, index_limit=0).failures == result.failures
