"""The engine process of a measured run: `erpsync <command>` with a query counter.

    python -m bench.child --erp-db PATH --queries OUT.json [--profile OUT.prof] -- seed --json

It runs `erpsync.cli.main` exactly as the `erpsync` script does. Before that it listens to
every statement SQLAlchemy sends to the ERP database and counts them per table and per
engine, which the run ledger cannot say (it keeps one total), so "at most one query per
table" can be judged. The count is written when the command ends. With --profile the command runs
under cProfile and the stats go to the file given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main"]

# The reader's single-table SELECTs: "... FROM <quoted table> [WHERE ...]".
_FROM = re.compile(r"\bFROM\s+[\"`\[]?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def _count_erp_queries(erp_db: Path, engines: dict[int, Counter[str]]) -> None:
    """Count per engine, in creation order: the CLI's preflight check opens its own reader
    before the flow opens the run's, and only the run's queries belong to the run."""
    import sqlalchemy as sa

    target = erp_db.resolve()
    same: dict[str, bool] = {}

    def is_erp(database: str) -> bool:
        if database not in same:
            same[database] = Path(database).resolve() == target
        return same[database]

    def before(conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        database = conn.engine.url.database
        if database and is_erp(database):
            match = _FROM.search(statement)
            counts = engines.setdefault(id(conn.engine), Counter())
            counts[match.group(1) if match else "?"] += 1

    sa.event.listen(sa.Engine, "before_cursor_execute", before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("--erp-db", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = [c for c in args.command if c != "--"] if args.command[:1] == ["--"] else args.command
    engines: dict[int, Counter[str]] = {}
    _count_erp_queries(args.erp_db, engines)
    from erpsync.cli import main as erpsync_main

    try:
        if args.profile is None:
            return erpsync_main(command)
        return _profiled(erpsync_main, command, args.profile)
    finally:
        per_engine = [dict(sorted(c.items())) for c in engines.values()]
        args.queries.write_text(json.dumps({"engines": per_engine}))


def _profiled(fn: Callable[[list[str]], int], command: list[str], out: Path) -> int:
    """cProfile in every thread: Prefect runs each step in a worker thread and the platform
    writer sends from its own, so a main-thread profile would miss the work."""
    import cProfile
    import pstats
    import threading

    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_args: Any) -> None:
        profiler = cProfile.Profile()
        with lock:
            profilers.append(profiler)
        profiler.enable()  # replaces this hook for the rest of the thread

    threading.setprofile(start_in_thread)
    main_profiler = cProfile.Profile()
    try:
        return int(main_profiler.runcall(fn, command))
    finally:
        threading.setprofile(None)
        stats = pstats.Stats(main_profiler)
        with lock:
            for profiler in profilers:
                profiler.disable()
                stats.add(profiler)
        stats.dump_stats(out)


if __name__ == "__main__":
    sys.exit(main())
