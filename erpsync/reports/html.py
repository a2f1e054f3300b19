"""`erpsync report`: one self-contained HTML page of the run history.

Inline CSS and inline SVG drawn in Python (erpsync.reports.svg): no script, no font or
stylesheet fetched, so the file opens the same from a mail attachment, a share or a
machine without network. Built from the ledger's aggregates (erpsync.state.history): the
latest `limit` runs matching, read page by page and summed in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from erpsync.reports import charts
from erpsync.reports.facts import fmt_count, fmt_duration, fmt_time, run_facts
from erpsync.state.history import RunFilter, RunTotals, bucket_days

if TYPE_CHECKING:
    from erpsync.state.store import StateStore

__all__ = ["ReportOptions", "build_report"]


@dataclass(frozen=True)
class ReportOptions:
    limit: int = 500  # runs the charts cover (the latest matching)
    table_rows: int = 50  # runs in the table
    heatmap_runs: int = 30  # runs in the per-entity chart


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#111827;background:#f9fafb}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:0 0 6px}
.sub{color:#6b7280;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;
margin-bottom:18px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px}
.card span{color:#6b7280;font-size:12px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:14px 16px;
margin-bottom:16px}
.note{color:#6b7280;font-size:12px;margin:0 0 8px}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;margin:0 0 6px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
svg.chart{width:100%;height:auto;display:block;font-size:11px}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{padding:4px 6px;border-bottom:1px solid #f0f0f0;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600;position:sticky;top:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.k{white-space:nowrap}
tr.why td{color:#6b7280;border-bottom:1px solid #e5e7eb;padding-top:0}
code{font-size:11.5px;color:#4b5563}
.badge{display:inline-block;padding:0 6px;border-radius:9px;color:#fff;font-size:11px;
font-weight:600}
footer{color:#9ca3af;font-size:12px;text-align:center;margin:8px 0 24px}
"""


def _legend(items: Sequence[tuple[str, str]]) -> str:
    inner = "".join(f'<span><i style="background:{c}"></i>{escape(n)}</span>' for n, c in items)
    return f'<div class="legend">{inner}</div>'


def _section(title: str, chart: str, note: str = "", legend: str = "") -> str:
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    return f"<section><h2>{escape(title)}</h2>{note_html}{legend}{chart}</section>"


def _badge(state: str) -> str:
    color = charts.STATE_COLORS.get(state, "#6b7280")
    return f'<span class="badge" style="background:{color}">{escape(state)}</span>'


def _cards(runs: Sequence[RunTotals]) -> str:
    def count(*states: str) -> int:
        return sum(r.state in states for r in runs)

    items = [
        (str(len(runs)), "runs"),
        (str(count("COMPLETED")), "completed"),
        (str(count("FAILED", "CRASHED")), "failed or crashed"),
        (str(count("SKIPPED")), "skipped (company busy)"),
        (str(sum(run_facts(r.parameters).dry_run for r in runs)), "dry runs"),
        (fmt_count(sum(r.written for r in runs)), "records written"),
        (fmt_count(sum(r.failed for r in runs)), "records failed"),
        (fmt_count(sum(r.quarantined for r in runs)), "records quarantined"),
    ]
    inner = "".join(
        f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in items
    )
    return f'<div class="cards">{inner}</div>'


