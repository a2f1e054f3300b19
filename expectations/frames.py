"""The gate's own copy of a batch, shaped for validation, and the plan of what to run on it.

The caller's frame is never touched. The copy holds only the columns the suite reads, with:
- blanks made missing: NaN, None, "" and all-space strings all mean "no value";
- text rules' columns as text;
- a numeric twin (`__number__<column>`, floats) of each column a numeric rule reads, which
  the rule reads instead: the column itself keeps the value as given, so a value that is not
  a number is reported as typed (by an `is_a_number` check) and numeric rules skip it;
- a suite's derived columns, and a `__row__` column (0..n-1) that GX reports failing rows by,
  since the record key may repeat (order lines).

A lookup against a large value set (every customer, every open invoice) is done here with
`isin` into a 1/0 helper column, and GX checks that column: GX copies an expectation's
value set dozens of times while validating, which costs seconds per 10,000 values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from expectations.checks import NUMBER_PREFIX, Check, Suite, When, base_column, number_of
from expectations.rules import InSet, NotInSet, NotMissing, Rule

__all__ = ["ROW", "VALUE_SET_LIMIT", "Plan", "Working", "prepare"]

ROW = "__row__"
# Value sets up to this size go into the GX expectation as they are.
VALUE_SET_LIMIT = 500


@dataclass(frozen=True)
class Plan:
    """One check as it runs: the columns of the working frame it reads, and its rule there."""

    check: Check
    targets: tuple[str, ...]
    rule: Rule

    def unexpected(self, frame: pd.DataFrame) -> np.ndarray:
        """The pandas form of the check: True on each failing row."""
        mask = self.rule.unexpected(frame, self.targets)
        if self.check.when is not None:
            mask = mask & self.check.when.applies(frame)
        return mask


@dataclass
class Working:
    frame: pd.DataFrame
    keys: np.ndarray
    plans: list[Plan]


def prepare(suite: Suite, frame: pd.DataFrame) -> Working:
    if suite.key not in frame.columns:
        raise ValueError(f"{suite.name}: the batch has no key column {suite.key!r}")
    rows = len(frame)
    data: dict[str, pd.Series] = {}
    for column in suite.columns:
        if column in frame.columns:
            data[column] = _blanks_to_missing(frame[column].reset_index(drop=True))
        else:
            # An absent column is all missing: required checks fail, the rest have no values.
            data[column] = pd.Series([None] * rows, dtype=object)
    work = pd.DataFrame(data, index=pd.RangeIndex(rows))
    keys = _keys(suite, work[suite.key])

    derived = {d.name for d in suite.derived}
    for column in _targets(suite, textual=True) - derived:
        work[column] = _as_text(work[column])
    for column in sorted(_numeric_columns(suite) - derived):
        work[number_of(column)] = pd.to_numeric(work[column], errors="coerce").astype(float)
    for d in suite.derived:
        try:
            values = d.compute(work)
        except Exception as exc:
            raise ValueError(
                f"{suite.name}: cannot derive {d.name} from {', '.join(d.inputs)}: {exc}"
            ) from exc
        work[d.name] = values.reset_index(drop=True)
    work[ROW] = np.arange(rows)
    present: dict[str, np.ndarray] = {}
    plans = [p for p in (_plan(c, work, derived, present) for c in suite.checks) if p]
    return Working(work, keys, plans)


def _blanks_to_missing(values: pd.Series) -> pd.Series:
    if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
        return values
    if values.dtype == object:
        # An object column may hold numbers or only missing values: no .str accessor.
        blank = np.fromiter(
            (isinstance(v, str) and (v == "" or v.isspace()) for v in values),
            dtype=bool,
            count=len(values),
        )
    else:
        blank = values.eq("").to_numpy(bool, na_value=False) | values.str.isspace().to_numpy(
            bool, na_value=False
        )
    if not blank.any():
        return values
    return values.astype(object).where(~blank, None)


def _keys(suite: Suite, values: pd.Series) -> np.ndarray:
    missing = np.flatnonzero(values.isna().to_numpy(bool))
    if missing.size:
        shown = ", ".join(str(r) for r in missing[:5])
        raise ValueError(
            f"{suite.name}: {missing.size} record(s) have no {suite.key} "
            f"(row {shown}); every record needs its key"
        )
    return values.astype(str).to_numpy(object)


def _targets(suite: Suite, *, textual: bool = False, numeric: bool = False) -> set[str]:
    return {
        column
        for check in suite.checks
        if (textual and check.rule.textual) or (numeric and check.rule.numeric)
        for column in check.targets
    }


def _numeric_columns(suite: Suite) -> set[str]:
    """Columns that need a numeric twin: read by numeric rules, or by name as twins."""
    return {base_column(c) for c in _targets(suite, numeric=True)} | {
        base_column(c)
        for check in suite.checks
        for c in check.targets
        if c.startswith(NUMBER_PREFIX)
    }


def _as_text(values: pd.Series) -> pd.Series:
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return values
    present = values.notna()
    return values.astype(object).where(~present, values.astype(object).map(str))


def _applies(when: When | None, frame: pd.DataFrame) -> np.ndarray:
    if when is None:
        return np.ones(len(frame), dtype=bool)
    return when.applies(frame)


def _plan(
    check: Check, work: pd.DataFrame, derived: set[str], present: dict[str, np.ndarray]
) -> Plan | None:
    applies = _applies(check.when, work)
    if not applies.any():
        return None
    targets, rule = check.targets, check.rule
    if rule.numeric:
        targets = tuple(
            c if c in derived or c.startswith(NUMBER_PREFIX) else number_of(c) for c in targets
        )
    if isinstance(rule, InSet | NotInSet) and len(rule.values) > VALUE_SET_LIMIT:
        helper = f"__in_{check.name}"
        source = work[targets[0]]
        listed = source.isin(rule.values).to_numpy(float)
        work[helper] = np.where(_present(work, targets[0], present), listed, np.nan)
        wanted = 1.0 if isinstance(rule, InSet) else 0.0
        targets, rule = (helper,), InSet(frozenset({wanted}))
    # Every rule but NotMissing skips missing values: over an all-missing column it cannot fail.
    if not isinstance(rule, NotMissing):
        for column in targets:
            if not _present(work, column, present)[applies].any():
                return None
    return Plan(check, targets, rule)


def _present(work: pd.DataFrame, column: str, cache: dict[str, np.ndarray]) -> np.ndarray:
    if column not in cache:
        cache[column] = work[column].notna().to_numpy(bool)
    return cache[column]
