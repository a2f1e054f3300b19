"""The run commands: demo, seed, sync, backfill, history, errors, serve."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from erpsync.config import DEFAULT_CONFIG_NAME, Settings, load_settings
from erpsync.errors import ConfigError, ErpsyncError, RunSkipped, SyncRunFailed
from erpsync.runtime import (
    embedded_platform,
    ensure_sandbox_erp,
    prepare_prefect_env,
    stop_on_sigterm,
)
from erpsync.state import RunSummary

__all__ = [
    "alerts",
    "backfill",
    "demo",
    "preflight",
    "seed",
    "serve",
    "sync",
    "worker",
]


def preflight(settings: Settings) -> None:
    """Check the state store, the ERP and the platform before a flow starts, so a wrong
    URL or token fails in a second with one line, before anything is read or written."""
    from connectors.platform.client import PlatformClient
    from connectors.sage100.client import Sage100Reader

    state = settings.state_store()
    state.migrate()
    state.close()
    reader = Sage100Reader.from_settings(settings.erp, url=settings.erp_url)
    try:
        reader.check()
    finally:
        reader.close()
    if settings.uses_embedded_platform:
        raise ConfigError("platform.url is 'embedded' but the platform sandbox is not running")
    with PlatformClient.from_settings(settings.platform, base_url=settings.platform.url) as client:
        client.health()


def _run_flow(settings: Settings, flow: Callable[..., Any], **params: Any) -> RunSummary:
    from erpsync.progress_display import showing_progress

    with showing_progress():
        state = flow(**params, return_state=True)
    run_id = str(state.state_details.flow_run_id)
    store = settings.state_store()
    try:
        summary = store.run_summary(run_id)
    finally:
        store.close()
    if summary is None:  # the flow failed before its first step (connections, config)
        error = state.result(raise_on_failure=False)
        if isinstance(error, ErpsyncError):
            raise error
        raise SyncRunFailed(f"{flow.__name__} failed before its first step: {error}")
    if summary.state == "SKIPPED":  # another run of the company holds its lease
        raise RunSkipped(summary.message or "skipped: the company is busy")
    return summary


def _report(summaries: list[RunSummary], as_json: bool) -> int:
    from erpsync.cli import emit
    from erpsync.report import steps_table

    if as_json:
        from erpsync.reports.export import run_json

        # The shape `erpsync history --json` prints: dry run, window, entities, totals.
        emit({"runs": [run_json(s) for s in summaries]})
    else:
        for s in summaries:
            print(steps_table(s))
            print()
    failed = [s for s in summaries if s.state != "COMPLETED"]
    for s in failed:
        print(f"erpsync: {s.flow} failed: {s.message}", file=sys.stderr)
    return SyncRunFailed.exit_code if failed else 0


def _with_platform(
    settings: Settings, args: argparse.Namespace, body: Callable[[Settings], list[RunSummary]]
) -> int:
    prepare_prefect_env(settings)
    ensure_sandbox_erp(settings)
    stop_on_sigterm()
    from erpsync.prefect_server import prefect_api

    with embedded_platform(settings):
        live = load_settings(args.config)  # now carries the sandbox's URL and token reference
        preflight(live)
        with prefect_api(live):
            summaries = body(live)
    return _report(summaries, getattr(args, "json", False))


def demo(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import incremental_sync, initial_seed

        seeded = _run_flow(live, initial_seed, years=live.sync.seed_years)
        synced = _run_flow(live, incremental_sync)
        return [seeded, synced]

    return _with_platform(settings, args, body)


def seed(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import initial_seed

        years = args.years if args.years is not None else live.sync.seed_years
        return [_run_flow(live, initial_seed, years=years, resume=not args.restart)]

    return _with_platform(settings, args, body)


def sync(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import incremental_sync

        return [_run_flow(live, incremental_sync, dry_run=args.dry_run)]

    return _with_platform(settings, args, body)


def backfill(settings: Settings, args: argparse.Namespace) -> int:
    from flows.parameters import BackfillEntity, backfill_window

    names = [e.strip() for e in args.entities.split(",") if e.strip()]
    known = {e.value for e in BackfillEntity}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ConfigError(
            f"backfill --entities: {', '.join(unknown) or '(none)'} not one of "
            + ", ".join(sorted(known))
        )
    try:
        start, end = backfill_window(args.start, args.end)
    except ValueError as exc:
        raise ConfigError(f"backfill --start/--end: {exc}") from None

    def body(live: Settings) -> list[RunSummary]:
        from flows import backfill as backfill_flow

        run = _run_flow(
            live, backfill_flow, entities=names, start=start, end=end, dry_run=args.dry_run
        )
        return [run]

    return _with_platform(settings, args, body)


def config_file(args: argparse.Namespace) -> Path | None:
    """The configuration file this command read, for deployments to pass to their runs."""
    named = args.config or os.environ.get("ERPSYNC_CONFIG") or DEFAULT_CONFIG_NAME
    path = Path(named).resolve()
    return path if path.exists() else None


def serve(settings: Settings, args: argparse.Namespace) -> int:
    prepare_prefect_env(settings)
    ensure_sandbox_erp(settings)
    from deployments.serve import serve_deployments

    with embedded_platform(settings):
        live = load_settings(args.config)
        preflight(live)
        return serve_deployments(
            live, config_file(args), host=args.host, port=args.port, paused=args.no_schedule
        )


def worker(settings: Settings, args: argparse.Namespace) -> int:
    prepare_prefect_env(settings)
    from deployments.worker import start_worker

    start_worker(args.pool, args.name)
    return 0  # not reached: the process became the worker


def alerts(settings: Settings, args: argparse.Namespace) -> int:
    """For a prefect.yaml set-up: the automations `erpsync serve` would create."""
    prepare_prefect_env(settings)
    from deployments.alerts import ensure_automations
    from deployments.worker import require_api

    require_api()
    names = ensure_automations(settings)
    if not names:
        raise ConfigError("notifications: set webhook or block to say where alerts go")
    for name in names:
        print(f"automation {name!r} reports to {settings.notifications.target}")
    return 0
