"""`python -m sandbox.platform serve|token`: run the platform sandbox, mint a token."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox.platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the platform API until SIGTERM/Ctrl-C")
    serve.add_argument("--store", required=True, help="SQLite file of the platform's records")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 = any free port")
    serve.add_argument("--max-batch", type=int, default=1000)
    serve.add_argument("--allow-faults", action="store_true", help="enable fault injection")
    serve.add_argument(
        "--exit-with-parent", action="store_true", help="stop when stdin closes (child use)"
    )
    token = sub.add_parser("token", help="issue an API token and print it (once)")
    token.add_argument("--store", required=True)
    token.add_argument("--name", required=True)
    token.add_argument("--role", choices=("integration", "user"), default="integration")
    token.add_argument("--rate-limit-calls", type=int, default=0, help="0 = unlimited")
    token.add_argument("--rate-limit-window-seconds", type=int, default=900)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from sandbox.platform.server import serve

        serve(
            args.store,
            host=args.host,
            port=args.port,
            max_batch=args.max_batch,
            allow_faults=args.allow_faults,
            exit_with_parent=args.exit_with_parent,
        )
        return 0
    from sandbox.platform.tokens import issue_token

    print(
        issue_token(
            args.store,
            args.name,
            role=args.role,
            rate_limit_calls=args.rate_limit_calls,
            rate_limit_window_seconds=args.rate_limit_window_seconds,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
