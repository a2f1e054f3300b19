"""What a check asserts about a column: each rule says it twice, once for GX and once in pandas.

GX is the validator; the pandas form (`unexpected`) is the fallback the gate uses to find the
failing rows when GX does not list them (GX issue #11468) or when listing them would cost more
than computing them (GX builds its index list row by row). Both forms must agree, value for
value; tests/expectations run every rule both ways and compare.

Every rule except `NotMissing` ignores missing values, as GX column-map expectations do: a
missing value is `NotMissing`'s business alone. Rules import nothing from GX: `expectation`
returns the GX class name and its keyword arguments, and the runner builds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

__all__ = [
    "AtLeast",
    "Between",
    "InSet",
    "Matches",
    "MaxLength",
    "NotInSet",
    "NotMatches",
    "NotMissing",
    "Rule",
    "Unique",
]

Mask = np.ndarray


def _present(frame: pd.DataFrame, column: str) -> Mask:
    return frame[column].notna().to_numpy()


@dataclass(frozen=True)
class NotMissing:
    """The value is there (the gate has already turned "" and blanks into missing)."""

    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToNotBeNull", {"column": columns[0]}

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        return ~_present(frame, columns[0])


@dataclass(frozen=True)
class MaxLength:
    """At most `width` characters: a Sage string column's width."""

    width: int
    textual: ClassVar[bool] = True
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValueLengthsToBeBetween", {
            "column": columns[0],
            "max_value": self.width,
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        lengths = frame[columns[0]].astype(str).str.len().to_numpy(float, na_value=0.0)
        return _present(frame, columns[0]) & (lengths > self.width)


@dataclass(frozen=True)
class Matches:
    """The text contains a match for `pattern` (anchor it with ^ and $ to match it whole)."""

    pattern: str
    textual: ClassVar[bool] = True
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToMatchRegex", {"column": columns[0], "regex": self.pattern}

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        present = _present(frame, columns[0])
        found = frame[columns[0]].astype(str).str.contains(self.pattern, regex=True)
        return present & ~found.to_numpy(bool)


@dataclass(frozen=True)
class NotMatches:
    """The text contains no match for `pattern`."""

    pattern: str
    textual: ClassVar[bool] = True
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToNotMatchRegex", {"column": columns[0], "regex": self.pattern}

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        present = _present(frame, columns[0])
        found = frame[columns[0]].astype(str).str.contains(self.pattern, regex=True)
        return present & found.to_numpy(bool)


@dataclass(frozen=True)
class InSet:
    """The value is one of `values` (reference codes: ship vias, terms, customers ...)."""

    values: frozenset[object]
    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToBeInSet", {
            "column": columns[0],
            "value_set": sorted(self.values, key=repr),
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        known = frame[columns[0]].isin(self.values).to_numpy(bool)
        return _present(frame, columns[0]) & ~known


@dataclass(frozen=True)
class NotInSet:
    """The value is none of `values` (customers on credit hold, inactive items)."""

    values: frozenset[object]
    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToNotBeInSet", {
            "column": columns[0],
            "value_set": sorted(self.values, key=repr),
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        listed = frame[columns[0]].isin(self.values).to_numpy(bool)
        return _present(frame, columns[0]) & listed


@dataclass(frozen=True)
class Between:
    """A number within [low, high]; `strict_*` excludes the bound itself."""

    low: float | None = None
    high: float | None = None
    strict_low: bool = False
    strict_high: bool = False
    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = True

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnValuesToBeBetween", {
            "column": columns[0],
            "min_value": self.low,
            "max_value": self.high,
            "strict_min": self.strict_low,
            "strict_max": self.strict_high,
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        values = frame[columns[0]].to_numpy(float, na_value=np.nan)
        bad = np.zeros(len(values), dtype=bool)
        with np.errstate(invalid="ignore"):
            if self.low is not None:
                bad |= values <= self.low if self.strict_low else values < self.low
            if self.high is not None:
                bad |= values >= self.high if self.strict_high else values > self.high
        return bad & ~np.isnan(values)


@dataclass(frozen=True)
class Unique:
    """No two rows share the value (or, over several columns, the combination).

    Every row of a duplicate group fails: the gate cannot tell which of them is right. Rows
    missing any of the columns take no part.
    """

    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = False

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        if len(columns) == 1:
            return "ExpectColumnValuesToBeUnique", {"column": columns[0]}
        return "ExpectCompoundColumnsToBeUnique", {
            "column_list": list(columns),
            "ignore_row_if": "any_value_is_missing",
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        subset = frame[list(columns)]
        complete = subset.notna().all(axis=1).to_numpy(bool)
        duplicated = np.zeros(len(frame), dtype=bool)
        duplicated[complete] = subset[complete].duplicated(keep=False).to_numpy(bool)
        return duplicated


@dataclass(frozen=True)
class AtLeast:
    """The first column's number is at least the second's (ship date vs order date ...)."""

    textual: ClassVar[bool] = False
    numeric: ClassVar[bool] = True

    def expectation(self, columns: tuple[str, ...]) -> tuple[str, Mapping[str, object]]:
        return "ExpectColumnPairValuesAToBeGreaterThanB", {
            "column_A": columns[0],
            "column_B": columns[1],
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        }

    def unexpected(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> Mask:
        a = frame[columns[0]].to_numpy(float, na_value=np.nan)
        b = frame[columns[1]].to_numpy(float, na_value=np.nan)
        both = ~np.isnan(a) & ~np.isnan(b)
        with np.errstate(invalid="ignore"):
            return both & ~(a >= b)


Rule = NotMissing | MaxLength | Matches | NotMatches | InSet | NotInSet | Between | Unique | AtLeast
