"""What the three flows share: opening the connectors, running steps as a DAG, reporting.

A run executes its steps serially in the documented order. Each step is submitted as a
Prefect task with `wait_for` on the steps it depends on, so the Prefect UI draws the real
dependency graph. A step whose dependency failed is not run: it is recorded as SKIPPED
with the name of the failed step, and only the steps that depend on it are affected. At
the end the run ledger and a markdown artifact carry the per-step figures; a run with a
failed step ends Failed and says which step and why.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from connectors.platform.client import PlatformClient
from connectors.sage100.client import Sage100Reader
from erpsync.config import Settings
from erpsync.engine.context import Mode, SyncContext
from erpsync.engine.steps import ORDER_OF_OPERATIONS, Blocking, StepSpec
from erpsync.engine.write_path import session_factory
from erpsync.errors import ConfigError, SyncRunFailed
from erpsync.report import markdown_summary
from erpsync.state import StateStore, StepOutcome
from erpsync.state.store import RESUMED
from tasks import STEPS

__all__ = ["open_context", "run_plan"]


def _platform_url(settings: Settings) -> str:
    if settings.uses_embedded_platform:
        raise ConfigError(
            "platform.url is 'embedded' but no platform sandbox is running for this run: "
            "start runs with `erpsync sync|seed|backfill|serve`, or set platform.url"
        )
    return settings.platform.url


@contextmanager
def open_context(
    settings: Settings, mode: Mode, *, dry_run: bool = False, **window: Any
) -> Iterator[SyncContext]:
    """Connect to both systems and the state store, checking each before anything is read."""
    state = StateStore(settings.state_url)
    state.migrate()
    erp = Sage100Reader.from_settings(settings.erp, url=settings.erp_url)
    platform = PlatformClient.from_settings(settings.platform, base_url=_platform_url(settings))
    try:
        erp.check()
        platform.health()
        run_id = str(flow_run.get_id() or f"local-{int(time.time() * 1000)}")
        ctx = SyncContext(
            settings=settings,
            erp=erp,
            platform=platform,
            state=state,
            run_id=run_id,
            mode=mode,
            dry_run=dry_run,
            session_factory=session_factory(settings),
            **window,
        )
        try:
            yield ctx
        finally:
            ctx.close()
    finally:
        platform.close()
        erp.close()
        state.close()


def _plan(numbers: Iterable[int] | None) -> list[StepSpec]:
    wanted = set(numbers) if numbers is not None else set(STEPS)
    return [s for s in ORDER_OF_OPERATIONS if s.number in wanted and s.number in STEPS]


def _skipped(spec: StepSpec, message: str) -> StepOutcome:
    return StepOutcome(
        spec.number, spec.name, spec.entity, spec.direction, "SKIPPED", message=message
    )


def run_plan(
    ctx: SyncContext,
    flow_name: str,
    parameters: dict[str, Any],
    numbers: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Run the steps, record everything, and fail the flow if a step failed."""
    logger = get_run_logger()
    plan = _plan(numbers)
    resumed = ctx.state.interrupted(flow_name) if parameters.get("resume") else None
    done_run, done = resumed or ("", set())
    ctx.state.start_run(ctx.run_id, flow_name, parameters)
    futures: dict[int, PrefectFuture[StepOutcome]] = {}
    blocking = Blocking()
    outcomes: list[StepOutcome] = []
    for spec in plan:
        root = blocking.blocked_by(spec)
        if root is not None:
            outcome = _skipped(spec, f"not run: step {root} failed")
        elif spec.number in done:
            outcome = _skipped(spec, f"{RESUMED} {done_run}")
        elif (
            spec.first_run_only
            and ctx.mode == "incremental"
            and ctx.state.get_watermark(spec.entity, "download") is not None
        ):
            outcome = _skipped(spec, "first run only")
        else:
            outcome = _execute(ctx, spec, futures)
            if outcome.state == "FAILED":
                blocking.failed(spec.number)
        ctx.state.record_step(ctx.run_id, outcome)
        outcomes.append(outcome)
        logger.info(
            "step %s %s: %s (read %s, written %s, failed %s)",
            spec.number,
            spec.name,
            outcome.state,
            outcome.read,
            outcome.written,
            outcome.failed,
        )
    hard = [o for o in outcomes if o.state == "FAILED"]
    message = "; ".join(f"step {o.step} {o.name} failed: {o.message}" for o in hard) or None
    ctx.state.finish_run(ctx.run_id, "FAILED" if hard else "COMPLETED", message, _io(ctx))
    summary = ctx.state.run_summary(ctx.run_id)
    assert summary is not None
    create_markdown_artifact(
        key=f"{flow_name}-summary",
        markdown=markdown_summary(summary, ctx.state.run_errors(ctx.run_id, limit=50)),
        description=f"{flow_name}: per-step figures",
    )
    if hard:
        raise SyncRunFailed(message or "a step failed")
    return {"runs": [summary.as_json()]}


def _io(ctx: SyncContext) -> dict[str, Any]:
    stats = ctx.platform.stats
    return {
        "erp_queries": ctx.erp.queries,
        "erp_queries_by_table": ctx.erp.queries_by_table,
        "platform_calls": {f"{m} {r}": n for (m, r), n in sorted(stats.calls.items())},
        "platform_records_sent": stats.records_sent,
        "platform_retries": stats.retries,
    }


def _execute(
    ctx: SyncContext, spec: StepSpec, futures: dict[int, PrefectFuture[StepOutcome]]
) -> StepOutcome:
    step_task = STEPS[spec.number]
    upstream = [futures[d] for d in spec.depends_on if d in futures]
    started = time.perf_counter()
    # quote(): the context holds connections; Prefect must pass it through untouched.
    future = step_task.submit(quote(ctx), wait_for=upstream)  # type: ignore[call-overload]
    future.wait()
    futures[spec.number] = future
    state = future.state
    if state.is_completed():
        outcome: StepOutcome = state.result()
        return outcome
    error = state.result(raise_on_failure=False)
    reason = str(error) if isinstance(error, BaseException) else (state.message or "failed")
    outcome = StepOutcome(
        spec.number, spec.name, spec.entity, spec.direction, "FAILED", message=reason
    )
    outcome.seconds = time.perf_counter() - started
    return outcome
