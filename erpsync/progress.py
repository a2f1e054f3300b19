"""Progress of a run: which step, records done, rate and ETA.

The engine says what it did (`RunProgress.expect`, `RunProgress.advance`); it does not
know who is watching. Watchers are sinks: the CLI adds a bar or plain lines for the
command's runs (`watching`, erpsync.progress_display), the flow a Prefect progress
artifact for every run (flows/progress.py). A sink that fails never fails the run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["ProgressSink", "RunProgress", "StepProgress", "describe", "watching"]

_log = logging.getLogger("erpsync.progress")


@dataclass
class StepProgress:
    """One step under way. `total` is what the step expects to handle when it knows
    (a seed's full read counts its rows first); None leaves no ETA, only the rate."""

    step: int
    name: str
    index: int  # this step's place in the run's plan, from 0
    steps: int  # how many steps the plan has
    total: int | None = None
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    @property
    def rate(self) -> float:
        """Records per second since the step began."""
        return self.done / self.elapsed

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate; None without a total or before any record."""
        if self.total is None or self.done == 0:
            return None
        return max(self.total - self.done, 0) / self.rate

    @property
    def run_fraction(self) -> float:
        """How far the whole run is, 0..1: steps before this one plus this one's share."""
        within = min(self.done / self.total, 1.0) if self.total else 0.0
        return (self.index + within) / max(self.steps, 1)


class ProgressSink(Protocol):
    def started(self, p: StepProgress) -> None: ...

    def advanced(self, p: StepProgress) -> None: ...

    def ended(self, p: StepProgress, state: str) -> None: ...


_watchers: list[ProgressSink] = []
_watchers_lock = threading.Lock()


@contextmanager
def watching(sink: ProgressSink) -> Iterator[ProgressSink]:
    """Show every run of this process to `sink` while the block runs."""
    with _watchers_lock:
        _watchers.append(sink)
    try:
        yield sink
    finally:
        with _watchers_lock:
            _watchers.remove(sink)


class RunProgress:
    """The progress of one run, told to the process's watchers and the run's own sinks."""

    def __init__(self, *sinks: ProgressSink) -> None:
        self.own: list[ProgressSink] = list(sinks)
        self.current: StepProgress | None = None

    def add(self, sink: ProgressSink) -> None:
        self.own.append(sink)

    def _sinks(self) -> list[ProgressSink]:
        with _watchers_lock:
            return [*_watchers, *self.own]

    def _tell(self, event: str, *args: object) -> None:
        for sink in self._sinks():
            try:
                getattr(sink, event)(*args)
            except Exception:  # a display must never cost a run
                _log.debug("progress sink %r failed on %s", sink, event, exc_info=True)

    def begin(self, step: int, name: str, index: int, steps: int) -> None:
        self.current = StepProgress(step, name, index, steps)
        self._tell("started", self.current)

    def expect(self, total: int) -> None:
        """The current step will handle about `total` records."""
        if self.current is not None:
            self.current.total = (self.current.total or 0) + total
            self._tell("advanced", self.current)

    def advance(self, records: int) -> None:
        if self.current is not None and records:
            self.current.done += records
            self._tell("advanced", self.current)

    def end(self, state: str) -> None:
        if self.current is not None:
            self._tell("ended", self.current, state)
            self.current = None


def _count(n: float) -> str:
    return f"{n:,.0f}"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def describe(p: StepProgress) -> str:
    """One plain line: `step 20 Download Invoices (9/17): 12,000 of 40,000 records (30%),
    2,100/s, ETA 13s`."""
    head = f"step {p.step} {p.name} ({p.index + 1}/{p.steps})"
    if p.total:
        done = f"{_count(p.done)} of {_count(p.total)} records ({p.done / p.total:.0%})"
    else:
        done = f"{_count(p.done)} records"
    eta = p.eta
    tail = f", ETA {_duration(eta)}" if eta is not None else ""
    return f"{head}: {done}, {_count(p.rate)}/s, {_duration(p.elapsed)} so far{tail}"
