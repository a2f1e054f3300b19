"""The gate itself: the systemic threshold, bad input, GX's row lists vs the pandas forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from expectations import Check, Suite, When, customer_suite, validate
from expectations.frames import ROW, Plan
from expectations.rules import (
    AtLeast,
    Between,
    InSet,
    Matches,
    MaxLength,
    NotInSet,
    NotMatches,
    NotMissing,
    Unique,
)
from expectations.runner import locate
from tests.expectations.test_support import REF, customer

ROOT = Path(__file__).resolve().parents[2]


def _customers(bad: int, total: int) -> pd.DataFrame:
    rows = [customer(f"k{i}") for i in range(total - bad)]
    rows += [customer(f"bad{i}", ShipMethod="NOWHERE") for i in range(bad)]
    return pd.DataFrame(rows)


def test_three_bad_of_ten_is_systemic() -> None:
    result = validate(customer_suite(REF), _customers(3, 10), max_share=0.2)
    assert result.share_failed == pytest.approx(0.3)
    assert result.systemic is not None
    assert result.systemic.startswith("3 of 10 customers (30%) failed validation")
    assert result.systemic.endswith("most common: ship_via_exists (3)")
    # The verdict per record still stands; the engine writes nothing on `systemic`.
    assert len(result.quarantined_keys) == 3


def test_two_bad_of_ten_is_not() -> None:
    result = validate(customer_suite(REF), _customers(2, 10), max_share=0.2)
    assert result.share_failed == pytest.approx(0.2)
    assert result.systemic is None
    assert result.quarantined_keys == {"bad0", "bad1"}


def test_warnings_do_not_count_towards_the_share() -> None:
    frame = pd.DataFrame([customer(f"k{i}", FaxNo="no fax") for i in range(5)])
    result = validate(customer_suite(REF), frame, max_share=0.0)
    assert result.systemic is None
    assert result.share_failed == 0.0
    assert len(result.failures) == 5
    assert result.passed_keys == {f"k{i}" for i in range(5)}


def test_a_missing_required_column_fails_every_create() -> None:
    frame = _customers(0, 4).drop(columns=["CustomerName"])
    result = validate(customer_suite(REF), frame)
    assert result.quarantined_keys == {f"k{i}" for i in range(4)}
    assert result.systemic is not None and "customer_name_required (4)" in result.systemic


def test_empty_batch() -> None:
    result = validate(customer_suite(REF), _customers(0, 1).iloc[0:0])
    assert (result.rows, result.share_failed, result.systemic) == (0, 0.0, None)
    assert result.passed_keys == set() and result.failures == {}


def test_bad_input_is_named() -> None:
    frame = _customers(0, 3)
    with pytest.raises(ValueError, match="ar_customer_upload: the batch has no key column"):
        validate(customer_suite(REF), frame.drop(columns=["record_key"]))
    frame.loc[1, "record_key"] = ""
    with pytest.raises(ValueError, match=r"1 record\(s\) have no record_key \(row 1\)"):
        validate(customer_suite(REF), frame)
    with pytest.raises(ValueError, match="max_share must be between 0 and 1"):
        validate(customer_suite(REF), frame, max_share=1.5)


def test_failure_frame_lists_every_failure() -> None:
    frame = pd.DataFrame([customer("a", ShipMethod="X", TermsCode="ZZ"), customer("b")])
    result = validate(customer_suite(REF), frame, max_share=1.0)
    report = result.failure_frame()
    assert list(report.columns) == ["key", "check", "column", "value", "severity", "message"]
    assert set(zip(report["key"], report["check"], strict=True)) == {
        ("a", "ship_via_exists"),
        ("a", "terms_code_exists"),
    }


def test_check_names_must_be_unique_in_a_suite() -> None:
    check = Check("x_required", "x", "error", "x is required", NotMissing())
    with pytest.raises(ValueError, match="check names used twice: x_required"):
        Suite("s", "k", (check, check))


def _rule_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "k": ["a", "b", "c", "c", "e", "f"],
            "op": ["create", "update", "create", "create", None, "create"],
            "text": ["ok", None, "much too long", "x\x01y", "fine", "OK"],
            "n": [1.0, -1.0, 0.0, np.nan, 5.0, 2.0],
            "m": [0.5, 0.0, 1.0, 1.0, 9.0, np.nan],
            ROW: np.arange(6),
        }
    )


PLANS = [
    Plan(
        Check(
            "not_missing", "text", "error", "", NotMissing(), when=When("op", frozenset({"create"}))
        ),
        ("text",),
        NotMissing(),
    ),
    Plan(Check("max_length", "text", "error", "", MaxLength(4)), ("text",), MaxLength(4)),
    Plan(
        Check("matches", "text", "error", "", Matches(r"^[a-z]+$")), ("text",), Matches(r"^[a-z]+$")
    ),
    Plan(
        Check("not_matches", "text", "error", "", NotMatches(r"[\x00-\x1f]")),
        ("text",),
        NotMatches(r"[\x00-\x1f]"),
    ),
    Plan(
        Check("in_set", "text", "error", "", InSet(frozenset({"ok", "fine"}))),
        ("text",),
        InSet(frozenset({"ok", "fine"})),
    ),
    Plan(
        Check("not_in_set", "text", "error", "", NotInSet(frozenset({"ok"})), when=When("op")),
        ("text",),
        NotInSet(frozenset({"ok"})),
    ),
    Plan(
        Check("between", "n", "error", "", Between(0, 4, strict_low=True)),
        ("n",),
        Between(0, 4, strict_low=True),
    ),
    Plan(Check("unique", "k", "error", "", Unique()), ("k",), Unique()),
    Plan(Check("unique_pair", ("k", "op"), "error", "", Unique()), ("k", "op"), Unique()),
    Plan(Check("at_least", ("n", "m"), "error", "", AtLeast()), ("n", "m"), AtLeast()),
]
EXPECTED_ROWS = {
    "not_missing": [],  # the only missing text is on an update row
    "max_length": [2],
    "matches": [2, 3, 5],
    "not_matches": [3],
    "in_set": [2, 3, 5],
    "not_in_set": [0],
    "between": [1, 2, 4],
    "unique": [2, 3],
    "unique_pair": [2, 3],
    "at_least": [1, 2, 4],
}


def test_gx_lists_the_failing_rows_of_every_rule_kind() -> None:
    # GX #11468: some expectations may not return unexpected_index_list. Every kind the
    # suites use must, or the gate would silently depend on the fallback.
    frame = _rule_frame()
    by_gx = locate(PLANS, frame, index_limit=1000)
    assert {name: rows.tolist() for name, rows in by_gx.rows.items()} == {
        name: rows for name, rows in EXPECTED_ROWS.items() if rows
    }
    assert set(by_gx.source.values()) == {"gx"}


def test_the_pandas_forms_agree_with_gx() -> None:
    frame = _rule_frame()
    by_pandas = locate(PLANS, frame, index_limit=0)
    assert set(by_pandas.source.values()) == {"pandas"}
    for plan in PLANS:
        assert np.flatnonzero(plan.unexpected(frame)).tolist() == EXPECTED_ROWS[plan.check.name]
    assert {n: r.tolist() for n, r in by_pandas.rows.items()} == {
        n: r.tolist() for n, r in locate(PLANS, frame, index_limit=1000).rows.items()
    }


def test_importing_expectations_does_not_import_great_expectations() -> None:
    code = (
        "import sys, expectations, expectations.gate, expectations.runner; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_public_surface_is_pinned() -> None:
    import expectations

    assert sorted(expectations.__all__) == sorted(
        [
            "INDEX_LIMIT", "Check", "Derived", "Failure", "GateResult", "ReferenceCodes",
            "Severity", "Suite", "When", "contact_suite", "customer_suite", "merge",
            "order_header_suite", "order_line_suite", "payment_suite", "ship_to_suite",
            "validate",
        ]
    )  # fmt: skip
    assert all(hasattr(expectations, name) for name in expectations.__all__)


def test_an_object_column_holding_numbers_is_not_a_problem() -> None:
    """Engine frames are object columns; amounts arrive there as floats (a bug once)."""
    from expectations import payment_suite
    from expectations.reference import ReferenceCodes

    frame = pd.DataFrame(
        {
            "record_key": ["1", "2"],
            "customer_no": ["00-0000001", "00-0000001"],
            "InvoiceNo": ["0000001", "0000002"],
            "AmountPosted": [12.5, 30.0],
            "PaymentType": ["VISA", "VISA"],
            "CheckNo": ["CC1", "CC2"],
        }
    ).astype(object)
    ref = ReferenceCodes(
        customers={"00-0000001"},
        payment_types={"VISA"},
        open_invoices={"00-0000001": {"0000001": 100.0, "0000002": 20.0}},
    )
    result = validate(payment_suite(ref), frame)
    assert result.quarantined_keys == {"2"}  # 30.00 against a balance of 20.00
