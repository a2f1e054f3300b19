"""ERP writes on the ERP's own server: upload steps a sync, seed or backfill hands over.

Deployed on the work pool whose worker runs on the Sage server (prefect.yaml), started by
the run that holds the company's lease (flows/remote.py), never on a schedule. It works
under that run's lease and records its steps in that run's ledger entry.
"""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow

from erpsync.config import load_settings
from flows.parameters import ConfigPath
from flows.runner import open_context, plan
from flows.walk import Walk

__all__ = ["erp_writes"]


@flow(name="erp-writes", log_prints=False, validate_parameters=True)
def erp_writes(
    steps: list[int],
    parent_run_id: str,
    mode: Literal["seed", "incremental", "backfill"] = "incremental",
    dry_run: bool = False,
    config: ConfigPath = "",
) -> dict[str, Any]:
    """Run upload steps for the run that holds the company's lease.

    Args:
        steps: Upload steps of the order of operations (13, 14, 15, 21, 23).
        parent_run_id: The run these writes belong to; it must hold the lease.
        mode: The parent run's mode.
        dry_run: Compare only, write nothing.
        config: The company's erpsync.toml on this machine.
    """
    settings = load_settings(config or None)
    state = settings.state_store()
    try:
        state.migrate()
        lease = state.attached_lease(parent_run_id)
        uploads = [s for s in plan(steps) if s.direction == "upload"]
        with open_context(settings, state, mode, parent_run_id, lease, dry_run=dry_run) as ctx:
            outcomes = Walk(ctx, uploads, record_as=parent_run_id).run()
        return {"steps": [o.as_json() for o in outcomes]}
    finally:
        state.close()
