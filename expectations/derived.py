"""Helper columns for rules that read a date, two columns or a lookup.

Each returns a `Derived` that the gate computes on its own copy of the batch. Dates become day
numbers (days since 1970-01-01, as floats) so that GX's numeric expectations can compare them.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from expectations.checks import Derived
from expectations.reference import ReferenceCodes

__all__ = [
    "applied_to_invoice",
    "customer_invoice",
    "date_derived",
    "day_number",
    "day_numbers",
    "difference",
    "open_balance",
]

_EPOCH = dt.date(1970, 1, 1)
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_SEPARATOR = "\x1f"  # between customer_no and InvoiceNo; a control character, so never in either


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _one_day(value: object) -> float:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float(day_number(value))
    if isinstance(value, str) and re.fullmatch(_ISO_DATE, value):
        try:
            return float(day_number(dt.date.fromisoformat(value)))
        except ValueError:
            return np.nan
    return np.nan


def day_numbers(values: pd.Series) -> pd.Series:
    """Days since 1970-01-01; NaN where the value is missing or not a real YYYY-MM-DD date."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(values).dt.normalize()
    else:
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "string":
            text = values.astype(object).where(values.astype(str).str.fullmatch(_ISO_DATE))
            stamps = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        elif kind == "empty":
            return pd.Series(np.nan, index=values.index, dtype=float)
        else:
            return values.astype(object).map(_one_day).astype(float)
    days = (stamps - pd.Timestamp(_EPOCH)) / pd.Timedelta(days=1)
    return days.astype(float)


def date_derived(name: str, column: str) -> Derived:
    return Derived(name, (column,), lambda frame: day_numbers(frame[column]))


def difference(name: str, first: str, second: str) -> Derived:
    """|first - second|, rounded so float noise never fails a cent-level comparison."""

    def compute(frame: pd.DataFrame) -> pd.Series:
        a = pd.to_numeric(frame[first], errors="coerce")
        b = pd.to_numeric(frame[second], errors="coerce")
        return (a - b).abs().round(6).astype(float)

    return Derived(name, (first, second), compute)


def _invoice_keys(frame: pd.DataFrame) -> pd.Series:
    customer, invoice = frame["customer_no"], frame["InvoiceNo"]
    joined = customer.astype(str) + _SEPARATOR + invoice.astype(str)
    return joined.where(customer.notna() & invoice.notna(), None).astype(object)


def customer_invoice(name: str) -> Derived:
    """customer_no and InvoiceNo joined: the key of ReferenceCodes.open_balances()."""
    return Derived(name, ("customer_no", "InvoiceNo"), _invoice_keys)


def open_balance(name: str, ref: ReferenceCodes) -> Derived:
    """The invoice's open balance for that customer; NaN when it is not open for them."""
    balances = ref.open_balances()

    def compute(frame: pd.DataFrame) -> pd.Series:
        return _invoice_keys(frame).map(balances).astype(float)

    return Derived(name, ("customer_no", "InvoiceNo"), compute)


def applied_to_invoice(name: str, ref: ReferenceCodes) -> Derived:
    """What this batch applies to the invoice up to and including this payment.

    Two payments of 60 against a balance of 100 each fit alone; together they do not, and the
    second is the one that overdraws it. A payment that overdraws is quarantined, so it
    applies nothing: a good payment behind a bad one to the same invoice still goes in.
    """
    balances = ref.open_balances()

    def compute(frame: pd.DataFrame) -> pd.Series:
        # Amounts that are not positive apply nothing (and fail a check of their own).
        amounts = pd.to_numeric(frame["AmountPosted"], errors="coerce").clip(lower=0)
        keys = _invoice_keys(frame)
        applied: dict[str, float] = {}
        out: list[float] = []
        # In batch order, one invoice at a time: whether a payment fits depends on the
        # ones before it that did. Payment batches are small; this is not a hot loop.
        for key, amount in zip(keys.tolist(), amounts.tolist(), strict=True):
            if key is None or amount != amount:  # no invoice, or no amount (NaN)
                out.append(float("nan"))
                continue
            total = round(applied.get(key, 0.0) + amount, 6)
            if total <= balances.get(key, float("inf")):
                applied[key] = total
            out.append(total)
        return pd.Series(out, index=frame.index, dtype=float)

    return Derived(name, ("customer_no", "InvoiceNo", "AmountPosted"), compute)
