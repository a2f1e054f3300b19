"""Runs a batch's plans through Great Expectations 1.x and says which rows failed which check.

GX is imported here, inside `locate`, on first use: importing it costs ~5 s, and nothing that
merely imports erpsync should pay that. One ephemeral context, pandas data source and
whole-dataframe batch definition serve the whole process.

Two passes, because GX builds `unexpected_index_list` one row at a time (~50 us a row, so 5 s
per check when 100,000 rows fail it):
1. every expectation with result format BASIC: pass/fail and the unexpected count, cheaply;
2. only the failed ones, with COMPLETE and `unexpected_index_column_names=["__row__"]`, when
   at most `index_limit` rows failed.
A check whose index list GX does not return, returns short (GX #11468) or would cost too
much, is located with its pandas form instead, so a failing row is never missed. Results are
not stored in the context (`Batch.validate`, not `ValidationDefinition.run`), so a
long-running worker does not accumulate them.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from expectations.frames import ROW, Plan

__all__ = ["Located", "locate"]

log = logging.getLogger(__name__)

Source = Literal["gx", "pandas"]

_lock = threading.Lock()
_state: dict[str, Any] = {}


@dataclass
class Located:
    # check name -> positions of failing rows (ascending); checks that passed are absent
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    # check name -> who found the rows: GX's index list, or the pandas fallback
    source: dict[str, Source] = field(default_factory=dict)


def _context() -> tuple[Any, Any]:
    """The GX module and the batch definition every validation reuses."""
    if not _state:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        # GX logs its own start-up at INFO (docs registry, temp dirs); keep run logs clean.
        gx_log = logging.getLogger("great_expectations")
        if gx_log.level == logging.NOTSET:
            gx_log.setLevel(logging.WARNING)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # ...and this one GX pins to INFO itself, so it is quietened after the import.
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        definition = (
            context.data_sources.add_pandas("erpsync_gate")
            .add_dataframe_asset("upload_batch")
            .add_batch_definition_whole_dataframe("whole_batch")
        )
        _state.update(gx=gx, definition=definition)
    return _state["gx"], _state["definition"]


def _expectation(gx: Any, plan: Plan) -> Any:
    from great_expectations.expectations.row_conditions import Column

    name, kwargs = plan.rule.expectation(plan.targets)
    extra: dict[str, Any] = {"meta": {"check": plan.check.name}}
    when = plan.check.when
    if when is not None:
        column = Column(when.column)
        extra["row_condition"] = (
            column.is_not_null() if when.values is None else column.is_in(sorted(when.values))
        )
    return getattr(gx.expectations, name)(**kwargs, **extra)


def _validate(gx: Any, batch: Any, plans: Sequence[Plan], result_format: dict[str, Any]) -> Any:
    suite = gx.ExpectationSuite(name="erpsync_gate")
    for plan in plans:
        suite.add_expectation(_expectation(gx, plan))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return batch.validate(suite, result_format=result_format).results


def _raised(result: Any) -> str | None:
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error")
    return None


def locate(plans: Sequence[Plan], frame: pd.DataFrame, *, index_limit: int) -> Located:
    """Run `plans` over `frame` (the gate's working copy) and find every failing row."""
    located = Located()
    if not plans or frame.empty:
        return located
    by_name = {p.check.name: p for p in plans}
    with _lock:
        gx, definition = _context()
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        basic = {"result_format": "BASIC", "partial_unexpected_count": 0}
        counts: dict[str, int] = {}
        for result in _validate(gx, batch, plans, basic):
            name = result.expectation_config.meta["check"]
            error = _raised(result)
            if error is not None:
                log.warning("GX could not run check %s (%s); using its pandas form", name, error)
                _fallback(located, by_name[name], frame)
            elif not result.success:
                counts[name] = int(result.result.get("unexpected_count") or 0)
        small = [by_name[n] for n, count in counts.items() if 0 < count <= index_limit]
        complete = {
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [ROW],
            "partial_unexpected_count": 0,
            "exclude_unexpected_values": True,
        }
        indexed = _validate(gx, batch, small, complete) if small else []
    for result in indexed:
        name = result.expectation_config.meta["check"]
        rows = _index_rows(result.result.get("unexpected_index_list"))
        if rows is not None and rows.size == counts[name]:
            located.rows[name] = rows
            located.source[name] = "gx"
        else:
            log.warning("GX returned no full index list for check %s; using its pandas form", name)
            _fallback(located, by_name[name], frame, counts[name])
    for name, count in counts.items():
        if name not in located.rows:
            _fallback(located, by_name[name], frame, count)
    return located


def _index_rows(found: Any) -> np.ndarray | None:
    """Row positions from an unexpected_index_list, in either of the shapes GX returns.

    With unexpected values excluded GX gives one dict of lists ({"__row__": [3, 9]}); with
    them included, one dict per row ({"c": "x", "__row__": 3}).
    """
    if not found:
        return None
    rows: list[int] = []
    for entry in found:
        index = entry.get(ROW) if isinstance(entry, dict) else None
        if index is None:
            return None
        rows.extend(index if isinstance(index, list) else [index])
    return np.unique(np.asarray(rows, dtype=np.int64))


def _fallback(located: Located, plan: Plan, frame: pd.DataFrame, expected: int = -1) -> None:
    rows = np.flatnonzero(plan.unexpected(frame))
    if expected >= 0 and rows.size != expected:
        log.warning(
            "check %s: GX counted %d failing rows, its pandas form finds %d",
            plan.check.name,
            expected,
            rows.size,
        )
    if rows.size:
        located.rows[plan.check.name] = rows
        located.source[plan.check.name] = "pandas"
