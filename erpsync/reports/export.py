"""Run history as CSV and JSON, streamed: rows are written as the ledger pages come in,
so `erpsync history --all --csv` over years of runs holds one page at a time.

JSON keeps the shape `erpsync history --json` always had (`{"runs": [{"flow", "state",
"steps": [...]}, ...]}`, each run as RunSummary.as_json()) and adds to each run what an
analyst filters on (dry_run, window, entities, years, the figures summed, the wall time,
the parameters as recorded) and a top-level "totals".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from erpsync.reports.facts import Totals, failed_steps, run_facts, run_seconds, step_count, utc
from erpsync.state.models import RunSummary

__all__ = ["RUN_FIELDS", "STEP_FIELDS", "run_json", "write_csv", "write_json"]

_COUNTS = ("read", "changed", "written", "unchanged", "quarantined", "failed", "waiting")

RUN_FIELDS = (
    "run_id",
    "flow",
    "state",
    "started_at",
    "finished_at",
    "seconds",
    "dry_run",
    "window_start",
    "window_end",
    "entities",
    "years",
    "steps",
    "failed_steps",
    *_COUNTS,
    "message",
)
STEP_FIELDS = (
    "run_id",
    "flow",
    "run_state",
    "started_at",
    "dry_run",
    "step",
    "name",
    "entity",
    "direction",
    "state",
    *_COUNTS,
    "seconds",
    "message",
)


def _iso(value: Any) -> str:
    return utc(value).isoformat() if value is not None else ""


def _run_row(run: RunSummary) -> dict[str, Any]:
    facts = run_facts(run.parameters)
    seconds = run_seconds(run.started_at, run.finished_at)
    return {
        "run_id": run.run_id,
        "flow": run.flow,
        "state": run.state,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "seconds": "" if seconds is None else round(seconds, 3),
        "dry_run": "true" if facts.dry_run else "false",
        "window_start": facts.window[0] if facts.window else "",
        "window_end": facts.window[1] if facts.window else "",
        "entities": ",".join(facts.entities),
        "years": "" if facts.years is None else facts.years,
        "steps": len(run.steps),
        "failed_steps": len(failed_steps(run)),
        **{k: sum(step_count(s, k) for s in run.steps) for k in _COUNTS},
        "message": run.message or "",
    }


def write_csv(
    runs: Iterable[RunSummary], out: IO[str], *, steps: bool = False, totals: Totals | None = None
) -> None:
    """One row per run, or with `steps` one row per step of each run (a run without steps,
    a skipped one, still gets one row with the step columns empty)."""
    writer = csv.DictWriter(out, STEP_FIELDS if steps else RUN_FIELDS, lineterminator="\n")
    writer.writeheader()
    for run in runs:
        if totals is not None:
            totals.add(run)
        if not steps:
            writer.writerow(_run_row(run))
            continue
        base = {
            "run_id": run.run_id,
            "flow": run.flow,
            "run_state": run.state,
            "started_at": _iso(run.started_at),
            "dry_run": "true" if run_facts(run.parameters).dry_run else "false",
        }
        if not run.steps:
            writer.writerow({**base, "message": run.message or ""})
        for s in sorted(run.steps, key=lambda s: s.step):
            writer.writerow(
                {
                    **base,
                    "step": s.step,
                    "name": s.name,
                    "entity": s.entity,
                    "direction": s.direction,
                    "state": s.state,
                    **{k: step_count(s, k) for k in _COUNTS},
                    "seconds": round(s.seconds, 3),
                    "message": s.message or "",
                }
            )


def run_json(run: RunSummary) -> dict[str, Any]:
    out = run.as_json()
    out["started_at"] = _iso(run.started_at) or None
    out["finished_at"] = _iso(run.finished_at) or None
    out.update(run_facts(run.parameters).as_json())
    seconds = run_seconds(run.started_at, run.finished_at)
    out["seconds"] = None if seconds is None else round(seconds, 3)
    out["failed_steps"] = len(failed_steps(run))
    out.update({k: sum(step_count(s, k) for s in run.steps) for k in _COUNTS})
    out["parameters"] = run.parameters
    return out


def _indented(value: Any, by: int) -> str:
    text = json.dumps(value, indent=2, default=str)
    return text.replace("\n", "\n" + " " * by)


def write_json(
    runs: Iterable[RunSummary],
    out: IO[str],
    totals: Totals | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """`{"runs": [...], "totals": {...}, **extra}`, pretty-printed, one run at a time."""
    totals = totals if totals is not None else Totals()
    out.write('{\n  "runs": [')
    first = True
    for run in runs:
        totals.add(run)
        out.write(("\n    " if first else ",\n    ") + _indented(run_json(run), 4))
        first = False
    out.write("\n  ]" if not first else "]")
    for key, value in {"totals": totals.as_json(), **(extra or {})}.items():
        out.write(f",\n  {json.dumps(key)}: {_indented(value, 2)}")
    out.write("\n}\n")
