"""Prefect flows: the incremental sync, the initial seed, the backfill."""

from flows.backfill import backfill
from flows.incremental_sync import incremental_sync
from flows.initial_seed import initial_seed

__all__ = ["backfill", "incremental_sync", "initial_seed"]
