"""The ten-minute incremental sync: every step of the order of operations, changes only."""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.states import State

from flows.parameters import ConfigPath
from flows.runner import run_sync

__all__ = ["incremental_sync"]


@flow(name="incremental-sync", log_prints=False, validate_parameters=True)
def incremental_sync(dry_run: bool = False, config: ConfigPath = "") -> dict[str, Any] | State:
    """Bring every change since the last run across, in the documented order.

    Args:
        dry_run: Read and compare, write nothing.
        config: The company's erpsync.toml (empty: the serving process's own).
    """
    return run_sync(
        config, "incremental", "incremental-sync", {"dry_run": dry_run}, dry_run=dry_run
    )
