"""Order header and line suites; a failing line quarantines its whole order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
import pytest

from expectations import GateResult, merge, order_header_suite, order_line_suite, validate
from tests.expectations.test_support import REF, TODAY, errors, failure, line, order

FAR = (TODAY + dt.timedelta(days=REF.order_date_window_days + 1)).isoformat()
EDGE = (TODAY - dt.timedelta(days=REF.order_date_window_days)).isoformat()

HEADER_BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "unknown_customer": (
        {"customer_no": "01-0000404"},
        "customer_exists",
        "customer_no",
        "01-0000404",
    ),
    "credit_hold": (
        {"customer_no": "01-0000043"},
        "customer_not_on_credit_hold",
        "customer_no",
        "01-0000043",
    ),
    "totals_mismatch": (
        {"header_total": 130.5},
        "header_total_matches_lines",
        "header_total+lines_total",
        (130.5, 120.5),
    ),
    "no_lines": (
        {"line_count": 0, "lines_total": 0.0, "header_total": 0.0},
        "order_has_lines",
        "line_count",
        0,
    ),
    "date_far_away": (
        {"OrderDate": FAR, "ShipExpireDate": None},
        "order_date_within_window",
        "OrderDate",
        FAR,
    ),
    "impossible_date": (
        {"OrderDate": "2025-02-30", "ShipExpireDate": None},
        "order_date_format",
        "OrderDate",
        "2025-02-30",
    ),
    "us_date": (
        {"OrderDate": "06/15/2025", "ShipExpireDate": None},
        "order_date_format",
        "OrderDate",
        "06/15/2025",
    ),
    "no_date": (
        {"OrderDate": None, "ShipExpireDate": None},
        "order_date_required",
        "OrderDate",
        None,
    ),
    "ships_before_ordered": (
        {"ShipExpireDate": "2025-06-01"},
        "ship_expire_date_not_before_order_date",
        "ShipExpireDate",
        "2025-06-01",
    ),
    "unknown_ship_via": ({"ShipVia": "BIKE"}, "ship_via_exists", "ShipVia", "BIKE"),
    "long_po": (
        {"CustomerPONo": "P" * 31},
        "customer_po_no_fits_sage_width",
        "CustomerPONo",
        "P" * 31,
    ),
}


@pytest.fixture(scope="module")
def headers() -> tuple[pd.DataFrame, GateResult]:
    rows = [
        order("good"),
        order("cent_rounding", header_total=120.504),
        order("window_edge", OrderDate=EDGE, ShipExpireDate=None),
        order("date_objects", OrderDate=dt.date(2025, 6, 1), ShipExpireDate=dt.date(2025, 6, 2)),
    ]
    rows += [order(key, **changes) for key, (changes, *_) in HEADER_BAD.items()]
    frame = pd.DataFrame(rows)
    return frame, validate(order_header_suite(REF, TODAY), frame, max_share=1.0)


@pytest.mark.parametrize("key", list(HEADER_BAD))
def test_header_bad_kinds(headers: tuple[pd.DataFrame, GateResult], key: str) -> None:
    _, result = headers
    _, check, column, value = HEADER_BAD[key]
    assert errors(result, key) == {check}
    found = failure(result, key, check)
    assert (found.column, found.value) == (column, value)


def test_good_headers_pass(headers: tuple[pd.DataFrame, GateResult]) -> None:
    _, result = headers
    assert result.passed_keys == {"good", "cent_rounding", "window_edge", "date_objects"}


def test_header_messages(headers: tuple[pd.DataFrame, GateResult]) -> None:
    _, result = headers
    totals = failure(result, "totals_mismatch", "header_total_matches_lines").message
    assert totals == "header_total 130.5 does not equal the total of the lines 120.5"
    far = failure(result, "date_far_away", "order_date_within_window").message
    assert FAR in far and TODAY.isoformat() in far


def test_credit_hold_is_a_warning_when_the_company_allows_it() -> None:
    lenient = dataclasses.replace(REF, reject_credit_hold=False)
    frame = pd.DataFrame([order("held", customer_no="01-0000043")])
    result = validate(order_header_suite(lenient, TODAY), frame)
    [warning] = result.failures["held"]
    assert (warning.check, warning.severity) == ("customer_not_on_credit_hold", "warning")
    assert result.passed_keys == {"held"}


LINE_BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "unknown_item": ({"ItemCode": "NOPE-9"}, "item_exists", "ItemCode", "NOPE-9"),
    "inactive_item": ({"ItemCode": "OLD-3"}, "item_is_active", "ItemCode", "OLD-3"),
    "zero_quantity": ({"QuantityOrdered": 0}, "quantity_ordered_positive", "QuantityOrdered", 0),
    "negative_quantity": (
        {"QuantityOrdered": -2},
        "quantity_ordered_positive",
        "QuantityOrdered",
        -2,
    ),
    "text_quantity": (
        {"QuantityOrdered": "two"},
        "quantity_ordered_is_a_number",
        "QuantityOrdered",
        "two",
    ),
    "negative_price": ({"UnitPrice": -1.5}, "unit_price_not_negative", "UnitPrice", -1.5),
    "negative_extension": (
        {"ExtensionAmt": -3.0},
        "extension_amt_not_negative",
        "ExtensionAmt",
        -3.0,
    ),
    "unknown_warehouse": ({"WarehouseCode": "MOO"}, "warehouse_exists", "WarehouseCode", "MOO"),
}


@pytest.fixture(scope="module")
def lines() -> tuple[pd.DataFrame, GateResult]:
    rows = [line("good", 1), line("good", 2, ItemCode="GADGET-2", UnitPrice=0.0)]
    for key, (changes, *_) in LINE_BAD.items():
        # Each order has a good line 1; line 2 carries the fault.
        rows += [line(key, 1), line(key, 2, **changes)]
    frame = pd.DataFrame(rows)
    return frame, validate(order_line_suite(REF), frame, max_share=1.0)


@pytest.mark.parametrize("key", list(LINE_BAD))
def test_line_bad_kinds(lines: tuple[pd.DataFrame, GateResult], key: str) -> None:
    _, result = lines
    _, check, column, value = LINE_BAD[key]
    assert errors(result, key) == {check}
    found = failure(result, key, check)
    assert (found.column, found.value) == (column, value)
    assert found.message.startswith("line 2: ")


def test_inactive_and_unknown_items_say_which(lines: tuple[pd.DataFrame, GateResult]) -> None:
    _, result = lines
    assert "inactive" in failure(result, "inactive_item", "item_is_active").message
    assert "unknown" in failure(result, "unknown_item", "item_exists").message


def test_a_failing_line_quarantines_its_whole_order(
    lines: tuple[pd.DataFrame, GateResult],
) -> None:
    frame, result = lines
    assert result.quarantined_keys == set(LINE_BAD)
    assert result.passed_keys == {"good"}
    held = result.quarantined(frame)
    # Line 1 of each bad order is fine on its own, and is held back with its order.
    assert len(held) == 2 * len(LINE_BAD)
    assert set(result.passed(frame)["line_no"]) == {1, 2}
    assert set(result.passed(frame)["record_key"]) == {"good"}


def test_merge_gives_one_verdict_per_order() -> None:
    header = validate(
        order_header_suite(REF, TODAY),
        pd.DataFrame([order("a"), order("b"), order("c", customer_no="01-0000404")]),
        max_share=1.0,
    )
    detail = validate(
        order_line_suite(REF),
        pd.DataFrame([line("a", 1), line("b", 1, ItemCode="OLD-3"), line("c", 1)]),
        max_share=1.0,
    )
    both = merge([header, detail], max_share=0.5)
    assert both.quarantined_keys == {"b", "c"}
    assert both.passed_keys == {"a"}
    assert both.systemic is not None and "2 of 3 sales orders" in both.systemic


def test_the_pandas_fallback_agrees(
    headers: tuple[pd.DataFrame, GateResult], lines: tuple[pd.DataFrame, GateResult]
) -> None:
    for suite, (frame, result) in (
        (order_header_suite(REF, TODAY), headers),
        (order_line_suite(REF), lines),
    ):
        assert validate(suite, frame, max_share=1.0, index_limit=0).failures == result.failures
