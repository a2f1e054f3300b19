"""What a run was, read from its ledger row: dry run or not, the backfill window and
entities, the seed's years; its duration and totals; and the small formatters every
rendering (text, CSV, JSON, HTML, Prefect artifacts) shares, so they all say the same.

The ledger keeps the flow's parameters as given (`{"dry_run": true}`,
`{"entities": [...], "start": "2026-11-01", "end": "2026-11-07", "dry_run": false}`,
`{"years": 3, "resume": true}`); anything else in them is ignored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from erpsync.state.history import FAILED_STEP_STATES, utc
from erpsync.state.models import RunSummary, StepOutcome

__all__ = [
    "FAILED_STEP_STATES",
    "RunFacts",
    "Totals",
    "failed_steps",
    "fmt_count",
    "fmt_duration",
    "fmt_time",
    "run_facts",
    "run_seconds",
    "step_count",
    "utc",
]


@dataclass(frozen=True)
class RunFacts:
    dry_run: bool = False
    entities: tuple[str, ...] = ()
    window: tuple[str, str] | None = None  # backfill days, inclusive
    years: int | None = None  # seed history

    def describe(self) -> str:
        """One line for people: 'window 2026-11-01..2026-11-07, entities invoices, items'."""
        parts = []
        if self.window:
            parts.append(f"window {self.window[0]}..{self.window[1]}")
        if self.entities:
            parts.append("entities " + ", ".join(self.entities))
        if self.years is not None:
            parts.append(f"{self.years} year{'s' if self.years != 1 else ''} of history")
        return "; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "window": {"start": self.window[0], "end": self.window[1]} if self.window else None,
            "entities": list(self.entities) or None,
            "years": self.years,
        }


def run_facts(parameters: Mapping[str, Any] | None) -> RunFacts:
    p = parameters if isinstance(parameters, Mapping) else {}
    raw = p.get("entities") or ()
    entities = tuple(str(e) for e in (raw if isinstance(raw, list | tuple) else [raw]))
    start, end = p.get("start"), p.get("end")
    window = (str(start or "?"), str(end or "?")) if (start or end) else None
    years = p.get("years")
    return RunFacts(
        dry_run=bool(p.get("dry_run")),
        entities=entities,
        window=window,
        years=years if isinstance(years, int) and not isinstance(years, bool) else None,
    )


def run_seconds(started: datetime, finished: datetime | None) -> float | None:
    """Wall time of a run; None while it runs (or for a row with no end)."""
    if finished is None:
        return None
    return max((utc(finished) - utc(started)).total_seconds(), 0.0)


def step_count(step: StepOutcome, name: str) -> int:
    # getattr: figures added to the ledger later (waiting) are 0 in older rows and code.
    return int(getattr(step, name, 0) or 0)


def failed_steps(summary: RunSummary) -> list[StepOutcome]:
    return [s for s in summary.steps if s.state in FAILED_STEP_STATES]


def fmt_duration(seconds: float | None) -> str:
    """3.5s, 9m48s, 1h02m, 2d03h; '-' for a run that has not ended."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d{whole % 86400 // 3600:02d}h"


def fmt_count(n: float) -> str:
    """Short counts for chart labels: 950, 12.3k, 4.1M."""
    for size, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            value = n / size
            return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.1f}"


def fmt_time(value: datetime | None, seconds: bool = False) -> str:
    """UTC, like the ledger and the lease messages: the same instant reads the same on
    every machine an analyst runs the command on."""
    if value is None:
        return "-"
    return f"{utc(value):%Y-%m-%d %H:%M:%S}" if seconds else f"{utc(value):%Y-%m-%d %H:%M}"


_SUMMED = ("read", "changed", "written", "unchanged", "quarantined", "failed", "waiting")


@dataclass
class Totals:
    """Sums over a stream of runs, for the line under the table and the JSON."""

    runs: int = 0
    states: dict[str, int] = field(default_factory=dict)
    dry_runs: int = 0
    failed_steps: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_SUMMED, 0))
    seconds: float = 0.0

    def add(self, run: RunSummary) -> None:
        self.runs += 1
        self.states[run.state] = self.states.get(run.state, 0) + 1
        self.dry_runs += run_facts(run.parameters).dry_run
        self.failed_steps += len(failed_steps(run))
        for s in run.steps:
            for name in _SUMMED:
                self.counts[name] += step_count(s, name)
        self.seconds += run_seconds(run.started_at, run.finished_at) or 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "states": dict(sorted(self.states.items())),
            "dry_runs": self.dry_runs,
            "failed_steps": self.failed_steps,
            **self.counts,
            "seconds": round(self.seconds, 3),
        }
