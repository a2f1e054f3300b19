"""Prefect flows: the incremental sync, the initial seed, the backfill, the ERP writes."""

from flows.backfill import backfill
from flows.erp_writes import erp_writes
from flows.incremental_sync import incremental_sync
from flows.initial_seed import initial_seed

__all__ = ["backfill", "erp_writes", "incremental_sync", "initial_seed"]
