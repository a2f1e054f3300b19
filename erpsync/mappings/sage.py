"""Small vectorised conversions between Sage's conventions and the platform's."""

from __future__ import annotations

import pandas as pd

__all__ = [
    "division_number",
    "flag",
    "number",
    "split_division_number",
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


def split_division_number(value: str) -> tuple[str, str]:
    """ "00-0000042" -> ("00", "0000042"); ValueError names the value when malformed."""
    division, sep, number_ = value.partition("-")
    if not sep or len(division) != 2 or not division.isdigit() or not number_:
        raise ValueError(f"{value!r} is not a customer number of the form 00-0000001")
    return division, number_
