"""Backfill: re-pull a window of days for chosen entities, writing only what differs.

Ops start it from the deployment's run form in the Prefect UI or with `erpsync backfill`.
It reads the ERP rows changed within the window, compares them with what was last written
and sends only the differences; a dry run reports those figures without writing. It never
moves the incremental watermarks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow
from prefect.states import State

from erpsync.engine.steps import ORDER_OF_OPERATIONS
from flows.parameters import ConfigPath, Entities, backfill_window
from flows.runner import run_sync

__all__ = ["backfill"]


@flow(name="backfill", log_prints=False, validate_parameters=True)
def backfill(
    entities: Entities,
    start: date | None = None,
    end: date | None = None,
    dry_run: bool = False,
    config: ConfigPath = "",
) -> dict[str, Any] | State:
    """Re-pull the records changed in a window of days.

    Args:
        entities: What to re-pull from the ERP.
        start: First day of the window (default: six days before the end).
        end: Last day of the window, inclusive (default: today).
        dry_run: Report what would change, write nothing.
        config: The company's erpsync.toml (empty: the serving process's own).
    """
    start, end = backfill_window(start, end)
    wanted = {e.value for e in entities}
    steps = [
        s.number for s in ORDER_OF_OPERATIONS if s.entity in wanted and s.direction == "download"
    ]
    parameters = {
        "entities": sorted(wanted),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "dry_run": dry_run,
    }
    return run_sync(
        config, "backfill", "backfill", parameters,
        steps=steps, dry_run=dry_run, window_start=start, window_end=end,
    )  # fmt: skip
