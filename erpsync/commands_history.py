"""Commands that read the run ledger: `erpsync history` (and, later, `erpsync report`).

Each command registers its own sub-parser and handler (`register`), so the CLI module
stays a list of registrations. Heavy imports happen inside the handlers.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `erpsync --help` must not load pydantic
    from erpsync.config import Settings

__all__ = ["history", "register"]


def register(sub: Any) -> None:
    hist = sub.add_parser("history", help="recent runs from the run ledger")
    hist.add_argument("--limit", type=int, default=10)
    hist.add_argument("--steps", action="store_true", help="show each run's steps")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(handler=history)


def history(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.cli import emit
    from erpsync.report import history_table, steps_table

    store = settings.state_store()
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
