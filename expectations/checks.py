"""The model of a data-quality suite: named checks with a severity, a rule and a message.

A `Check` is one rule about one field (or a few fields read together), named in snake_case so
that quarantine reports and dashboards can count it across runs. Its `message` is a template
the gate fills per failing row: `{value}` is the reported value, `{length}` its length in
characters, and any other field is that row's value in the named column (Sage columns, the
engine's helper columns such as `customer_no`, or a suite's derived columns).

Rules that need two columns or a lookup read a `Derived` column: computed by the gate on its
own copy of the batch, never on the caller's frame. Derived names start with "_" so they can
never shadow a Sage column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from connectors.sage100.tables import Table, table
from expectations.formats import CONTROL_CHARACTERS
from expectations.messages import template_fields
from expectations.rules import Between, InSet, Matches, MaxLength, NotMatches, NotMissing, Rule

__all__ = [
    "NUMBER_PREFIX",
    "Check",
    "Derived",
    "Severity",
    "Suite",
    "When",
    "base_column",
    "catalogue_checks",
    "is_number",
    "matches",
    "number_of",
    "required",
    "snake",
]

Severity = Literal["error", "warning"]

# Message fields the gate fills itself rather than from a column.
_OWN_FIELDS = frozenset({"value", "length"})
# The gate keeps a numeric twin of each column numeric rules read, under this prefix, and
# leaves the column itself as given, so a value that is not a number is reported as typed.
NUMBER_PREFIX = "__number__"


def number_of(column: str) -> str:
    """The name of `column`'s numeric twin in the gate's working copy."""
    return NUMBER_PREFIX + column


def base_column(name: str) -> str:
    return name.removeprefix(NUMBER_PREFIX)


@dataclass(frozen=True)
class When:
    """Limits a check to the rows whose `column` is one of `values` (None: is present)."""

    column: str
    values: frozenset[str] | None = None

    def applies(self, frame: pd.DataFrame) -> np.ndarray:
        column = frame[self.column]
        if self.values is None:
            return column.notna().to_numpy(bool)
        return column.isin(self.values).to_numpy(bool)


@dataclass(frozen=True)
class Derived:
    """A helper column the gate computes on its copy before validating (name starts "_")."""

    name: str
    inputs: tuple[str, ...]
    compute: Callable[[pd.DataFrame], pd.Series] = field(compare=False)


@dataclass(frozen=True)
class Check:
    name: str
    column: str | tuple[str, ...]
    severity: Severity
    message: str
    rule: Rule
    # The columns the rule reads when they differ from `column` (a derived helper column).
    reads: tuple[str, ...] = ()
    when: When | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The reported column(s): what an operator looks at to fix the record."""
        return (self.column,) if isinstance(self.column, str) else self.column

    @property
    def targets(self) -> tuple[str, ...]:
        """The columns the rule reads."""
        return self.reads or self.columns


@dataclass(frozen=True)
class Suite:
    name: str
    key: str
    checks: tuple[Check, ...]
    entity: str = "records"
    derived: tuple[Derived, ...] = ()
    # Put before every message: says where in a record the fault is ("line {line_no}: ").
    context: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.checks]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"suite {self.name}: check names used twice: {', '.join(twice)}")
        for derived in self.derived:
            if not derived.name.startswith("_"):
                raise ValueError(
                    f"suite {self.name}: derived column {derived.name!r} must start with '_'"
                )

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"suite {self.name} has no check {name!r}")

    @property
    def columns(self) -> tuple[str, ...]:
        """Every frame column the suite reads or quotes (derived columns excluded)."""
        derived = {d.name for d in self.derived}
        seen: dict[str, None] = {self.key: None}
        for check in self.checks:
            seen.update(dict.fromkeys(base_column(c) for c in check.columns + check.targets))
            if check.when is not None:
                seen[check.when.column] = None
            # Messages may quote other columns ("line {line_no}: ...").
            fields = template_fields(self.context + check.message) - _OWN_FIELDS
            seen.update(dict.fromkeys(sorted(fields)))
        for d in self.derived:
            seen.update(dict.fromkeys(d.inputs))
        return tuple(c for c in seen if c not in derived)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(column: str) -> str:
    """Sage's CamelCase column name in snake_case: ARDivisionNo -> ar_division_no."""
    return _CAMEL.sub("_", column).lower()


def required(
    column: str, what: str, *, when: When | None = None, severity: Severity = "error"
) -> Check:
    """`column` must hold a value; `what` finishes the sentence "... is required ..."."""
    return Check(
        name=f"{snake(column)}_required",
        column=column,
        severity=severity,
        message=f"{column} is required {what}",
        rule=NotMissing(),
        when=when,
    )


def is_number(column: str) -> Check:
    """A value in `column` must read as a number (numeric rules skip what does not)."""
    return Check(
        name=f"{snake(column)}_is_a_number",
        column=column,
        severity="error",
        message=f"{column} {{value}} is not a number",
        rule=NotMissing(),
        reads=(number_of(column),),
        when=When(column),
    )


def matches(
    name: str,
    column: str,
    pattern: str,
    message: str,
    *,
    severity: Severity = "error",
    when: When | None = None,
) -> Check:
    """`column` must match `pattern` (an anchored regular expression)."""
    return Check(name, column, severity, message, Matches(pattern), when=when)


def catalogue_checks(
    table_name: str, columns: Iterable[str], tables: Mapping[str, Table] | None = None
) -> tuple[Check, ...]:
    """Widths, value codes, numeric precision and control characters of Sage's columns.

    `tables` holds the live company's tables (ReferenceCodes.tables): the widths are the
    company's, and its UDF_ columns are checked too; without it, the catalogue's. Only
    columns the Sage table has are checked; the rest (the engine's own columns) are left
    to the suite. Nothing here is hard-coded.
    """
    sage = (tables or {}).get(table_name) or table(table_name)
    known = set(sage.column_names)
    wanted = [*columns, *(c for c in sage.column_names if c.startswith("UDF_"))]
    checks: list[Check] = []
    for name in dict.fromkeys(wanted):
        if name not in known:
            continue
        col = sage.column(name)
        stem = snake(name)
        if col.kind in ("str", "flag") and col.width is not None:
            checks.append(
                Check(
                    name=f"{stem}_fits_sage_width",
                    column=name,
                    severity="error",
                    message=f"{name} is {{length}} characters; Sage allows {col.width}",
                    rule=MaxLength(col.width),
                )
            )
            checks.append(
                Check(
                    name=f"{stem}_has_no_control_characters",
                    column=name,
                    severity="error",
                    message=f"{name} {{value}} holds a control character",
                    rule=NotMatches(CONTROL_CHARACTERS),
                )
            )
        if col.codes:
            checks.append(
                Check(
                    name=f"{stem}_is_a_sage_code",
                    column=name,
                    severity="error",
                    message=f"{name} {{value}} is not one of {'/'.join(col.codes)}",
                    rule=InSet(frozenset(col.codes)),
                )
            )
        if col.kind == "dec" and col.width is not None:
            limit = float(10 ** (col.width - col.scale))
            checks.append(is_number(name))
            checks.append(
                Check(
                    name=f"{stem}_fits_sage_precision",
                    column=name,
                    severity="error",
                    message=f"{name} {{value}} does not fit Sage's numeric({col.width},"
                    f"{col.scale})",
                    rule=Between(-limit, limit, strict_low=True, strict_high=True),
                )
            )
    return tuple(checks)
