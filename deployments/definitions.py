"""The three deployments of one company: the incremental sync on an interval, the seed and
the backfill on demand. Each is named after the company (`incremental-sync/abc`), so
several companies can be served by one Prefect server, and passes the company's
configuration file to its runs. Parameters are the flows' own, typed: the Prefect UI shows
a plain form.

No deployment concurrency limit: one run per company at a time is the state database's
lease, shared by all three flows (a tick that finds the company busy is recorded as
SKIPPED and ends Cancelled, never queued).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from erpsync.config import Settings

__all__ = ["build_deployments", "deployment_name", "incremental_interval"]


def deployment_name(settings: Settings) -> str:
    return settings.company.lower()


def incremental_interval(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.prefect.incremental_interval_seconds)


def build_deployments(
    settings: Settings, config: Path | None = None, *, paused: bool = False
) -> list[Any]:
    from flows import backfill, erp_writes, incremental_sync, initial_seed

    name = deployment_name(settings)
    company = settings.company
    common: dict[str, Any] = {
        "name": name,
        "tags": ["erpsync", f"company:{company}"],
        "enforce_parameter_schema": True,
        "parameters": {"config": str(config.resolve())} if config else {},
    }
    interval = incremental_interval(settings)
    deployments = [
        incremental_sync.to_deployment(
            interval=interval,
            paused=paused,
            description=(
                f"{company}: ERP <-> platform incremental sync every "
                f"{_human(interval)}, order of operations steps 1-23."
            ),
            **common,
        ),
        initial_seed.to_deployment(
            description=f"{company}: initial seed, all master data plus N years of history.",
            **common,
        ),
        backfill.to_deployment(
            description=f"{company}: re-pull a window of days for chosen entities.",
            **common,
        ),
    ]
    if settings.prefect.erp_write_deployment == f"erp-writes/{name}":
        # Served from here too (a single-machine set-up that still routes its uploads
        # through the ERP-write deployment); in production it lives on the ERP's pool.
        deployments.append(
            erp_writes.to_deployment(
                description=f"{company}: upload steps for the run holding the lease.",
                **common,
            )
        )
    return deployments


def _human(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "minute" if minutes == 1 else f"{minutes} minutes"
