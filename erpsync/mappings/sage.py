"""Small vectorised conversions between Sage's conventions and the platform's."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = [
    "division_number",
    "flag",
    "is_blank",
    "is_missing",
    "number",
    "text",
]


def text(series: pd.Series) -> pd.Series:
    """Sage blanks become missing values: the platform sees null, not ''."""
    s = series.astype("string")
    return s.where(s != "", None)


def flag(series: pd.Series) -> pd.Series:
    """Sage Y/N -> bool (anything but Y is false, as Sage treats it)."""
    return series.astype("string").fillna("N").eq("Y").astype(bool)


def number(series: pd.Series) -> pd.Series:
    """Numeric, also from Sage's numeric-looking strings (ShipWeight); junk -> missing."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def division_number(division: pd.Series, number_: pd.Series) -> pd.Series:
    """ARDivisionNo + CustomerNo (or salesperson) -> "{00}-{0000001}" (seed 003)."""
    div = division.astype("string").fillna("")
    num = number_.astype("string").fillna("")
    out = div + "-" + num
    return out.where((div != "") & (num != ""), None)


def is_missing(value: Any) -> bool:
    """No value at all (None, NaN). An empty string is a value: it clears a Sage field."""
    return value is None or (isinstance(value, float) and pd.isna(value))


def is_blank(value: Any) -> bool:
    """No value, or empty text: nothing to set, or a key still to be assigned."""
    return is_missing(value) or value == ""
