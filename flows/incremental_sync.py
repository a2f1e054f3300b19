"""The ten-minute incremental sync: every step of the order of operations, changes only."""

from __future__ import annotations

from typing import Any

from prefect import flow

from erpsync.config import load_settings
from flows.parameters import SyncParameters
from flows.runner import open_context, run_plan

__all__ = ["incremental_sync"]


@flow(name="incremental-sync", log_prints=False, validate_parameters=True)
def incremental_sync(params: SyncParameters | None = None) -> dict[str, Any]:
    params = params or SyncParameters()
    settings = load_settings()
    with open_context(settings, "incremental", dry_run=params.dry_run) as ctx:
        return run_plan(ctx, "incremental-sync", params.model_dump(mode="json"))
