"""Run figures as text: the markdown artifact, the CLI tables."""

from __future__ import annotations

from collections.abc import Sequence

from erpsync.state.models import RecordError, RunSummary

__all__ = ["history_table", "markdown_summary", "steps_table"]

_HEAD = (
    "#",
    "step",
    "direction",
    "state",
    "read",
    "changed",
    "written",
    "unchanged",
    "quarantined",
    "failed",
    "seconds",
)


def _rows(summary: RunSummary) -> list[tuple[str, ...]]:
    return [
        (
            str(s.step),
            s.name,
            s.direction,
            s.state + (f" ({s.message})" if s.message and s.state != "COMPLETED" else ""),
            str(s.read),
            str(s.changed),
            str(s.written),
            str(s.unchanged),
            str(s.quarantined),
            str(s.failed),
            f"{s.seconds:.2f}",
        )
        for s in sorted(summary.steps, key=lambda s: s.step)
    ]


def markdown_summary(summary: RunSummary, errors: Sequence[RecordError] = ()) -> str:
    lines = [
        f"# {summary.flow} — {summary.state}",
        "",
        f"Run `{summary.run_id}`, started {summary.started_at:%Y-%m-%d %H:%M:%S}.",
    ]
    if summary.message:
        lines += ["", f"**{summary.message}**"]
    lines += ["", "| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    lines += ["| " + " | ".join(r) + " |" for r in _rows(summary)]
    if errors:
        lines += [
            "",
            "## Records not synced",
            "",
            "| step | entity | record | field | reason |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {e.step} | {e.entity} | {e.record_key} | {e.field or ''} | {e.reason} |"
            for e in errors
        ]
    return "\n".join(lines) + "\n"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(out)


def steps_table(summary: RunSummary) -> str:
    title = f"{summary.flow} {summary.run_id}: {summary.state}"
    if summary.message:
        title += f" — {summary.message}"
    return title + "\n" + _table(_HEAD, _rows(summary))


def history_table(runs: Sequence[RunSummary]) -> str:
    head = ("started", "flow", "state", "steps", "read", "written", "failed", "seconds", "run")
    rows = []
    for r in runs:
        seconds = (r.finished_at - r.started_at).total_seconds() if r.finished_at else 0.0
        rows.append(
            (
                f"{r.started_at:%Y-%m-%d %H:%M:%S}",
                r.flow,
                r.state,
                str(len(r.steps)),
                str(sum(s.read for s in r.steps)),
                str(r.written),
                str(sum(s.failed for s in r.steps)),
                f"{seconds:.1f}",
                r.run_id,
            )
        )
    return _table(head, rows)
