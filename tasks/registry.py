"""Each documented step as a Prefect task, registered by its step number.

`@step_task(n)` turns a function `(ctx) -> StepOutcome` into a Prefect task named after
the step ("step-10-download-items") and records it in STEPS, which the flows read to
build their plan. Steps are not cached (each run reads what changed since the last) and
not retried by Prefect: the HTTP layer retries transient failures, and the next scheduled
run re-runs a failed step from its unmoved watermark.
"""

from __future__ import annotations

from collections.abc import Callable

from prefect import Task, task
from prefect.cache_policies import NO_CACHE

from erpsync.engine.context import SyncContext
from erpsync.engine.steps import step
from erpsync.state.models import StepOutcome

__all__ = ["STEPS", "StepFn", "step_task"]

StepFn = Callable[[SyncContext], StepOutcome]
STEPS: dict[int, Task[[SyncContext], StepOutcome]] = {}


def step_task(number: int) -> Callable[[StepFn], Task[[SyncContext], StepOutcome]]:
    spec = step(number)

    def register(fn: StepFn) -> Task[[SyncContext], StepOutcome]:
        wrapped = task(
            name=spec.slug,
            cache_policy=NO_CACHE,
            description=f"Step {spec.number} of the order of operations: {spec.name}",
            # No tags: a tagged task asks the server for a tag concurrency slot on every run,
            # one more round trip per step for a limit erpsync does not use.
        )(fn)
        STEPS[number] = wrapped
        return wrapped

    return register
