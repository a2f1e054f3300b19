"""The report's charts, from the ledger's aggregates to SVG: run duration over time, runs
per day by outcome, failed and quarantined records per day, records per entity per run,
and the per-step time of the last seed."""

from __future__ import annotations

from collections.abc import Sequence

from erpsync.reports import svg
from erpsync.reports.facts import fmt_count, fmt_duration, fmt_time, run_facts
from erpsync.state.history import DayTotals, EntityTotals, RunTotals
from erpsync.state.models import RunSummary

__all__ = [
    "FLOW_COLORS",
    "STATE_COLORS",
    "duration_chart",
    "entity_heatmap",
    "flow_color",
    "issues_chart",
    "outcomes_chart",
    "seed_steps_chart",
]

FLOW_COLORS = {"incremental-sync": "#2563eb", "initial-seed": "#7c3aed", "backfill": "#0d9488"}
_MORE_FLOWS = ("#db2777", "#ca8a04", "#4b5563", "#0891b2")
STATE_COLORS = {
    "COMPLETED": "#16a34a",
    "FAILED": "#dc2626",
    "CRASHED": "#9a3412",
    "SKIPPED": "#9ca3af",
    "RUNNING": "#2563eb",
}
FAILED_COLOR, QUARANTINED_COLOR = "#dc2626", "#f59e0b"
_BAD = ("FAILED", "CRASHED")
# Round durations for a log axis (1s, 10s, 1m, 10m, 1h, 10h, 1d, 1 week).
_DURATION_TICKS = (0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 36000.0, 86400.0, 604800.0)


def flow_color(flow: str, seen: Sequence[str] = ()) -> str:
    if flow in FLOW_COLORS:
        return FLOW_COLORS[flow]
    others = sorted(f for f in seen if f not in FLOW_COLORS)
    index = others.index(flow) if flow in others else 0
    return _MORE_FLOWS[index % len(_MORE_FLOWS)]


def _seconds_label(value: float) -> str:
    return fmt_duration(value) if value >= 1 else f"{value:.2g}s"


def _duration_tick(value: float) -> str:
    """Axis labels: 10s, 1m, 10m, 1h, 1d rather than 1m00s."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if value >= size:
            whole = value / size
            return f"{whole:g}{unit}" if whole.is_integer() else fmt_duration(value)
    return f"{value:g}s"


def duration_chart(runs: Sequence[RunTotals]) -> str:
    """Wall time of each run that ran (skipped runs did nothing), coloured by flow; failed
    and crashed runs ringed in red."""
    flows = sorted({r.flow for r in runs})
    series = []
    for flow in flows:
        points = [
            svg.Point(
                r.started_at,
                r.seconds or 0.0,
                f"{flow} {r.state}{' (dry run)' if run_facts(r.parameters).dry_run else ''}: "
                f"{fmt_duration(r.seconds)}, started {fmt_time(r.started_at)} UTC, "
                f"written {r.written}",
                ring=STATE_COLORS[r.state] if r.state in _BAD else None,
            )
            for r in runs
            if r.flow == flow and r.state != "SKIPPED" and r.seconds is not None
        ]
        series.append(svg.Series(flow, flow_color(flow, flows), points))
    return svg.points_over_time(
        series, label="run duration over time", fmt=_duration_tick, log_ticks=_DURATION_TICKS
    )


def _day(d: DayTotals) -> str:
    return f"{d.day:%m-%d}"


def outcomes_chart(days: Sequence[DayTotals]) -> str:
    states = [s for s in STATE_COLORS if any(d.states.get(s) for d in days)]
    stacks = [
        (s.lower(), STATE_COLORS[s], [float(d.states.get(s, 0)) for d in days]) for s in states
    ]
    return svg.bars([_day(d) for d in days], stacks, label="runs per day by outcome")


def issues_chart(days: Sequence[DayTotals]) -> str:
    stacks = [
        ("records failed", FAILED_COLOR, [float(d.failed) for d in days]),
        ("records quarantined", QUARANTINED_COLOR, [float(d.quarantined) for d in days]),
    ]
    return svg.bars(
        [_day(d) for d in days],
        stacks,
        stacked=False,
        fmt=fmt_count,
        label="failed and quarantined records per day",
    )


def entity_heatmap(runs: Sequence[RunTotals], entities: Sequence[EntityTotals]) -> str:
    """Records written per entity (rows, in step order) and run (columns, oldest left);
    for a dry run the records it would have written (changed)."""
    by_run = {r.run_id: r for r in runs}
    shown = {e.run_id for e in entities if e.run_id in by_run}
    order = sorted((by_run[i] for i in shown), key=lambda r: (r.started_at, r.run_id))
    rows: dict[str, None] = {}
    cells: dict[tuple[str, str], tuple[float, str]] = {}
    for e in entities:
        run = by_run.get(e.run_id)
        if run is None:
            continue
        name = f"{e.entity} ({'up' if e.direction == 'upload' else 'down'})"
        rows.setdefault(name, None)
        dry = run_facts(run.parameters).dry_run
        value = float(e.changed if dry else e.written)
        tip = (
            f"{name}, {run.flow} {fmt_time(run.started_at)}{' (dry run)' if dry else ''}: "
            f"read {e.read}, changed {e.changed}, written {e.written}, failed {e.failed}, "
            f"quarantined {e.quarantined}, {fmt_duration(e.seconds)}"
        )
        cells[(name, e.run_id)] = (value, tip)
    columns = [
        f"{r.started_at:%m-%d %H:%M}" + (" dry" if run_facts(r.parameters).dry_run else "")
        for r in order
    ]
    grid = [[cells.get((name, r.run_id)) for r in order] for name in rows]
    return svg.heatmap(list(rows), columns, grid, label="records per entity per run", fmt=fmt_count)


def seed_steps_chart(seed: RunSummary) -> str:
    steps = sorted(seed.steps, key=lambda s: s.step)
    colors = [
        STATE_COLORS["FAILED"]
        if s.state in ("FAILED", "HELD")
        else "#f97316"
        if s.direction == "upload"
        else "#2563eb"
        for s in steps
    ]
    return svg.hbars(
        [f"{s.step} {s.name}" for s in steps],
        [s.seconds for s in steps],
        [
            f"{_seconds_label(s.seconds)}  ({s.state.lower()}, {fmt_count(s.read)} read)"
            for s in steps
        ],
        label="per-step time of the last seed",
        colors=colors,
    )
