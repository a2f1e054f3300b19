"""Commands that read the run ledger: `erpsync history` and `erpsync report`.

Each command registers its own sub-parser and handler (`register`), so the CLI module
stays a list of registrations. Heavy imports (SQLAlchemy, the report code) happen inside
the handlers: `erpsync --help` loads argparse and the standard library only.

Output goes to stdout and may be piped into `head` or a pager that quits early: the
handlers then stop writing and exit 0 quietly, as `git log | head` does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `erpsync --help` must not load pydantic or SQLAlchemy
    from erpsync.config import Settings
    from erpsync.state.history import RunFilter

__all__ = ["history", "register", "report"]

# What people type -> the flow names in the ledger.
FLOW_ALIASES = {"sync": "incremental-sync", "incremental": "incremental-sync",
                "seed": "initial-seed"}  # fmt: skip
STATES = ("COMPLETED", "FAILED", "CRASHED", "SKIPPED", "RUNNING")  # erpsync.state.history


def _moment(text: str) -> tuple[datetime, bool]:
    """A date (YYYY-MM-DD, a whole UTC day) or an ISO time (UTC unless it has an offset);
    True when it was a date."""
    try:
        return datetime.combine(date.fromisoformat(text), time(), UTC), True
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (2026-11-30) or an ISO time (2026-11-30T14:00)"
        ) from None
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment), False


def _since(text: str) -> datetime:
    return _moment(text)[0]


def _until(text: str) -> datetime:
    """The exclusive bound: after the whole day of a date, just after an ISO time."""
    moment, whole_day = _moment(text)
    return moment + (timedelta(days=1) if whole_day else timedelta(microseconds=1))


def _flows(text: str) -> list[str]:
    return [FLOW_ALIASES.get(f.strip(), f.strip()) for f in text.split(",") if f.strip()]


def _states(text: str) -> list[str]:
    found = [s.strip().upper() for s in text.split(",") if s.strip()]
    wrong = [s for s in found if s not in STATES]
    if wrong:
        raise argparse.ArgumentTypeError(
            f"unknown state {', '.join(wrong)}; one of {', '.join(STATES)}"
        )
    return found


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", type=_since, help="runs started on/after a date or ISO time (UTC)")
    p.add_argument("--until", type=_until, help="runs started up to a date (inclusive) or time")
    p.add_argument(
        "--flow", type=_flows, action="extend", default=[],
        help="incremental-sync (sync), initial-seed (seed), backfill; repeat or comma-separate",
    )  # fmt: skip


def register(sub: Any) -> None:
    hist = sub.add_parser("history", help="runs from the run ledger, with totals")
    _add_filters(hist)
    hist.add_argument(
        "--state", type=_states, action="extend", default=[],
        help=f"only runs in these states ({', '.join(STATES)}); repeat or comma-separate",
    )  # fmt: skip
    hist.add_argument("--limit", type=_positive, default=20, help="latest N runs (default 20)")
    hist.add_argument("--all", action="store_true", help="every run matching")
    hist.add_argument("--steps", action="store_true", help="each run's steps")
    fmt = hist.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object on stdout")
    fmt.add_argument("--csv", action="store_true", help="CSV on stdout (with --steps: per step)")
    hist.set_defaults(handler=history)

    rep = sub.add_parser("report", help="an HTML page of the run history: charts and runs")
    rep.add_argument("--out", default="erpsync-report.html", help="file to write ('-': stdout)")
    _add_filters(rep)
    rep.add_argument("--limit", type=_positive, default=500, help="latest N runs (default 500)")
    rep.set_defaults(handler=report)


def _filter(args: argparse.Namespace) -> RunFilter:
    from erpsync.state.history import RunFilter

    return RunFilter(
        since=args.since,
        before=args.until,
        flows=tuple(dict.fromkeys(args.flow)),
        states=tuple(dict.fromkeys(getattr(args, "state", []))),
    )


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    """Stop quietly when the reader of stdout has gone (`| head`, a pager quit): exit 0
    with nothing on stderr. stdout is pointed at /dev/null so the interpreter's last
    flush of what is still buffered does not raise again on the way out."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def history(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.report import history_lines, steps_table, totals_lines
    from erpsync.reports.export import write_csv, write_json
    from erpsync.reports.facts import Totals

    store = settings.state_store()
    try:
        store.migrate()
        where = _filter(args)
        limit = None if args.all else args.limit
        runs = store.iter_runs(where, limit=limit)
        totals = Totals()
        out = sys.stdout
        with _reader_may_leave():
            if args.csv:
                write_csv(runs, out, steps=args.steps)
                return 0
            matching = store.count_runs(where)
            if args.json:
                write_json(runs, out, totals, extra={"matching": matching})
                return 0
            if args.steps:
                for run in runs:
                    totals.add(run)
                    out.write(steps_table(run) + "\n\n")
            elif matching:
                for line in history_lines(runs, totals):
                    out.write(line + "\n")
                out.write("\n")
            filtered = bool(where.since or where.before or where.flows or where.states)
            for line in totals_lines(totals, matching if totals.runs or filtered else None):
                out.write(line + "\n")
    finally:
        store.close()
    return 0


def report(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.reports.html import ReportOptions, build_report

    store = settings.state_store()
    try:
        store.migrate()
        where = _filter(args)
        page = build_report(store, where, ReportOptions(limit=args.limit))
        shown = min(store.count_runs(where), args.limit)
    finally:
        store.close()
    if args.out == "-":
        with _reader_may_leave():
            sys.stdout.write(page)
        return 0
    target = Path(args.out).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)  # a browser reloading it never sees half a page
    print(f"wrote {target} ({shown} run{'s' if shown != 1 else ''})")
    return 0
