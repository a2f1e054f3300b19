"""Run figures as text: the CLI tables (`erpsync history`, the figures after a run) and
the markdown of a run for Prefect.

Every text table fits 100 columns: numbers are right-aligned in fixed columns, long text
(a flow name, a step name) is clipped to what is left, and reasons go on their own
wrapped lines under the row they explain, never into a column. The history table has
fixed widths so `--all` streams a ledger of any size row by row. ASCII only: the Sage
server's Windows console may not take anything else.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from erpsync.reports.facts import (
    FAILED_STEP_STATES,
    Totals,
    fmt_duration,
    fmt_time,
    run_facts,
    run_seconds,
    step_count,
)
from erpsync.state.models import RecordError, RunSummary

__all__ = [
    "WIDTH",
    "history_lines",
    "history_table",
    "markdown_header",
    "markdown_summary",
    "md_escape",
    "run_details",
    "steps_table",
    "totals_lines",
]

WIDTH = 100
_MAX_REASON_LINES = 3


@dataclass(frozen=True)
class _Col:
    head: str
    width: int
    right: bool = False
    gap: int = 2  # spaces before the column (1 between right-aligned numbers)


def _cell(col: _Col, value: str) -> str:
    if len(value) > col.width and not col.right:
        value = value[: col.width - 1] + "~"
    return value.rjust(col.width) if col.right else value.ljust(col.width)


def _line(cols: Sequence[_Col], values: Sequence[str]) -> str:
    parts = [
        ("" if i == 0 else " " * col.gap) + _cell(col, v)
        for i, (col, v) in enumerate(zip(cols, values, strict=True))
    ]
    return "".join(parts).rstrip()


def _rule(cols: Sequence[_Col]) -> str:
    return _line(cols, ["-" * c.width for c in cols])


def _wrapped(text: str, indent: int, max_lines: int = _MAX_REASON_LINES) -> list[str]:
    """A reason under its row: wrapped to the table's width, at most a few lines."""
    pad = " " * indent
    flat = " ".join(text.split())
    return textwrap.wrap(
        flat,
        WIDTH,
        initial_indent=pad,
        subsequent_indent=pad + "  ",
        max_lines=max_lines,
        placeholder=" ...",
        break_on_hyphens=False,
    )


# --- history: one line per run ----------------------------------------------------------
_RUN_COLS = (
    _Col("started (UTC)", 16),
    _Col("flow", 16),
    _Col("state", 9),
    _Col("dry", 3),
    _Col("read", 7, right=True),
    _Col("written", 7, right=True, gap=1),
    _Col("failed", 6, right=True, gap=1),
    _Col("quar", 5, right=True, gap=1),
    _Col("time", 6, right=True, gap=1),
    _Col("run", 8),
)
_DETAIL_INDENT = 18  # under the flow column


def run_details(run: RunSummary) -> list[str]:
    """What the row cannot say: the backfill window and entities, the seed's years, and
    why a run failed, crashed or was skipped (the run's message)."""
    out = []
    described = run_facts(run.parameters).describe()
    if described:
        out.append(described)
    if run.message:
        out.append(("note: " if run.state == "COMPLETED" else "reason: ") + run.message)
    return out


def _run_row(run: RunSummary) -> list[str]:
    facts = run_facts(run.parameters)
    if run.steps:
        figures = [
            str(sum(step_count(s, k) for s in run.steps))
            for k in ("read", "written", "failed", "quarantined")
        ]
    else:  # skipped, or died before its first step: nothing to count
        figures = ["", "", "", ""]
    return [
        fmt_time(run.started_at),
        run.flow,
        run.state,
        "yes" if facts.dry_run else "",
        *figures,
        ""
        if run.state == "SKIPPED"
        else fmt_duration(run_seconds(run.started_at, run.finished_at)),
        run.run_id[:8],
    ]


def history_lines(runs: Iterable[RunSummary], totals: Totals | None = None) -> Iterator[str]:
    """The history table, streamed: header, then each run's row and detail lines. Runs
    added to `totals` as they pass."""
    yield _line(_RUN_COLS, [c.head for c in _RUN_COLS])
    yield _rule(_RUN_COLS)
    for run in runs:
        if totals is not None:
            totals.add(run)
        yield _line(_RUN_COLS, _run_row(run))
        for detail in run_details(run):
            yield from _wrapped(detail, _DETAIL_INDENT)


