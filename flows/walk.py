"""Walking a plan of steps: blocking, resumed steps, first-run-only, and where each runs.

Steps run serially in the documented order. Each is submitted as a Prefect task with
`wait_for` on the steps it depends on, so the Prefect UI draws the real dependency graph.
A step whose dependency failed is not run: it is recorded as SKIPPED with the name of the
failed step, and only the steps that depend on it are affected.

Upload steps write into the ERP. Where the ERP's write path can only run on the ERP's own
server (Sage 100's Business Object Interface is COM on the Sage server), the
configuration names a deployment that runs there (`prefect.erp_write_deployment`, on its
own work pool): consecutive upload steps then run as one run of that deployment, under
this run's lease, and record their outcomes in this run's ledger entry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from erpsync.engine.context import SyncContext
from erpsync.engine.steps import Blocking, StepSpec
from erpsync.state import StepOutcome
from erpsync.state.store import RESUMED
from tasks import STEPS

__all__ = ["Walk", "skipped"]

Report = Callable[[StepSpec, StepOutcome], None]


def skipped(spec: StepSpec, message: str) -> StepOutcome:
    return StepOutcome(
        spec.number, spec.name, spec.entity, spec.direction, "SKIPPED", message=message
    )


def failed(spec: StepSpec, message: str, seconds: float = 0.0) -> StepOutcome:
    outcome = StepOutcome(
        spec.number, spec.name, spec.entity, spec.direction, "FAILED", message=message
    )
    outcome.seconds = seconds
    return outcome


class Walk:
    """One pass over `plan`, recording each step's outcome under `record_as`."""

    def __init__(
        self,
        ctx: SyncContext,
        plan: list[StepSpec],
        *,
        record_as: str,
        done: set[int] | None = None,
        done_run: str = "",
        remote_writes: Callable[[list[StepSpec]], dict[int, StepOutcome]] | None = None,
        report: Report | None = None,
    ) -> None:
        self.ctx = ctx
        self.plan = plan
        self.record_as = record_as
        self.done = done or set()
        self.done_run = done_run
        self.remote_writes = remote_writes
        self.report = report
        self.blocking = Blocking()
        self.futures: dict[int, PrefectFuture[StepOutcome]] = {}
        self.outcomes: list[StepOutcome] = []

    def run(self) -> list[StepOutcome]:
        i = 0
        while i < len(self.plan):
            spec = self.plan[i]
            if self.ctx.lease is not None:
                self.ctx.lease.check()
            held = self._held_back(spec)
            if held is not None:
                self._record(spec, held)
                i += 1
                continue
            if spec.direction == "upload" and self.remote_writes is not None:
                group = self._upload_group(i)
                results = self.remote_writes(group)
                for member in group:
                    outcome = results.get(member.number) or failed(
                        member, "the ERP write run did not report this step"
                    )
                    self._settle(member, outcome)
                i += len(group)
                continue
            self.ctx.progress.begin(spec.number, spec.name, i, len(self.plan))
            outcome = self._execute(spec)
            self.ctx.progress.end(outcome.state)
            self._settle(spec, outcome)
            i += 1
        return self.outcomes

    def _held_back(self, spec: StepSpec) -> StepOutcome | None:
        """Why `spec` is not run, or None when it runs."""
        root = self.blocking.blocked_by(spec)
        if root is not None:
            return skipped(spec, f"not run: step {root} failed")
        if spec.number in self.done:
            return skipped(spec, f"{RESUMED} {self.done_run}")
        if (
            spec.first_run_only
            and self.ctx.mode == "incremental"
            and self.ctx.state.get_watermark(spec.entity, "download") is not None
        ):
            return skipped(spec, "first run only")
        return None

    def _upload_group(self, start: int) -> list[StepSpec]:
        """Consecutive upload steps from `start` that are free to run (those a failure
        outside the group blocks are recorded as skipped here; within the group the
        remote run applies the same rule)."""
        group = [self.plan[start]]
        for spec in self.plan[start + 1 :]:
            if spec.direction != "upload":
                break
            outside = [d for d in spec.depends_on if d not in {g.number for g in group}]
            probe = StepSpec(spec.number, spec.name, spec.entity, spec.direction, tuple(outside))
            if self._held_back(probe) is not None:
                break
            group.append(spec)
        return group

    def _settle(self, spec: StepSpec, outcome: StepOutcome) -> None:
        if outcome.state == "FAILED":
            self.blocking.failed(spec.number)
        elif outcome.state == "SKIPPED" and (outcome.message or "").startswith("not run: step"):
            # skipped inside a remote group because a step of the group failed
            self.blocking.blocked_by(spec)
        self._record(spec, outcome)

    def _record(self, spec: StepSpec, outcome: StepOutcome) -> None:
        self.ctx.state.record_step(self.record_as, outcome)
        self.outcomes.append(outcome)
        if self.report is not None:
            self.report(spec, outcome)

    def _execute(self, spec: StepSpec) -> StepOutcome:
        step_task = STEPS[spec.number]
        upstream = [self.futures[d] for d in spec.depends_on if d in self.futures]
        started = time.perf_counter()
        # quote(): the context holds connections; Prefect must pass it through untouched.
        future = step_task.submit(quote(self.ctx), wait_for=upstream)  # type: ignore[call-overload]
        future.wait()
        self.futures[spec.number] = future
        state = future.state
        if state.is_completed():
            outcome: StepOutcome = state.result()
            return outcome
        error: Any = state.result(raise_on_failure=False)
        reason = str(error) if isinstance(error, BaseException) else (state.message or "failed")
        return failed(spec, reason, time.perf_counter() - started)
