"""`erpsync sandbox init|serve|simulate`: the embedded stand-ins."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from erpsync.config import SANDBOX_MADE, Settings
from erpsync.devkit import require_sandbox
from erpsync.errors import ConfigError

__all__ = ["run"]


def run(settings: Settings, args: argparse.Namespace) -> int:
    require_sandbox(f"erpsync sandbox {args.sandbox_command}")
    handler = {"init": _init, "serve": _serve, "simulate": _simulate}[args.sandbox_command]
    return handler(settings, args)


def _scaled(settings: Settings, args: argparse.Namespace) -> Settings:
    updates: dict[str, Any] = {}
    if getattr(args, "scale", None):
        updates["scale"] = args.scale
    if getattr(args, "seed", None) is not None:
        updates["seed"] = args.seed
    if not updates:
        return settings
    return settings.model_copy(update={"sandbox": settings.sandbox.model_copy(update=updates)})


def _init(settings: Settings, args: argparse.Namespace) -> int:
    from sandbox.sage100 import generate

    settings = _scaled(settings, args)
    if not settings.uses_sandbox_erp:
        raise ConfigError(
            "erp.url/erp.odbc point at a real company; `sandbox init` only writes the sandbox"
        )
    path = settings.sandbox_erp_path
    if path.exists() and not args.force:
        _record_made(path, settings.sandbox_scale, None)
        print(f"sandbox company already at {path} (use --force to replace it)")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial.db")
    tmp.unlink(missing_ok=True)
    report = generate(f"sqlite:///{tmp}", scale=settings.sandbox_scale, seed=settings.sandbox.seed)
    tmp.replace(path)
    _record_made(path, report.scale, report.seed)
    total = sum(report.rows.values())
    print(
        f"sandbox company ({report.scale}, seed {report.seed}) at {path}: "
        f"{total:,} rows in {len(report.rows)} tables, {report.seconds:.1f}s"
    )
    return 0


def _record_made(path: Path, scale: str, seed: int | None) -> None:
    """Later commands (seed, sync) use the company `init` made or found, whatever scale
    the configuration's default names (Settings.sandbox_scale)."""
    made = {"scale": scale, "seed": seed, "file": path.name}
    (path.parent / SANDBOX_MADE).write_text(json.dumps(made) + "\n")


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from sandbox.platform import PlatformSandbox, issue_token

    store = settings.sandbox_platform_path
    store.parent.mkdir(parents=True, exist_ok=True)
    integration = issue_token(store, "manual-integration", role="integration")
    user = issue_token(store, "manual-user", role="user")
    with PlatformSandbox(store, max_batch=settings.platform.max_batch) as sandbox:
        # Sandbox-only tokens, minted now and shown once so the API can be tried by hand.
        print(f"platform sandbox at {sandbox.url}  (store {store})")
        print(f"  integration token: {integration}")
        print(f"  user token:        {user}")
        print("Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def _simulate(settings: Settings, args: argparse.Namespace) -> int:
    from erpsync.cli import emit
    from erpsync.runtime import ensure_sandbox_erp
    from sandbox.sage100 import simulate_erp
    from sandbox.sage100.invoicing import invoice_open_orders

    ensure_sandbox_erp(settings)
    changes = simulate_erp(
        settings.erp_url,
        items=args.items,
        quantities=args.quantities,
        prices=args.prices,
        customers_new=args.customers_new,
        customers_edited=args.customers_edited,
        seed=args.seed,
    )
    report: dict[str, Any] = {
        "erp": {
            "now": changes.now.isoformat(),
            "changed": {t: len(keys) for t, keys in changes.changed.items()},
        }
    }
    if args.invoice_orders:
        invoiced = invoice_open_orders(settings.erp_url, args.invoice_orders)
        report["erp"]["invoiced_orders"] = len(invoiced.orders)
    platform = {
        "customers": args.platform_customers,
        "contacts": args.platform_contacts,
        "ship_tos": args.platform_ship_tos,
        "customer_edits": args.platform_customer_edits,
        "orders": args.platform_orders,
        "payments": args.platform_payments,
    }
    if any(platform.values()):
        report["platform"] = _simulate_platform(settings, platform, args.invalid, args.seed)
    emit(report)
    return 0


def _simulate_platform(
    settings: Settings, counts: dict[str, int], invalid: int, seed: int | None
) -> dict[str, Any]:
    from pydantic import SecretStr

    from sandbox.platform import PlatformSandbox, issue_token
    from sandbox.platform.simulate import simulate_platform

    if not settings.uses_embedded_platform:
        raise ConfigError("`sandbox simulate` changes the embedded platform sandbox only")
    store = settings.sandbox_platform_path
    store.parent.mkdir(parents=True, exist_ok=True)
    token = SecretStr(issue_token(store, "simulated-users", role="user"))
    with PlatformSandbox(store, max_batch=settings.platform.max_batch) as sandbox:
        changes = simulate_platform(sandbox.url, token, invalid=invalid, seed=seed, **counts)
    return changes.as_json()