def _n(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def totals_lines(totals: Totals, matching: int | None = None) -> list[str]:
    """The lines under the table: runs by state, dry runs, the figures summed, and how
    many more runs matched than were shown."""
    if not totals.runs:
        return ["no runs match" if matching == 0 else "no runs yet"]
    states = ", ".join(f"{n} {s}" for s, n in sorted(totals.states.items()))
    c = totals.counts
    lines = [
        f"totals: {_n(totals.runs, 'run')} ({states}); {_n(totals.dry_runs, 'dry run')}; "
        f"{_n(totals.failed_steps, 'failed step')}; run time {fmt_duration(totals.seconds)}",
        f"records: read {c['read']}, changed {c['changed']}, written {c['written']}, "
        f"unchanged {c['unchanged']}, failed {c['failed']}, quarantined {c['quarantined']}"
        + (f", waiting {c['waiting']}" if c["waiting"] else ""),
    ]
    if matching is not None and matching > totals.runs:
        lines.append(
            f"showing the latest {totals.runs} of {matching} matching runs "
            "(--limit N or --all for more)"
        )
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    return out


def history_table(runs: Sequence[RunSummary]) -> str:
    if not runs:
        return "no runs yet"
    totals = Totals()
    lines = list(history_lines(runs, totals))
    return "\n".join([*lines, "", *totals_lines(totals)])


# --- one run, step by step ---------------------------------------------------------------
_STEP_HEAD = (
    "#",
    "step",
    "state",
    "read",
    "changed",
    "written",
    "unchanged",
    "quar",
    "failed",
    "secs",
)
_STEP_COUNTS = ("read", "changed", "written", "unchanged", "quarantined", "failed")


def _run_title(run: RunSummary) -> list[str]:
    facts = run_facts(run.parameters)
    took = fmt_duration(run_seconds(run.started_at, run.finished_at))
    head = f"{run.flow} {run.state}" + (" (dry run)" if facts.dry_run else "")
    lines = [f"{head}: run {run.run_id}"]
    second = f"started {fmt_time(run.started_at, seconds=True)} UTC, took {took}"
    described = facts.describe()
    lines += textwrap.wrap(second + (f"; {described}" if described else ""), WIDTH)
    if run.message:
        lines += _wrapped(("reason: " if run.state != "COMPLETED" else "note: ") + run.message, 0)
    return lines


def steps_table(summary: RunSummary) -> str:
    """A run's title lines and its steps' figures; a step's reason (why it failed, was
    skipped or held back) and its waiting records on their own line under it."""
    steps = sorted(summary.steps, key=lambda s: s.step)
    rows = [
        [
            str(s.step),
            s.name,
            s.state,
            *(str(step_count(s, k)) for k in _STEP_COUNTS),
            f"{s.seconds:.2f}",
        ]
        for s in steps
    ]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(_STEP_HEAD)]
    cols = [
        _Col(h, w, right=i == 0 or i >= 3, gap=1 if i >= 4 else 2)
        for i, (h, w) in enumerate(zip(_STEP_HEAD, widths, strict=True))
    ]
    cols[0] = _Col("#", widths[0], right=True)
    # The step name takes what the numbers leave: clipped only for extreme figures.
    others = sum(c.width + c.gap for i, c in enumerate(cols) if i != 1)
    cols[1] = _Col("step", max(min(widths[1], WIDTH - others - 2), 8))
    out = [*_run_title(summary)]
    if not steps:
        return "\n".join([*out, "no steps ran"])
    out += [_line(cols, _STEP_HEAD), _rule(cols)]
    indent = cols[0].width + cols[1].gap
    for s, row in zip(steps, rows, strict=True):
        out.append(_line(cols, row))
        if s.message and s.state != "COMPLETED":
            out += _wrapped(s.message, indent)
        waiting = step_count(s, "waiting")
        if waiting:
            out.append(" " * indent + f"{waiting} waiting for their customer in the ERP")
    return "\n".join(out)


# --- markdown ----------------------------------------------------------------------------
def md_escape(text: str) -> str:
    """Text from records and messages is data, not markup: a `|` or `*` in a customer
    name must not break the artifact's table or start bold text."""
    out = []
    for ch in str(text).replace("\r", " ").replace("\n", " "):
        out.append("\\" + ch if ch in "\\`*_[]<>|~" else ch)
    return "".join(out)


def markdown_header(summary: RunSummary) -> list[str]:
    """The top of a run's artifact: flow, state, dry run, window/entities, timing, reason."""
    facts = run_facts(summary.parameters)
    took = fmt_duration(run_seconds(summary.started_at, summary.finished_at))
    lines = [
        f"# {md_escape(summary.flow)}: {summary.state}" + (" (dry run)" if facts.dry_run else ""),
        "",
        f"- run `{summary.run_id}`, started {fmt_time(summary.started_at, seconds=True)} UTC, "
        f"took {took}",
        f"- dry run: {'yes, nothing was written' if facts.dry_run else 'no'}",
    ]
    if facts.window:
        lines.append(f"- backfill window: {facts.window[0]} to {facts.window[1]} (inclusive)")
    if facts.entities:
        lines.append("- entities: " + ", ".join(md_escape(e) for e in facts.entities))
    if facts.years is not None:
        lines.append(f"- history: {facts.years} years")
    if summary.message:
        lines += ["", f"**{md_escape(summary.message)}**"]
    return lines


def markdown_summary(summary: RunSummary, errors: Sequence[RecordError] = ()) -> str:
    """The run in markdown: header, a per-step table narrow enough for the Prefect UI, and
    the records not synced. (erpsync.reports.artifacts publishes a table artifact and a
    short one of these instead.)"""
    head = ("#", "step", "state", "read", "written", "unchanged", "quar.", "failed", "s")
    lines = [*markdown_header(summary), "", "| " + " | ".join(head) + " |"]
    lines.append("|" + "---:|" + "---|" * 2 + "---:|" * (len(head) - 3))
    for s in sorted(summary.steps, key=lambda s: s.step):
        state = s.state + (
            f": {md_escape(s.message)}"
            if s.message and s.state in (*FAILED_STEP_STATES, "SKIPPED")
            else ""
        )
        figures = [str(step_count(s, k)) for k in ("read", "written", "unchanged")]
        figures += [str(s.quarantined), str(s.failed), f"{s.seconds:.1f}"]
        lines.append(f"| {s.step} | {md_escape(s.name)} | {state} | " + " | ".join(figures) + " |")
    if errors:
        lines += ["", "## Records not synced", ""]
        lines += [
            f"- step {e.step} {md_escape(e.entity)} {md_escape(e.record_key)}"
            + (f" ({md_escape(e.field)})" if e.field else "")
            + f": {md_escape(e.reason)}"
            for e in errors
        ]
    return "\n".join(lines) + "\n"
