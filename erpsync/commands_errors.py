"""The operator's inbox: `erpsync errors` (what could not be synced, and why) and
`erpsync requeue` (try those records again after a fix, on either side)."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from erpsync.errors import ConfigError

if TYPE_CHECKING:  # `erpsync --help` must not load pydantic
    from erpsync.config import Settings

__all__ = ["errors", "register", "requeue"]

_COLUMNS = ("kind", "step", "entity", "record_key", "field", "expectation", "message",
            "run_id", "created_at")  # fmt: skip


def _moment(text: str) -> datetime:
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time: {text!r} (YYYY-MM-DD)") from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(sub: Any) -> None:
    errs = sub.add_parser("errors", help="the records erpsync could not sync, and why")
    errs.add_argument("--run", help="one run's records (default: the open quarantine and "
                      "the records the latest run could not sync)")  # fmt: skip
    errs.add_argument("--entity", help="customers, sales_orders, items, ...")
    errs.add_argument("--since", type=_moment, help="only entries from this date/time on")
    errs.add_argument("--limit", type=_positive, default=50, help="entries to show (default 50)")
    errs.add_argument("--all", action="store_true", help="every entry")
    out = errs.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", action="store_true")
    errs.set_defaults(handler=errors)

    req = sub.add_parser(
        "requeue", help="send quarantined or refused records to the ERP again after a fix"
    )
    req.add_argument("--entity", help="only this entity's records")
    req.add_argument("--key", action="append", default=[], help="a platform id (repeatable)")
    req.add_argument("--all", action="store_true", help="every quarantined or refused record")
    req.set_defaults(handler=requeue)


def errors(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.cli import emit

    store = settings.state_store()
    try:
        store.migrate()
        run_id = args.run
        if run_id is not None and not store.has_run(run_id):
            # `erpsync history` prints the first 8 characters of a run id.
            run_id = store.resolve_run_id(run_id) if len(run_id) >= 4 else None
            if run_id is None:
                raise ConfigError(
                    f"errors --run: no run of {settings.company} is {args.run!r} "
                    "(or more than one starts so: give more of the id)"
                )
        where = {"run_id": run_id, "entity": args.entity, "since": args.since}
        if run_id is None:  # the open quarantine, and what the latest run could not sync
            latest = store.recent_runs(limit=1)
            entries = list(store.inbox(**where, limit=None if args.all else args.limit))
            totals = store.inbox_totals(**where)
            if latest:
                last = {**where, "run_id": latest[0].run_id}
                errors_of_last = [e for e in store.inbox(**last, limit=None)
                                  if e.kind == "not synced"]  # fmt: skip
                entries = [e for e in entries if e.kind == "quarantined"] + errors_of_last
                totals["not synced"] = store.inbox_totals(**last)["not synced"]
                entries = entries if args.all else entries[: args.limit]
        else:
            entries = list(store.inbox(**where, limit=None if args.all else args.limit))
            totals = store.inbox_totals(**where)
    finally:
        store.close()
    count = {kind: sum(v.values()) for kind, v in totals.items()}
    if args.json:
        emit({"run_id": run_id, "totals": totals, "entries": [e.as_row() for e in entries]})
        return 0
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(e.as_row() for e in entries)
        return 0
    for e in entries:
        what = f"{e.field}: " if e.field else ""
        check = f" [{e.expectation}]" if e.expectation else ""
        print(f"{e.kind:<11}  step {e.step:>2}  {e.entity:<14} {e.record_key:<18} "
              f"{what}{e.message}{check}")  # fmt: skip
    shown = len(entries)
    print(
        f"{count['quarantined']} record(s) quarantined, {count['not synced']} not synced"
        + (f" ({', '.join(f'{n} {k}' for k, n in _by_entity(totals).items())})" if shown else "")
        + f"; {shown} entr{'y' if shown == 1 else 'ies'} shown"
        + ("" if args.all or shown < args.limit else " (--all for every one)")
    )
    return 0


def _by_entity(totals: dict[str, dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for per_entity in totals.values():
        for entity, n in per_entity.items():
            merged[entity] = merged.get(entity, 0) + n
    return dict(sorted(merged.items()))


def requeue(settings: Settings, args: argparse.Namespace) -> int:
    """Quarantined or refused upload records go back to pending on the platform: the next
    run sends them to the ERP again (the gate judges them again)."""
    if not (args.all or args.entity or args.key):
        raise ConfigError("requeue: name --entity, --key or --all")
    from connectors.platform.client import PlatformClient
    from erpsync.config import load_settings
    from erpsync.runtime import embedded_platform, prepare_prefect_env

    store = settings.state_store()
    store.migrate()
    candidates = store.requeue_candidates(args.entity, args.key)
    if not candidates:
        store.close()
        print("nothing to requeue")
        return 0
    prepare_prefect_env(settings)
    by = f"requeue {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"
    try:
        with embedded_platform(settings):
            live = load_settings(args.config)
            with PlatformClient.from_settings(live.platform, base_url=live.platform.url) as c:
                for entity, ids in candidates.items():
                    rows = [{"id": int(p) if p.isdigit() else p, "erp_status": "updatesmade",
                             "erp_error": None} for p in ids]  # fmt: skip
                    for start in range(0, len(rows), live.platform.max_batch):
                        c.upsert(entity, rows[start : start + live.platform.max_batch])
                    store.requeued(entity, ids, by)
                    print(f"{entity}: {len(ids)} record(s) pending again")
    finally:
        store.close()
    return 0
