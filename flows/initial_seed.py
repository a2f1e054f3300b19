"""The initial seed: all master data, and the last N years of transactions.

Separate from the incremental flow: it reads whole tables instead of changes, and at its
end every watermark stands at the newest stamp it read, so the first incremental run
continues exactly there.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.states import State

from flows.parameters import ConfigPath, Years
from flows.runner import run_sync

__all__ = ["initial_seed"]


@flow(name="initial-seed", log_prints=False, validate_parameters=True)
def initial_seed(
    years: Years = 3, resume: bool = True, config: ConfigPath = ""
) -> dict[str, Any] | State:
    """All master data plus the last N years of transactions.

    Args:
        years: Years of sales orders, invoices and payments to bring (0-50).
        resume: Continue an interrupted seed: steps it finished are not run again.
        config: The company's erpsync.toml (empty: the serving process's own).
    """
    parameters = {"years": years, "resume": resume}
    return run_sync(config, "seed", "initial-seed", parameters, seed_years=years)
