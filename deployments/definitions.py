"""The three deployments: incremental every ten minutes (one run at a time), seed and
backfill on demand. Parameters are pydantic models, so the Prefect UI shows a typed form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

__all__ = ["INCREMENTAL_INTERVAL", "build_deployments"]

INCREMENTAL_INTERVAL = timedelta(minutes=10)


def build_deployments(*, paused: bool = False) -> list[Any]:
    from flows import backfill, incremental_sync, initial_seed

    return [
        incremental_sync.to_deployment(
            name="every-10-minutes",
            interval=INCREMENTAL_INTERVAL,
            paused=paused,
            # A tick that finds the previous run still going is dropped, not queued:
            # overlapping syncs of the same streams are worse than a skipped tick.
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            description="ERP <-> platform incremental sync, order of operations steps 1-23.",
            tags=["erpsync", "incremental"],
            enforce_parameter_schema=True,
        ),
        initial_seed.to_deployment(
            name="on-demand",
            description="Initial seed: all master data plus N years of transactions.",
            tags=["erpsync", "seed"],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        backfill.to_deployment(
            name="on-demand",
            description="Re-pull a window of days for chosen entities; dry run available.",
            tags=["erpsync", "backfill"],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
    ]
