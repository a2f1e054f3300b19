"""`python -m bench --scale medium|large|small|tiny [--out DIR] [--keep]` (`make bench`).

Prints one table and writes the same figures as JSON to a file it names. Asserts nothing
about time: the targets are printed as PASS/FAIL, and the exit status is 0 whenever every
measurement ran (2 when one could not be made).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from bench.report import table
from bench.suite import SCALES, BenchFailed, Options, run_benchmark

__all__ = ["main"]


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of record counts: {text!r}") from None
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError(f"record counts must be positive: {text!r}")
    return sizes


def _plain(value: Any) -> Any:
    """JSON has no NaN: a figure that could not be computed is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    defaults = Options(scale="medium")
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=SCALES, default="medium")
    p.add_argument("--seed", type=int, default=defaults.seed, help="sandbox company seed")
    p.add_argument("--out", type=Path, default=defaults.out, help="folder for the JSON figures")
    p.add_argument("--keep", action="store_true", help="keep the run folders (companies, stores)")
    p.add_argument("--work", type=Path, help="run folder (default .erpsync/bench/runs/<time>)")
    p.add_argument(
        "--gate-rows",
        type=_sizes,
        default=defaults.gate_rows,
        help="record counts to validate with the gate (default 10000,100000)",
    )
    p.add_argument(
        "--profile", action="store_true", help="cProfile the main seed and sync into --out"
    )
    args = p.parse_args(argv)
    opts = Options(
        scale=args.scale,
        seed=args.seed,
        out=args.out,
        work=args.work,
        keep=args.keep,
        gate_rows=args.gate_rows,
        profile=args.profile,
    )
    try:
        figures = run_benchmark(opts)
    except BenchFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = figures["started_at"].replace(":", "").replace("-", "")
    path = args.out / f"bench-{args.scale}-{stamp}.json"
    path.write_text(json.dumps(_plain(figures), indent=2, default=str) + "\n")
    print(table(figures))
    print(f"\nfigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
