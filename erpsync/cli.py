"""The `erpsync` command line.

Only argparse and the configuration are imported at start-up; Prefect, pandas and Great
Expectations load inside the command that needs them, so `erpsync --help` stays fast.
Every failure an operator can fix ends in one line on stderr naming the setting or the
record, and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

from erpsync.errors import ErpsyncError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line naming the problem (exit 2), like every other error
    an operator can fix; `--help` still shows the usage. No abbreviated options: `--dry`
    must not quietly mean `--dry-run`, nor become ambiguous when an option is added."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("erpsync").strip()
        print(f"erpsync: {where + ': ' if where else ''}{message} (see {self.prog} --help)",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(2)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _years(text: str) -> int:
    try:
        years = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of years") from None
    if not 0 <= years <= 50:
        raise argparse.ArgumentTypeError(f"{years} is not between 0 and 50")
    return years


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="erpsync",
        description="Keep a Sage 100 ERP and a B2B commerce/CRM platform in step.",
    )
    p.add_argument(
        "--config", help="configuration file (default: $ERPSYNC_CONFIG or ./erpsync.toml)"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="seed and sync the embedded sandbox, print the figures")
    demo.add_argument("--json", action="store_true", help="print one JSON object")

    seed = sub.add_parser("seed", help="run the initial seed (all master data + N years)")
    seed.add_argument(
        "--years",
        type=_years,
        default=None,
        help="years of transactions, 0-50 (default: sync.seed_years)",
    )
    seed.add_argument(
        "--restart", action="store_true", help="start over instead of resuming an interrupted seed"
    )
    seed.add_argument("--json", action="store_true")

    sync = sub.add_parser("sync", help="run one incremental sync")
    sync.add_argument("--dry-run", action="store_true", help="compare only, write nothing")
    sync.add_argument("--json", action="store_true")

    back = sub.add_parser("backfill", help="re-pull a window of days for some entities")
    back.add_argument(
        "--entities", required=True, help="comma-separated, e.g. items,item_locations"
    )
    back.add_argument("--start", type=_day, help="YYYY-MM-DD (default: six days before --end)")
    back.add_argument("--end", type=_day, help="YYYY-MM-DD, inclusive (default: today)")
    back.add_argument("--dry-run", action="store_true")
    back.add_argument("--json", action="store_true")

    from erpsync import commands_history

    commands_history.register(sub)  # history, report: commands that read the run ledger

    from erpsync import commands_errors

    commands_errors.register(sub)  # errors, requeue: the operator's inbox

    serve = sub.add_parser(
        "serve", help="serve this company's deployments (a long-running service)"
    )
    serve.add_argument("--no-schedule", action="store_true", help="register the schedule paused")
    serve.add_argument("--host", help="local Prefect server address (prefect.server_host)")
    serve.add_argument("--port", type=int, help="local Prefect server port (prefect.server_port)")

    worker = sub.add_parser(
        "worker", help="a Prefect process worker for erpsync's deployments on one work pool"
    )
    worker.add_argument("--pool", required=True, help="work pool (e.g. erpsync-sync, erpsync-erp)")
    worker.add_argument("--name", help="worker name (default erpsync-<host>-<pool>)")

    sub.add_parser("alerts", help="create the failure/overdue automations on the Prefect server")

    sb = sub.add_parser("sandbox", help="the embedded Sage 100 and platform stand-ins")
    sbs = sb.add_subparsers(dest="sandbox_command", required=True, metavar="ACTION")
    init = sbs.add_parser("init", help="generate the sandbox company database")
    init.add_argument("--scale", choices=["tiny", "small", "medium", "large"])
    init.add_argument("--seed", type=int)
    init.add_argument("--force", action="store_true", help="replace an existing sandbox")
    sbs.add_parser("serve", help="run the platform sandbox in the foreground")
    sim = sbs.add_parser("simulate", help="change the sandboxes the way users do")
    for name, what in (
        ("items", "edit N items in the ERP"),
        ("quantities", "change N item/warehouse quantities in the ERP"),
        ("prices", "change N prices in the ERP"),
        ("customers-new", "add N customers in the ERP"),
        ("customers-edited", "edit N customers in the ERP"),
        ("invoice-orders", "invoice N open orders in the ERP (new invoices, completed orders)"),
        ("platform-customers", "sign up N customers on the platform (Send to ERP)"),
        ("platform-contacts", "add N contacts on the platform"),
        ("platform-ship-tos", "add N ship-to addresses on the platform"),
        ("platform-customer-edits", "edit N synced customers' custom fields on the platform"),
        ("platform-orders", "place N web orders on the platform"),
        ("platform-payments", "take N invoice payments on the platform"),
        ("invalid", "of each kind of platform record, make N invalid"),
    ):
        sim.add_argument(f"--{name}", type=int, default=0, help=what)
    sim.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ErpsyncError as exc:
        print(f"erpsync: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        logging.disable(logging.CRITICAL)  # the teardown's own complaints are not news
        print("erpsync: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `erpsync history | head`: the reader has what it wanted. Point stdout at
        # /dev/null so the interpreter's own flush at exit does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    from erpsync.config import load_settings

    settings = load_settings(args.config)
    if args.command == "sandbox":
        from erpsync import commands_sandbox

        return commands_sandbox.run(settings, args)
    handler: Any = getattr(args, "handler", None)
    if handler is None:  # the run commands
        from erpsync import commands

        handler = getattr(commands, args.command)
    return int(handler(settings, args))


def emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, indent=2, default=str))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
