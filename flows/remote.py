"""Upload steps as runs of the ERP-write deployment (`prefect.erp_write_deployment`).

The deployment's work pool has its worker on the ERP's server. Its run works under this
run's lease (it checks the lease before each step and stops if it was lost) and records
its steps in this run's ledger entry; this run waits for it, then reads the outcomes back.
A write run that never finishes (no worker polls the pool) fails those steps, naming the
deployment and the timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from prefect.client.schemas.objects import FlowRun

from erpsync.engine.context import SyncContext
from erpsync.engine.steps import StepSpec
from erpsync.state import StepOutcome

__all__ = ["remote_writes"]


def remote_writes(ctx: SyncContext) -> Callable[[list[StepSpec]], dict[int, StepOutcome]] | None:
    name = ctx.settings.prefect.erp_write_deployment
    if not name:
        return None
    timeout = ctx.settings.prefect.erp_write_timeout_seconds

    def run(group: list[StepSpec]) -> dict[int, StepOutcome]:
        from prefect.deployments import run_deployment

        numbers = [s.number for s in group]
        parameters = {
            "steps": numbers,
            "parent_run_id": ctx.run_id,
            "mode": ctx.mode,
            "dry_run": ctx.dry_run,
        }
        child = run_deployment(name, parameters=parameters, timeout=timeout, as_subflow=True)
        assert isinstance(child, FlowRun)  # the sync call returns the flow run itself
        summary = ctx.state.run_summary(ctx.run_id)
        found = {s.step: s for s in (summary.steps if summary else []) if s.step in numbers}
        state = child.state
        if state is None or not state.is_final():
            why = (
                f"ERP write run {child.id} of {name} did not finish in {timeout}s "
                "(is a worker polling its work pool?)"
            )
        else:
            why = f"ERP write run {child.id} of {name} ended {state.type.value}: {state.message}"
        for spec in group:
            if spec.number not in found:
                found[spec.number] = StepOutcome(
                    spec.number, spec.name, spec.entity, spec.direction, "FAILED", message=why
                )
        return found

    return run
