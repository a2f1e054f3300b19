"""The Prefect artifacts of one run: a table artifact of the per-step figures (the UI
sorts and scrolls it, where a wide markdown table was cut off) and a short markdown
artifact saying what the run was: flow, state, dry run, backfill window and entities, the
reason it failed, and the first records it did not sync or that a gate quarantined.

Call `publish_run_artifacts` at the end of a run, after finish_run, inside the flow run
(Prefect attaches artifacts to the current run). Prefect is imported in that function
only, so this module is cheap to import for the pure builders the tests use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from erpsync.report import markdown_header, md_escape
from erpsync.reports.facts import failed_steps, step_count
from erpsync.state.history import QuarantinedRecord
from erpsync.state.models import RecordError, RunSummary

if TYPE_CHECKING:
    from erpsync.state.store import StateStore

__all__ = ["artifact_key", "publish_run_artifacts", "run_markdown", "step_table"]

_COUNTS = ("read", "changed", "written", "unchanged", "quarantined", "failed")
_REASON = 160  # characters of one reason shown; the rest is in `erpsync errors`


def artifact_key(name: str) -> str:
    """Prefect keys take lowercase letters, digits and dashes only."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", name.lower())).strip("-") or "run"


def step_table(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per step, in step order, for create_table_artifact."""
    steps = sorted(summary.steps, key=lambda s: s.step)
    waiting = any(step_count(s, "waiting") for s in steps)
    rows = []
    for s in steps:
        row: dict[str, Any] = {
            "#": s.step,
            "step": s.name,
            "entity": s.entity,
            "direction": s.direction,
            "state": s.state,
            **{k: step_count(s, k) for k in _COUNTS},
        }
        if waiting:  # a column only when some step has waiting records
            row["waiting"] = step_count(s, "waiting")
        row["seconds"] = round(s.seconds, 2)
        row["message"] = s.message or ""
        rows.append(row)
    return rows


def _cut(text: str, size: int = _REASON) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= size else flat[: size - 3] + "..."


def _failures(record: QuarantinedRecord) -> str:
    parts = []
    for f in record.failures:
        where = str(f.get("column") or "")
        what = str(f.get("message") or f.get("expectation") or "")
        parts.append(f"{where}: {what}" if where and what else where or what)
    return _cut("; ".join(p for p in parts if p) or "failed the gate")


def run_markdown(
    summary: RunSummary,
    errors: Sequence[RecordError] = (),
    quarantined: Sequence[QuarantinedRecord] = (),
    *,
    error_count: int | None = None,
    quarantine_count: int | None = None,
    steps_key: str | None = None,
) -> str:
    """The short markdown artifact; lists cut to what is given, with the totals named."""
    lines = markdown_header(summary)
    bad = failed_steps(summary)
    figures = {k: sum(step_count(s, k) for s in summary.steps) for k in _COUNTS}
    lines += [
        "",
        f"{len(summary.steps)} steps ({len(bad)} failed or held): read {figures['read']}, "
        f"written {figures['written']}, unchanged {figures['unchanged']}, "
        f"failed {figures['failed']}, quarantined {figures['quarantined']}."
        + (f" Per-step figures: table artifact `{steps_key}`." if steps_key else ""),
    ]
    if bad:
        lines += ["", "## Steps that failed", ""]
        lines += [
            f"- step {s.step} {md_escape(s.name)}: {md_escape(_cut(s.message or s.state))}"
            for s in bad
        ]
    total = len(errors) if error_count is None else error_count
    if total:
        lines += ["", f"## Records not synced ({total})", ""]
        lines += [
            f"- step {e.step} {md_escape(e.entity)} {md_escape(e.record_key)}"
            + (f" ({md_escape(e.field)})" if e.field else "")
            + f": {md_escape(_cut(e.reason))}"
            for e in errors
        ]
        if total > len(errors):
            lines.append(
                f"- ... and {total - len(errors)} more: `erpsync errors --run {summary.run_id}`"
            )
    total = len(quarantined) if quarantine_count is None else quarantine_count
    if total:
        lines += ["", f"## Quarantined by the gate ({total})", ""]
        lines += [
            f"- step {q.step} {md_escape(q.entity)} {md_escape(q.record_key)}: "
            f"{md_escape(_failures(q))}" + (" (since resolved)" if q.resolved else "")
            for q in quarantined
        ]
        if total > len(quarantined):
            lines.append(f"- ... and {total - len(quarantined)} more: `erpsync errors`")
    return "\n".join(lines) + "\n"


def publish_run_artifacts(store: StateStore, summary: RunSummary, *, limit: int = 10) -> None:
    """Create the run's table artifact `<flow>-steps` and markdown artifact
    `<flow>-summary` (the key the markdown summary always had, so the UI's history of it
    goes on). Lists the first `limit` records not synced and quarantined."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    base = artifact_key(summary.flow)
    errors = store.run_errors(summary.run_id, limit=limit)
    quarantined = store.run_quarantine(summary.run_id, limit=limit)
    error_count, quarantine_count = store.run_issue_counts(summary.run_id)
    steps_key = None
    if summary.steps:
        steps_key = f"{base}-steps"
        create_table_artifact(
            table=step_table(summary),
            key=steps_key,
            description=f"{summary.flow} {summary.state}: per-step figures",
        )
    # Created last: the newest artifact of the run, first where the UI sorts by creation.
    create_markdown_artifact(
        markdown=run_markdown(
            summary,
            errors,
            quarantined,
            error_count=error_count,
            quarantine_count=quarantine_count,
            steps_key=steps_key,
        ),
        key=f"{base}-summary",
        description=f"{summary.flow} {summary.state}",
    )
