"""The progress the engine reports and the plain lines the CLI prints from it."""

from __future__ import annotations

import io
import time

import pytest

from erpsync.progress import RunProgress, StepProgress, describe, watching
from erpsync.progress_display import PlainLines


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int, int | None]] = []

    def started(self, p: StepProgress) -> None:
        self.events.append(("started", p.step, p.done, p.total))

    def advanced(self, p: StepProgress) -> None:
        self.events.append(("advanced", p.step, p.done, p.total))

    def ended(self, p: StepProgress, state: str) -> None:
        self.events.append((state, p.step, p.done, p.total))


class Broken:
    def started(self, p: StepProgress) -> None:
        raise RuntimeError("display gone")

    advanced = ended = started  # type: ignore[assignment]


def test_rate_eta_and_the_runs_fraction() -> None:
    p = StepProgress(20, "Download Invoices", index=3, steps=4, total=1000)
    p.started = time.monotonic() - 10
    p.done = 250
    assert p.rate == pytest.approx(25, rel=0.01)
    assert p.eta == pytest.approx(30, rel=0.01)  # 750 left at 25/s
    assert p.run_fraction == pytest.approx((3 + 0.25) / 4)
    assert StepProgress(1, "x", 0, 1, total=None, done=5).eta is None
    assert StepProgress(1, "x", 0, 1, total=10, done=0).eta is None


def test_the_line_says_step_records_rate_and_eta() -> None:
    p = StepProgress(20, "Download Invoices", index=19, steps=23, total=40_000, done=12_000)
    p.started = time.monotonic() - 6
    line = describe(p)
    assert line.startswith("step 20 Download Invoices (20/23): 12,000 of 40,000 records (30%), ")
    assert "2,000/s" in line and line.endswith("ETA 14s")
    unknown = StepProgress(22, "Download Sales Orders", 0, 1, total=None, done=7)
    assert "7 records, " in describe(unknown) and "ETA" not in describe(unknown)


def test_watchers_and_own_sinks_hear_the_run_and_a_broken_one_costs_nothing() -> None:
    seen, own = Recorder(), Recorder()
    run = RunProgress(own, Broken())
    with watching(seen):
        run.begin(10, "Download Items", 0, 2)
        run.expect(300)
        run.advance(200)
        run.advance(0)  # nothing done: nothing told
        run.advance(100)
        run.end("COMPLETED")
    run.begin(11, "Download ItemLocations", 1, 2)  # after the block: only the run's own
    run.end("FAILED")
    expected = [("started", 10, 0, None), ("advanced", 10, 0, 300),
                ("advanced", 10, 200, 300), ("advanced", 10, 300, 300),
                ("COMPLETED", 10, 300, 300)]  # fmt: skip
    assert seen.events == expected
    assert own.events == [*expected, ("started", 11, 0, None), ("FAILED", 11, 0, None)]


def test_plain_lines_come_at_most_every_interval_and_end_with_the_outcome() -> None:
    out = io.StringIO()
    lines = PlainLines(out, interval=3600)
    run = RunProgress(lines)
    run.begin(16, "Download Customers", 0, 1)
    run.advance(10)
    run.end("COMPLETED")
    assert out.getvalue() == ""  # a fast step prints nothing

    lines.interval = 0
    run.begin(20, "Download Invoices", 0, 1)
    run.expect(20)
    run.advance(10)
    run.advance(10)
    run.end("HELD")
    printed = out.getvalue().splitlines()
    assert len(printed) == 4  # expect, two advances, the end
    assert printed[2].startswith("step 20 Download Invoices (1/1): 20 of 20 records (100%)")
    assert printed[3].endswith(": held back")
