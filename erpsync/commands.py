"""The run commands: demo, seed, sync, backfill, history, errors, serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from erpsync.config import Settings, load_settings
from erpsync.errors import ConfigError, ErpsyncError, SyncRunFailed
from erpsync.runtime import embedded_platform, ensure_sandbox_erp, prepare_prefect_env
from erpsync.state import RunSummary, StateStore

__all__ = ["backfill", "demo", "errors", "history", "preflight", "seed", "serve", "sync"]


def preflight(settings: Settings) -> None:
    """Check the state store, the ERP and the platform before a flow starts, so a wrong
    URL or token fails in a second with one line, before anything is read or written."""
    from connectors.platform.client import PlatformClient
    from connectors.sage100.client import Sage100Reader

    state = StateStore(settings.state_url)
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


def _run_flow(settings: Settings, flow: Callable[..., Any], params: Any) -> RunSummary:
    state = flow(params, return_state=True)
    run_id = str(state.state_details.flow_run_id)
    store = StateStore(settings.state_url)
    try:
        summary = store.run_summary(run_id)
    finally:
        store.close()
    if summary is None:  # the flow failed before its first step (connections, config)
        error = state.result(raise_on_failure=False)
        if isinstance(error, ErpsyncError):
            raise error
        raise SyncRunFailed(f"{flow.__name__} failed before its first step: {error}")
    return summary


def _report(summaries: list[RunSummary], as_json: bool) -> int:
    from erpsync.cli import emit
    from erpsync.report import steps_table

    if as_json:
        emit({"runs": [s.as_json() for s in summaries]})
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
    with embedded_platform(settings):
        live = load_settings(args.config)  # now carries the sandbox's URL and token reference
        preflight(live)
        summaries = body(live)
    return _report(summaries, getattr(args, "json", False))


def demo(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import incremental_sync, initial_seed
        from flows.parameters import SeedParameters, SyncParameters

        seeded = _run_flow(live, initial_seed, SeedParameters(years=live.sync.seed_years))
        synced = _run_flow(live, incremental_sync, SyncParameters())
        return [seeded, synced]

    return _with_platform(settings, args, body)


def seed(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import initial_seed
        from flows.parameters import SeedParameters

        years = args.years if args.years is not None else live.sync.seed_years
        params = SeedParameters(years=years, resume=not args.restart)
        return [_run_flow(live, initial_seed, params)]

    return _with_platform(settings, args, body)


def sync(settings: Settings, args: argparse.Namespace) -> int:
    def body(live: Settings) -> list[RunSummary]:
        from flows import incremental_sync
        from flows.parameters import SyncParameters

        return [_run_flow(live, incremental_sync, SyncParameters(dry_run=args.dry_run))]

    return _with_platform(settings, args, body)


def backfill(settings: Settings, args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from flows.parameters import BackfillParameters

    try:
        params = BackfillParameters(
            entities=[e.strip() for e in args.entities.split(",") if e.strip()],
            start=args.start,
            end=args.end,
            dry_run=args.dry_run,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "parameters"
        raise ConfigError(f"backfill {where}: {first['msg']}") from None

    def body(live: Settings) -> list[RunSummary]:
        from flows import backfill as backfill_flow

        return [_run_flow(live, backfill_flow, params)]

    return _with_platform(settings, args, body)


def history(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.cli import emit
    from erpsync.report import history_table, steps_table

    store = StateStore(settings.state_url)
    store.migrate()
    runs = store.recent_runs(limit=args.limit)
    store.close()
    if args.json:
        emit({"runs": [r.as_json() for r in runs]})
    elif args.steps:
        print("\n\n".join(steps_table(r) for r in runs) or "no runs yet")
    else:
        print(history_table(runs) if runs else "no runs yet")
    return 0


def errors(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.cli import emit

    store = StateStore(settings.state_url)
    store.migrate()
    run_id = args.run
    if run_id is None:
        latest = store.recent_runs(limit=1)
        run_id = latest[0].run_id if latest else None
    record_errors = store.run_errors(run_id) if run_id else []
    quarantined = store.open_quarantine()
    store.close()
    if args.json:
        emit(
            {
                "run_id": run_id,
                "errors": [e.as_row() for e in record_errors],
                "quarantine": quarantined,
            }
        )
        return 0
    print(f"run {run_id or '-'}: {len(record_errors)} record(s) not synced")
    for e in record_errors:
        print(f"  step {e.step} {e.entity} {e.record_key} {e.field or ''}: {e.reason}")
    print(f"open quarantine: {len(quarantined)} record(s)")
    for q in quarantined:
        reasons = "; ".join(f"{f.get('column')}: {f.get('message')}" for f in q["failures"])
        print(f"  step {q['step']} {q['entity']} {q['record_key']}: {reasons}")
    return 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    prepare_prefect_env(settings)
    ensure_sandbox_erp(settings)
    from deployments.serve import serve_deployments

    with embedded_platform(settings):
        live = load_settings(args.config)
        preflight(live)
        serve_deployments(live, paused=args.no_schedule)
    return 0
