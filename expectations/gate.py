"""The data-quality gate every batch passes before it is written into Sage 100.

`validate(suite, frame)` runs the suite over the batch and answers, per record key: passed,
or quarantined with every failed check, the offending value and a message. Warnings are
reported and do not quarantine. The gate decides per record: the valid records of a batch
go on whatever the others do. Only when more than `max_share` of a batch of at least
`min_records` fail is the result `systemic`, the circuit breaker: that many bad records point
at a mapping or a system fault rather than bad data, and the engine holds back that
entity's upload (`GateResult.systemic` says why, naming the settings).

Keys may repeat (order lines carry their order's key): a key is quarantined when any of its
rows fails an error check, so an order travels whole or not at all.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from expectations.checks import Check, Severity, Suite
from expectations.frames import Working, prepare
from expectations.messages import fill, plain, template_fields
from expectations.runner import locate

__all__ = ["INDEX_LIMIT", "Failure", "GateResult", "merge", "validate"]

log = logging.getLogger(__name__)

# Above this many failing rows in one check, its rows are found with pandas (see runner).
INDEX_LIMIT = 5_000


@dataclass(frozen=True)
class Failure:
    check: str
    column: str
    value: object
    message: str
    severity: Severity


@dataclass
class GateResult:
    suite: str
    key: str
    entity: str
    passed_keys: set[str]
    # key -> every failed check of that key (errors and warnings), in suite order
    failures: dict[str, list[Failure]]
    # keys with at least one error
    quarantined_keys: set[str]
    share_failed: float
    rows: int
    seconds: float
    systemic: str | None = None
    max_share: float = field(default=0.5, repr=False)
    min_records: int = field(default=0, repr=False)

    def passed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of `frame` whose key passed (check `systemic` before sending them)."""
        return frame[frame[self.key].astype(str).isin(self.passed_keys).to_numpy(bool)]

    def quarantined(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame[self.key].astype(str).isin(self.quarantined_keys).to_numpy(bool)]

    def failure_frame(self) -> pd.DataFrame:
        """One row per failure: key, check, column, value, severity, message."""
        records = [
            (key, f.check, f.column, f.value, f.severity, f.message)
            for key, failures in self.failures.items()
            for f in failures
        ]
        return pd.DataFrame(
            records, columns=["key", "check", "column", "value", "severity", "message"]
        )


def validate(
    suite: Suite,
    frame: pd.DataFrame,
    *,
    max_share: float = 0.5,
    min_records: int = 0,
    index_limit: int = INDEX_LIMIT,
) -> GateResult:
    """Validate a batch; `frame` is left as it was."""
    if not 0.0 <= max_share <= 1.0:
        raise ValueError(f"max_share must be between 0 and 1, not {max_share}")
    started = time.perf_counter()
    work = prepare(suite, frame)
    located = locate(work.plans, work.frame, index_limit=index_limit)

    failures: dict[str, list[Failure]] = {}
    for check in suite.checks:
        rows = located.rows.get(check.name)
        if rows is not None and rows.size:
            for key, failure in _failures(check, suite.context, work, rows):
                failures.setdefault(key, []).append(failure)

    all_keys = set(work.keys.tolist())
    quarantined = {k for k, fs in failures.items() if any(f.severity == "error" for f in fs)}
    result = _result(
        suite.name,
        suite.key,
        suite.entity,
        all_keys,
        failures,
        quarantined,
        rows=len(frame),
        seconds=time.perf_counter() - started,
        max_share=max_share,
        min_records=min_records,
    )
    log.info(
        "%s: %d rows, %d %s, %d quarantined, %d with warnings only, %.2f s",
        suite.name,
        result.rows,
        len(all_keys),
        suite.entity,
        len(quarantined),
        len(failures) - len(quarantined),
        result.seconds,
    )
    if result.systemic:
        log.warning("%s: %s", suite.name, result.systemic)
    return result


def merge(
    results: Iterable[GateResult],
    *,
    max_share: float | None = None,
    min_records: int | None = None,
) -> GateResult:
    """One verdict over several frames of one batch (an order's header and its lines)."""
    parts = list(results)
    if not parts:
        raise ValueError("merge needs at least one GateResult")
    first = parts[0]
    failures: dict[str, list[Failure]] = {}
    for part in parts:
        for key, fs in part.failures.items():
            failures.setdefault(key, []).extend(fs)
    all_keys = set().union(*(p.passed_keys | p.quarantined_keys for p in parts))
    quarantined = set().union(*(p.quarantined_keys for p in parts))
    return _result(
        "+".join(p.suite for p in parts),
        first.key,
        first.entity,
        all_keys,
        failures,
        quarantined,
        rows=sum(p.rows for p in parts),
        seconds=sum(p.seconds for p in parts),
        max_share=first.max_share if max_share is None else max_share,
        min_records=first.min_records if min_records is None else min_records,
    )


def _result(
    suite: str,
    key: str,
    entity: str,
    all_keys: set[str],
    failures: dict[str, list[Failure]],
    quarantined: set[str],
    *,
    rows: int,
    seconds: float,
    max_share: float,
    min_records: int = 0,
) -> GateResult:
    share = len(quarantined) / len(all_keys) if all_keys else 0.0
    systemic = None
    if share > max_share and len(all_keys) >= min_records:
        systemic = _systemic(
            entity, len(all_keys), quarantined, failures, share, max_share, min_records
        )
    return GateResult(
        suite=suite,
        key=key,
        entity=entity,
        passed_keys=all_keys - quarantined,
        failures=failures,
        quarantined_keys=quarantined,
        share_failed=share,
        rows=rows,
        seconds=seconds,
        systemic=systemic,
        max_share=max_share,
        min_records=min_records,
    )


def _systemic(
    entity: str,
    total: int,
    quarantined: set[str],
    failures: dict[str, list[Failure]],
    share: float,
    max_share: float,
    min_records: int,
) -> str:
    # Count each check once per key: one bad order with five bad lines is one order.
    by_check = Counter(
        name
        for key in quarantined
        for name in {f.check for f in failures[key] if f.severity == "error"}
    )
    common = ", ".join(f"{name} ({count})" for name, count in by_check.most_common(3))
    return (
        f"{len(quarantined)} of {total} {entity} ({share:.0%}) failed validation, more than "
        f"sync.max_quarantine_share ({max_share:.0%}) of a batch of at least "
        f"sync.breaker_min_records ({min_records}): a mapping or system fault, so no "
        f"{entity} is written; most common: {common}"
    )


def _failures(
    check: Check, context: str, work: Working, rows: np.ndarray
) -> Iterable[tuple[str, Failure]]:
    columns = check.columns
    template = context + check.message
    reported = [work.frame[c].to_numpy(object)[rows] for c in columns]
    fields = {
        f: work.frame[f].to_numpy(object)[rows]
        for f in template_fields(template)
        if f in work.frame.columns
    }
    label = "+".join(columns)
    for i, row in enumerate(rows.tolist()):
        values = tuple(plain(v[i]) for v in reported)
        value = values[0] if len(values) == 1 else values
        message = fill(template, value, {f: v[i] for f, v in fields.items()})
        yield work.keys[row], Failure(check.name, label, value, message, check.severity)
