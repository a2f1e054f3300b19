"""Process set-up shared by the CLI commands: Prefect's environment, the embedded sandboxes.

Prefect reads its settings when it is first imported, so `prepare_prefect_env` runs before
any import of prefect: PREFECT_HOME inside the project, analytics off (these machines have
no internet and ops do not want telemetry), erpsync's loggers captured in run logs.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from erpsync.config import Settings
from erpsync.devkit import require_sandbox

__all__ = [
    "embedded_platform",
    "ensure_sandbox_erp",
    "prepare_prefect_env",
    "stop_on_sigterm",
]


def prepare_prefect_env(settings: Settings) -> None:
    home = settings.prefect_home
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "erpsync")
    # Prefect gives its extra loggers handlers but no level: left at the root's WARNING,
    # the engine's INFO lines (records held back, and why) never reached the run log.
    logging.getLogger("erpsync").setLevel(logging.INFO)
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    # A temporary server may need a while on a busy two-core machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if settings.prefect.api_url:
        os.environ["PREFECT_API_URL"] = settings.prefect.api_url


def stop_on_sigterm() -> None:
    """SIGTERM ends a command as Ctrl-C does: the run unwinds (its lease released, its
    ledger entry closed, the servers it started stopped) and the command ends with one
    line and exit 130, instead of dying where it stands."""

    def interrupt(_signum: int, _frame: object) -> None:
        # From here on the run is being torn down: Prefect would log each task's crash
        # with its traceback; the operator gets the one line instead.
        logging.disable(logging.CRITICAL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def ensure_sandbox_erp(settings: Settings, *, log: bool = True) -> Path | None:
    """Create the sandbox company on first use (the embedded default ERP)."""
    if not settings.uses_sandbox_erp:
        return None
    path = settings.sandbox_erp_path
    if not path.exists():
        require_sandbox("the embedded Sage 100 company (erp.url empty)")
        from sandbox.sage100 import generate

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial.db")
        tmp.unlink(missing_ok=True)
        if log:
            # stderr: stdout may be carrying --json output
            print(
                f"erpsync: creating the {settings.sandbox_scale} sandbox company at {path}",
                file=sys.stderr,
            )
        generate(f"sqlite:///{tmp}", scale=settings.sandbox_scale, seed=settings.sandbox.seed)
        tmp.rename(path)  # a half-generated company never looks finished
    return path


@contextmanager
def embedded_platform(settings: Settings) -> Iterator[str | None]:
    """Run the platform sandbox for the duration of a command, when configured.

    The engine gets a fresh integration token through the environment variable its
    `platform.token` reference names; the token is never written anywhere but the
    sandbox's own store, which keeps only its hash.
    """
    if not settings.uses_embedded_platform:
        yield None
        return
    require_sandbox('platform.url = "embedded"')
    from sandbox.platform import PlatformSandbox, issue_token

    store = settings.sandbox_platform_path
    store.parent.mkdir(parents=True, exist_ok=True)
    token = issue_token(
        store,
        f"erpsync-{secrets.token_hex(4)}",
        role="integration",
        rate_limit_calls=settings.sandbox.rate_limit_calls,
        rate_limit_window_seconds=settings.sandbox.rate_limit_window_seconds,
    )
    ref = settings.platform.token
    env_name = ref[len("env:") :] if ref.startswith("env:") else "ERPSYNC_PLATFORM_TOKEN"
    saved = {
        k: os.environ.get(k) for k in (env_name, "ERPSYNC_PLATFORM__URL", "ERPSYNC_PLATFORM__TOKEN")
    }
    with PlatformSandbox(store, max_batch=settings.platform.max_batch) as sandbox:
        os.environ[env_name] = token
        os.environ["ERPSYNC_PLATFORM__URL"] = sandbox.url
        os.environ["ERPSYNC_PLATFORM__TOKEN"] = f"env:{env_name}"
        try:
            yield sandbox.url
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