def _table(runs: Sequence[RunTotals]) -> str:
    head = (
        "started (UTC)",
        "flow",
        "state",
        "dry",
        "window / entities",
        "read",
        "written",
        "failed",
        "quar.",
        "time",
        "run",
    )
    numeric = {"read", "written", "failed", "quar.", "time"}
    out = ["<table><thead><tr>"]
    out += [f'<th class="{"n" if h in numeric else ""}">{escape(h)}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for r in runs:
        facts = run_facts(r.parameters)
        # A skipped run did nothing: blank, not zeros, like the CLI.
        ran = r.state != "SKIPPED"
        figures = [str(v) for v in (r.read, r.written, r.failed, r.quarantined)] if ran else []
        cells = [
            f'<td class="k">{escape(fmt_time(r.started_at))}</td>',
            f'<td class="k">{escape(r.flow)}</td>',
            _badge(r.state),
            "yes" if facts.dry_run else "",
            escape(facts.describe()),
            *(f'<td class="n">{v}</td>' for v in figures or [""] * 4),
            f'<td class="n">{escape(fmt_duration(r.seconds) if ran else "")}</td>',
            f'<td class="k"><code>{escape(r.run_id)}</code></td>',
        ]
        out.append(
            "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"
        )
        if r.message:
            out.append(f'<tr class="why"><td></td><td colspan="10">{escape(r.message)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def build_report(
    store: StateStore,
    where: RunFilter | None = None,
    options: ReportOptions | None = None,
    generated: datetime | None = None,
) -> str:
    """The page for the latest `options.limit` runs matching `where`."""
    where = where or RunFilter()
    options = options or ReportOptions()
    runs = list(store.run_totals(where, limit=options.limit))[::-1]  # oldest first
    days = bucket_days(runs)
    ran = RunFilter(where.since, where.before, where.flows, where.states, ("SKIPPED",))
    entities = list(store.entity_totals(ran, limit=options.heatmap_runs))
    seed = store.last_run("initial-seed", states=("COMPLETED", "FAILED", "CRASHED"))
    generated = generated or datetime.now(UTC)
    flows = sorted({r.flow for r in runs})
    span = (
        f"{len(runs)} runs from {fmt_time(runs[0].started_at)} to "
        f"{fmt_time(runs[-1].started_at)} UTC"
        if runs
        else "no runs match"
    )
    filters = []
    if where.since:
        filters.append(f"since {fmt_time(where.since)}")
    if where.before:
        filters.append(f"before {fmt_time(where.before)}")
    if where.flows:
        filters.append("flow " + ", ".join(where.flows))
    if where.states:
        filters.append("state " + ", ".join(where.states))
    if len(runs) >= options.limit:
        filters.append(f"latest {options.limit} runs")
    sub = " · ".join([span, *filters, f"generated {fmt_time(generated)} UTC"])
    state_legend = _legend([(s.lower(), c) for s, c in charts.STATE_COLORS.items()])
    parts = [
        f"<h1>erpsync runs: {escape(store.company)}</h1>",
        f'<p class="sub">{escape(sub)}</p>',
        _cards(runs),
        _section(
            "Run duration over time",
            charts.duration_chart(runs),
            "Wall time of each run; failed and crashed runs are ringed in red. Hover a "
            "point for the run.",
            _legend([(f, charts.flow_color(f, flows)) for f in flows]),
        ),
        _section("Runs per day by outcome", charts.outcomes_chart(days), "", state_legend),
        _section(
            "Failed and quarantined records per day",
            charts.issues_chart(days),
            "Records a step could not map or write, and records a data-quality gate kept "
            "from the ERP.",
            _legend(
                [
                    ("records failed", charts.FAILED_COLOR),
                    ("records quarantined", charts.QUARANTINED_COLOR),
                ]
            ),
        ),
        _section(
            f"Records per entity per run (latest {options.heatmap_runs} runs that ran)",
            charts.entity_heatmap(runs, entities),
            "Records written per entity; for a dry run, the records it would have written. "
            "Darker is more (log scale); hover a cell for every figure.",
        ),
    ]
    if seed is not None and seed.steps:
        parts.append(
            _section(
                f"Per-step time of the last seed ({fmt_time(seed.started_at)} UTC, "
                f"{seed.state.lower()}, "
                f"{fmt_duration(sum(s.seconds for s in seed.steps))} in steps)",
                charts.seed_steps_chart(seed),
                f"Run {seed.run_id}.",
                _legend(
                    [
                        ("download", "#2563eb"),
                        ("upload", "#f97316"),
                        ("failed / held", charts.STATE_COLORS["FAILED"]),
                    ]
                ),
            )
        )
    recent = runs[::-1][: options.table_rows]
    parts.append(_section(f"Latest {len(recent)} runs", _table(recent)))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>erpsync runs: {escape(store.company)}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main><footer>erpsync report · times in UTC · "
        "self-contained: no scripts, nothing fetched</footer></body></html>\n"
    )
