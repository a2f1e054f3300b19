"""Backfill: re-pull a window of days for chosen entities, writing only what differs.

Ops start it from the deployment's run form in the Prefect UI or with `erpsync backfill`.
It reads the ERP rows changed within the window, compares them with what was last written
and sends only the differences; a dry run reports those figures without writing. It never
moves the incremental watermarks.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from erpsync.config import load_settings
from erpsync.engine.steps import ORDER_OF_OPERATIONS
from flows.parameters import BackfillParameters
from flows.runner import open_context, run_plan

__all__ = ["backfill"]


@flow(name="backfill", log_prints=False, validate_parameters=True)
def backfill(params: BackfillParameters) -> dict[str, Any]:
    settings = load_settings()
    wanted = {e.value for e in params.entities}
    steps = [
        s.number for s in ORDER_OF_OPERATIONS if s.entity in wanted and s.direction == "download"
    ]
    with open_context(
        settings,
        "backfill",
        dry_run=params.dry_run,
        window_start=params.start,
        window_end=params.end,
    ) as ctx:
        return run_plan(ctx, "backfill", params.model_dump(mode="json"), steps)
