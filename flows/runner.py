"""What the flows share: the company's lease, opening the connectors, walking the plan,
the ledger and the run artifact.

A run with a failed step ends Failed and says which step and why; the steps that did not
need the failed one still ran (flows/walk.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prefect import get_run_logger
from prefect.runtime import flow_run
from prefect.states import Cancelled, State

from connectors.platform.client import PlatformClient
from connectors.sage100.client import Sage100Reader
from erpsync.config import Settings, load_settings
from erpsync.engine.context import Mode, SyncContext
from erpsync.engine.steps import ORDER_OF_OPERATIONS, StepSpec
from erpsync.engine.write_path import session_factory
from erpsync.errors import ConfigError, SyncRunFailed
from erpsync.reports.artifacts import publish_run_artifacts
from erpsync.state import StateStore, StepOutcome
from erpsync.state.lease import AttachedLease, Lease, LeaseHeld
from flows.prefect_states import crash_in_prefect
from flows.progress import ProgressArtifact
from flows.remote import remote_writes
from flows.walk import Walk
from tasks import STEPS

__all__ = ["open_context", "plan", "run_plan", "run_sync"]


def _platform_url(settings: Settings) -> str:
    if settings.uses_embedded_platform:
        raise ConfigError(
            "platform.url is 'embedded' but no platform sandbox is running for this run: "
            "start runs with `erpsync sync|seed|backfill|serve`, or set platform.url"
        )
    return settings.platform.url


def run_sync(
    config: str,
    mode: Mode,
    flow_name: str,
    parameters: dict[str, Any],
    *,
    steps: Iterable[int] | None = None,
    dry_run: bool = False,
    **window: Any,
) -> dict[str, Any] | State:
    """One run of one company: take its lease, connect, run the plan, let go.

    A run that finds the company's lease taken (another seed, sync or backfill of the same
    company is running) does nothing: it is recorded as SKIPPED in the ledger and ends
    Cancelled in Prefect, never queued behind the other.
    """
    _unsilence()
    settings = load_settings(config or None)
    state = settings.state_store()
    try:
        state.migrate()
        run_id = _run_id()
        lease = state.lease(run_id, flow_name, settings.state.lease_seconds)
        try:
            lease.acquire()
        except LeaseHeld as held:
            state.record_skipped_run(run_id, flow_name, parameters, str(held))
            get_run_logger().warning("%s", held)
            skipped = state.run_summary(run_id)
            if skipped is not None:  # the UI shows why this tick did nothing
                publish_run_artifacts(state, skipped)
            return Cancelled(message=str(held))
        try:
            with open_context(
                settings, state, mode, run_id, lease, dry_run=dry_run, **window
            ) as ctx:
                return run_plan(ctx, flow_name, parameters, steps)
        except BaseException as exc:  # stopped from outside (SIGTERM, cancelled, Ctrl-C)
            if not isinstance(exc, Exception):
                state.end_if_running(run_id, "CRASHED", f"stopped: {type(exc).__name__}")
            raise
        finally:
            lease.release()
    finally:
        state.close()


_silenced = False


def _silence_teardown() -> None:
    """A run stopped from outside is being torn down: its steps lose their connections
    and would each log a traceback about it. Quiet until the next run starts (a
    long-lived process, or a test session, goes on)."""
    global _silenced
    _silenced = True
    logging.disable(logging.CRITICAL)


def _unsilence() -> None:
    global _silenced
    if _silenced:
        _silenced = False
        logging.disable(logging.NOTSET)


def _run_id() -> str:
    return str(flow_run.get_id() or f"local-{int(time.time() * 1000)}")


@contextmanager
def open_context(
    settings: Settings,
    state: StateStore,
    mode: Mode,
    run_id: str,
    lease: Lease | AttachedLease | None = None,
    *,
    dry_run: bool = False,
    **window: Any,
) -> Iterator[SyncContext]:
    """Connect to both systems, checking each before anything is read."""
    erp = Sage100Reader.from_settings(settings.erp, url=settings.erp_url)
    platform = PlatformClient.from_settings(settings.platform, base_url=_platform_url(settings))
    try:
        erp.check()
        platform.health()
        ctx = SyncContext(
            settings=settings,
            erp=erp,
            platform=platform,
            state=state,
            run_id=run_id,
            mode=mode,
            dry_run=dry_run,
            session_factory=session_factory(settings),
            lease=lease,
            **window,
        )
        try:
            yield ctx
        except BaseException as exc:
            if not isinstance(exc, Exception):  # SIGTERM, Ctrl-C, a cancelled run
                _silence_teardown()
            raise
        finally:
            ctx.close()
    finally:
        platform.close()
        erp.close()


def plan(numbers: Iterable[int] | None) -> list[StepSpec]:
    wanted = set(numbers) if numbers is not None else set(STEPS)
    return [s for s in ORDER_OF_OPERATIONS if s.number in wanted and s.number in STEPS]


def run_plan(
    ctx: SyncContext,
    flow_name: str,
    parameters: dict[str, Any],
    numbers: Iterable[int] | None = None,
) -> dict[str, Any]:
    """Run the steps, record everything, and fail the flow if a step failed."""
    logger = get_run_logger()
    resumed = ctx.state.interrupted(flow_name) if parameters.get("resume") else None
    done_run, done = resumed or ("", set())
    crash_in_prefect(ctx.state.start_run(ctx.run_id, flow_name, parameters))

    def report(spec: StepSpec, outcome: StepOutcome) -> None:
        logger.info(
            "step %s %s: %s (read %s, written %s, failed %s)",
            spec.number, spec.name, outcome.state, outcome.read, outcome.written,
            outcome.failed,
        )  # fmt: skip

    progress = ProgressArtifact(flow_name)
    progress.create()
    ctx.progress.add(progress)
    outcomes = Walk(
        ctx, plan(numbers), record_as=ctx.run_id, done=done, done_run=done_run,
        remote_writes=remote_writes(ctx), report=report,
    ).run()  # fmt: skip
    # A step held back by the gate's circuit breaker did not stop the others, but the run
    # did not do its job: it ends failed, and ops hear of it.
    hard = [o for o in outcomes if o.state in ("FAILED", "HELD")]
    message = (
        "; ".join(
            f"step {o.step} {o.name} {'failed' if o.state == 'FAILED' else 'was held back'}: "
            f"{o.message}"
            for o in hard
        )
        or None
    )
    ctx.state.finish_run(ctx.run_id, "FAILED" if hard else "COMPLETED", message, _io(ctx))
    progress.finished("FAILED" if hard else "COMPLETED")
    summary = ctx.state.run_summary(ctx.run_id)
    assert summary is not None
    publish_run_artifacts(ctx.state, summary)
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
