"""How the CLI shows a run's progress: a rich bar on a terminal, plain lines otherwise.

Both write to stderr, so `--json` output on stdout stays one JSON object. Plain lines
come at most every `interval` seconds per step and only for a step still under way: a
log file or a CI job sees a long step advance, not a line per fast step.

`ERPSYNC_PROGRESS` chooses: `auto` (default: a bar on a terminal, else lines), `bar`,
`lines`, `off`; `ERPSYNC_PROGRESS_INTERVAL` sets the seconds between plain lines (10).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from erpsync.progress import ProgressSink, StepProgress, describe, watching

__all__ = ["PlainLines", "RichBar", "showing_progress"]

_STATES = {"COMPLETED": "done", "FAILED": "failed", "SKIPPED": "skipped", "HELD": "held back"}


class PlainLines:
    """A line per `interval` seconds while a step runs, and one when a step that printed
    progress ends (so the last line of a step says how it ended)."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 10.0) -> None:
        self.stream = stream
        self.interval = interval
        self._last = 0.0
        self._spoke = False

    def _write(self, line: str) -> None:
        out = self.stream if self.stream is not None else sys.stderr
        print(line, file=out, flush=True)

    def started(self, p: StepProgress) -> None:
        self._last = time.monotonic()
        self._spoke = False

    def advanced(self, p: StepProgress) -> None:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._spoke = True
            self._write(describe(p))

    def ended(self, p: StepProgress, state: str) -> None:
        if self._spoke:
            self._write(f"{describe(p)}: {_STATES.get(state, state.lower())}")


class RichBar:
    """One bar per step: records done (of the total when known), rate, ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        # Fits 80 columns: step, bar, done/total, rate, elapsed, ETA. No markup in
        # descriptions: step names are text, not rich styles.
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}", markup=False),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(compact=True),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> RichBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def started(self, p: StepProgress) -> None:
        with self._lock:
            self._task = self._progress.add_task(_label(p), total=None, rate="")

    def advanced(self, p: StepProgress) -> None:
        with self._lock:
            if self._task is not None:
                self._progress.update(
                    self._task, completed=p.done, total=p.total, rate=f"{p.rate:,.0f}/s"
                )

    def ended(self, p: StepProgress, state: str) -> None:
        with self._lock:
            if self._task is not None:
                total = p.total if p.total is not None else p.done
                self._progress.update(
                    self._task,
                    completed=total,
                    total=total,
                    description=f"{_label(p)}: {_STATES.get(state, state.lower())}",
                )
                self._task = None


def _label(p: StepProgress) -> str:
    return f"{p.step:>2} {p.name}"[:26]


def _choice() -> str:
    wanted = os.environ.get("ERPSYNC_PROGRESS", "auto").strip().lower() or "auto"
    if wanted not in ("bar", "lines", "off"):
        return "bar" if sys.stderr.isatty() else "lines"
    return wanted


@contextmanager
def showing_progress() -> Iterator[ProgressSink | None]:
    """Show the runs this command starts, as `ERPSYNC_PROGRESS` says."""
    choice = _choice()
    if choice == "off":
        yield None
    elif choice == "bar":
        with RichBar() as bar, watching(bar):
            yield bar
    else:
        with watching(PlainLines(interval=_interval())) as lines:
            yield lines


def _interval() -> float:
    try:
        return max(float(os.environ.get("ERPSYNC_PROGRESS_INTERVAL", "10")), 0.0)
    except ValueError:
        return 10.0
