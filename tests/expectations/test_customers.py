"""The customer suite: each kind of bad record is caught alone, with its check, column, value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from connectors.sage100.tables import table
from expectations import GateResult, customer_suite, validate
from expectations.customers import CUSTOMER_COLUMNS
from expectations.rules import MaxLength
from tests.expectations.test_support import REF, customer, errors, failure

SQL = "'; DROP TABLE AR_Customer; --"
WIDTH = {c.name: c.width or 0 for c in table("AR_Customer").columns}
LONG_NAME = "N" * (WIDTH["CustomerName"] + 1)
LONG_ADDRESS = "A" * (WIDTH["AddressLine1"] + 1)

# key -> (changes, the one error check expected, reported column, reported value)
BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "long_name": (
        {"CustomerName": LONG_NAME},
        "customer_name_fits_sage_width",
        "CustomerName",
        LONG_NAME,
    ),
    "long_address": (
        {"AddressLine1": LONG_ADDRESS},
        "address_line1_fits_sage_width",
        "AddressLine1",
        LONG_ADDRESS,
    ),
    "bad_email": (
        {"EmailAddress": "buyer@@acme"},
        "email_address_format",
        "EmailAddress",
        "buyer@@acme",
    ),
    "bad_phone": (
        {"TelephoneNo": "call me maybe"},
        "telephone_no_format",
        "TelephoneNo",
        "call me maybe",
    ),
    "bad_extension": ({"TelephoneExt": "12a"}, "telephone_ext_format", "TelephoneExt", "12a"),
    "unknown_ship_via": (
        {"ShipMethod": "PONY EXPRESS"},
        "ship_via_exists",
        "ShipMethod",
        "PONY EXPRESS",
    ),
    "unknown_terms": ({"TermsCode": "99"}, "terms_code_exists", "TermsCode", "99"),
    "unknown_tax_schedule": ({"TaxSchedule": "MARS"}, "tax_schedule_exists", "TaxSchedule", "MARS"),
    "unknown_salesperson": (
        {"SalespersonNo": "9999"},
        "salesperson_exists",
        "SalespersonDivisionNo+SalespersonNo",
        ("01", "9999"),
    ),
    "unknown_country": ({"CountryCode": "ATL"}, "country_code_exists", "CountryCode", "ATL"),
    "bad_us_state": ({"State": "ZZ"}, "state_is_a_us_state", "State", "ZZ"),
    "bad_province": (
        {"CountryCode": "CAN", "State": "ZZ", "ZipCode": "H2X 1Y4"},
        "state_is_a_canadian_province",
        "State",
        "ZZ",
    ),
    "lower_case_state": ({"CountryCode": "MEX", "State": "ja"}, "state_format", "State", "ja"),
    "bad_zip": ({"ZipCode": "6270"}, "zip_code_us_format", "ZipCode", "6270"),
    "zip_as_number": ({"ZipCode": 2134}, "zip_code_us_format", "ZipCode", "2134"),
    "bad_postal_code": (
        {"CountryCode": "CAN", "State": "QC", "ZipCode": "H2X1Y4"},
        "zip_code_canadian_format",
        "ZipCode",
        "H2X1Y4",
    ),
    "customer_no_form": (
        {"customer_no": "1-0000042"},
        "customer_no_format",
        "customer_no",
        "1-0000042",
    ),
    "control_character": (
        {"City": "Spring\x00field"},
        "city_has_no_control_characters",
        "City",
        "Spring\x00field",
    ),
    "newline_in_address": (
        {"AddressLine2": "Suite 4\nBack door"},
        "address_line2_has_no_control_characters",
        "AddressLine2",
        "Suite 4\nBack door",
    ),
    "unknown_customer_update": (
        {"operation": "update", "customer_no": "01-0000999"},
        "customer_exists",
        "customer_no",
        "01-0000999",
    ),
    "update_without_number": ({"operation": "update"}, "customer_no_required", "customer_no", None),
    "create_without_name": ({"CustomerName": None}, "customer_name_required", "CustomerName", None),
    "create_with_blank_name": (
        {"CustomerName": "   "},
        "customer_name_required",
        "CustomerName",
        None,
    ),
    "create_with_nan_name": (
        {"CustomerName": np.nan},
        "customer_name_required",
        "CustomerName",
        None,
    ),
    "unknown_operation": ({"operation": "delete"}, "operation_is_known", "operation", "delete"),
}
GOOD = ["good1", "good2", "sql_text", "update_without_name", "fax_warning"]


@pytest.fixture(scope="module")
def batch() -> pd.DataFrame:
    rows = [customer("good1"), customer("good2", operation="update", customer_no="02-ACME")]
    rows.append(customer("sql_text", CustomerName=SQL, AddressLine1=SQL[:30]))
    rows.append(
        customer(
            "update_without_name", operation="update", customer_no="01-0000042", CustomerName=""
        )
    )
    rows.append(customer("fax_warning", FaxNo="fax me"))
    rows += [customer(key, **changes) for key, (changes, *_) in BAD.items()]
    rows += [customer("twice", CustomerName="First"), customer("twice", CustomerName="Second")]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result(batch: pd.DataFrame) -> GateResult:
    before = batch.copy()
    out = validate(customer_suite(REF), batch, max_share=1.0)
    pd.testing.assert_frame_equal(batch, before)  # the caller's frame is left alone
    return out


@pytest.mark.parametrize("key", list(BAD))
def test_each_bad_kind_is_caught_alone(result: GateResult, key: str) -> None:
    _, check, column, value = BAD[key]

    assert errors(result, key) == {check}
    found = failure(result, key, check)
    assert (found.column, found.value, found.severity) == (column, value, "error")
    assert key in result.quarantined_keys


def test_only_the_bad_records_are_quarantined(result: GateResult, batch: pd.DataFrame) -> None:
    assert result.quarantined_keys == set(BAD) | {"twice"}
    assert result.passed_keys == set(GOOD)
    assert set(result.passed(batch)["record_key"]) == set(GOOD)
    assert set(result.quarantined(batch)["record_key"]) == set(BAD) | {"twice"}


def test_duplicate_record_keys_fail_both_rows(result: GateResult) -> None:
    dupes = [f for f in result.failures["twice"] if f.check == "record_key_unique_in_batch"]
    assert len(dupes) == 2
    assert {f.value for f in dupes} == {"twice"}


def test_sql_looking_text_is_ordinary_text(result: GateResult) -> None:
    assert "sql_text" not in result.failures
    assert "sql_text" in result.passed_keys


def test_a_warning_is_reported_but_does_not_quarantine(result: GateResult) -> None:
    [warning] = result.failures["fax_warning"]
    assert (warning.check, warning.severity, warning.value) == (
        "fax_no_format",
        "warning",
        "fax me",
    )
    assert "fax_warning" in result.passed_keys
    assert "fax_warning" not in result.quarantined_keys


def test_messages_name_the_field_and_the_value(result: GateResult) -> None:
    width = failure(result, "long_name", "customer_name_fits_sage_width").message
    assert width == (
        f"CustomerName is {len(LONG_NAME)} characters; Sage allows {WIDTH['CustomerName']}"
    )
    ship_via = failure(result, "unknown_ship_via", "ship_via_exists").message
    assert "ShipMethod" in ship_via and "'PONY EXPRESS'" in ship_via
    # Control characters are shown escaped, so the operator can see them.
    control = failure(result, "control_character", "city_has_no_control_characters").message
    assert "\\x00" in control and "\x00" not in control


def test_the_pandas_fallback_finds_the_same_failures(
    result: GateResult, batch: pd.DataFrame
) -> None:
    located_by_pandas = validate(customer_suite(REF), batch, max_share=1.0, index_limit=0)
    assert located_by_pandas.failures == result.failures


def test_widths_come_from_the_catalogue() -> None:
    suite = customer_suite(REF)
    widths = {c.column: c.rule.width for c in suite.checks if isinstance(c.rule, MaxLength)}
    sage = table("AR_Customer")
    expected = {
        name: sage.column(name).width
        for name in CUSTOMER_COLUMNS
        if name in sage.column_names and sage.column(name).kind == "str"
    }
    assert widths == expected
    assert len(expected) >= 20
