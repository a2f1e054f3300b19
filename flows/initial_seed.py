"""The initial seed: all master data, and the last N years of transactions.

Separate from the incremental flow: it reads whole tables instead of changes, and at its
end every watermark stands at the newest stamp it read, so the first incremental run
continues exactly there.
"""

from __future__ import annotations

from typing import Any

from prefect import flow

from erpsync.config import load_settings
from flows.parameters import SeedParameters
from flows.runner import open_context, run_plan

__all__ = ["initial_seed"]


@flow(name="initial-seed", log_prints=False, validate_parameters=True)
def initial_seed(params: SeedParameters | None = None) -> dict[str, Any]:
    params = params or SeedParameters()
    settings = load_settings()
    with open_context(settings, "seed", seed_years=params.years) as ctx:
        return run_plan(ctx, "initial-seed", params.model_dump(mode="json"))
