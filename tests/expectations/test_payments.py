"""The payment suite: open invoices of that customer, within the balance, positive amounts."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import pytest

from expectations import GateResult, payment_suite, validate
from expectations.frames import VALUE_SET_LIMIT
from tests.expectations.test_support import REF, errors, failure, payment

# A customer Sage does not know has no open invoices either.
ALSO = {"unknown_customer": {"invoice_open_for_customer"}}

PAYMENT_BAD: dict[str, tuple[dict[str, Any], str, str, object]] = {
    "over_balance": (
        {"InvoiceNo": "0100002", "AmountPosted": 80.51},
        "amount_posted_within_open_balance",
        "AmountPosted",
        80.51,
    ),
    "other_customers_invoice": (
        {"InvoiceNo": "0200001", "AmountPosted": 10.0},
        "invoice_open_for_customer",
        "InvoiceNo",
        "0200001",
    ),
    "unknown_invoice": (
        {"InvoiceNo": "0999999"},
        "invoice_open_for_customer",
        "InvoiceNo",
        "0999999",
    ),
    "zero_amount": ({"AmountPosted": 0.0}, "amount_posted_positive", "AmountPosted", 0.0),
    "negative_amount": ({"AmountPosted": -25.0}, "amount_posted_positive", "AmountPosted", -25.0),
    "unknown_customer": (
        {"customer_no": "01-0000404"},
        "customer_exists",
        "customer_no",
        "01-0000404",
    ),
    "unknown_payment_type": ({"PaymentType": "BITS"}, "payment_type_exists", "PaymentType", "BITS"),
    "bad_date": (
        {"TransactionDate": "2025-13-01"},
        "transaction_date_format",
        "TransactionDate",
        "2025-13-01",
    ),
    "no_invoice": ({"InvoiceNo": None}, "invoice_no_required", "InvoiceNo", None),
}


def _batch() -> pd.DataFrame:
    rows = [
        payment("exact_balance", InvoiceNo="0100002", AmountPosted=80.5),
        payment("other_customer", customer_no="02-ACME", InvoiceNo="0200001", AmountPosted=40),
        # Two payments to one invoice: 70 + 40 > 100, so the second overdraws it.
        payment("first_of_two", InvoiceNo="0100003", AmountPosted=70.0),
        payment("second_of_two", InvoiceNo="0100003", AmountPosted=40.0),
    ]
    rows += [payment(key, **changes) for key, (changes, *_) in PAYMENT_BAD.items()]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result() -> GateResult:
    return validate(payment_suite(REF), _batch(), max_share=1.0)


@pytest.mark.parametrize("key", list(PAYMENT_BAD))
def test_payment_bad_kinds(result: GateResult, key: str) -> None:
    _, check, column, value = PAYMENT_BAD[key]
    assert errors(result, key) == {check} | ALSO.get(key, set())
    found = failure(result, key, check)
    assert (found.column, found.value) == (column, value)


def test_payments_together_may_not_exceed_the_balance(result: GateResult) -> None:
    assert "first_of_two" in result.passed_keys
    assert errors(result, "second_of_two") == {"amount_posted_within_open_balance"}
    message = failure(result, "second_of_two", "amount_posted_within_open_balance").message
    assert message == (
        "AmountPosted 40 brings this batch's payments to invoice '0100003' to "
        "110, more than its open balance 100"
    )


def test_only_bad_payments_are_quarantined(result: GateResult) -> None:
    assert result.quarantined_keys == set(PAYMENT_BAD) | {"second_of_two"}
    assert result.passed_keys == {"exact_balance", "other_customer", "first_of_two"}


def test_large_reference_sets_are_looked_up_outside_gx(result: GateResult) -> None:
    # Past VALUE_SET_LIMIT the gate looks codes up with pandas into a helper column; the
    # verdicts must not change.
    many = {f"01-{n:07d}": {f"{n:07d}": 10.0} for n in range(1000, 1000 + VALUE_SET_LIMIT)}
    big = dataclasses.replace(
        REF,
        customers=REF.customers | set(many),
        open_invoices={**REF.open_invoices, **many},
    )
    assert len(big.customers) > VALUE_SET_LIMIT
    again = validate(payment_suite(big), _batch(), max_share=1.0)
    assert again.failures == result.failures


def test_the_pandas_fallback_agrees(result: GateResult) -> None:
    again = validate(payment_suite(REF), _batch(), max_share=1.0, index_limit=0)
    assert again.failures == result.failures


def test_a_payment_behind_an_overdrawing_one_still_fits() -> None:
    """Seen with `erpsync sandbox simulate`: a bad payment of 1112.32 to an invoice with
    112.32 open was counted against the good payment of 112.32 behind it, and both were
    quarantined. A quarantined payment applies nothing."""
    batch = pd.DataFrame(
        [
            payment("overdraws_alone", InvoiceNo="0100003", AmountPosted=1000.0),
            payment("first_fits", InvoiceNo="0100003", AmountPosted=70.0),
            payment("overdraws_with_first", InvoiceNo="0100003", AmountPosted=40.0),
            payment("fits_the_rest", InvoiceNo="0100003", AmountPosted=30.0),
        ]
    )
    result = validate(payment_suite(REF), batch, max_share=1.0)
    assert result.passed_keys == {"first_fits", "fits_the_rest"}
    assert result.quarantined_keys == {"overdraws_alone", "overdraws_with_first"}
    message = failure(result, "overdraws_with_first", "amount_posted_within_open_balance").message
    assert message == (
        "AmountPosted 40 brings this batch's payments to invoice '0100003' to "
        "110, more than its open balance 100"
    )
