"""`erpsync worker --pool NAME`: a Prefect process worker for erpsync's deployments.

A thin, checked wrapper of `prefect worker start`: Prefect creates a pool it does not
know, so a worker started on a misspelt pool waits for ever and nothing tells. This one
first checks, against the server in PREFECT_API_URL, that the pool exists and carries
erpsync deployments, and ends with one line naming the pools that do if not.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

import httpx

from erpsync.errors import ConfigError, ConnectionFailed

__all__ = ["check_pool", "require_api", "start_worker"]


def _api() -> str:
    api = os.environ.get("PREFECT_API_URL", "")
    if not api:
        raise ConfigError(
            "erpsync worker needs the production Prefect server: set PREFECT_API_URL "
            "(or prefect.api_url)"
        )
    return api.rstrip("/")


def _get(url: str, **kw: Any) -> httpx.Response:
    try:
        return httpx.request(kw.pop("method", "GET"), url, timeout=15, **kw)
    except httpx.HTTPError as exc:
        where = url.split("/api")[0]
        raise ConnectionFailed(f"PREFECT_API_URL {where}: not reachable ({exc})") from None


def require_api() -> str:
    """PREFECT_API_URL, checked: ConfigError when unset, ConnectionFailed when down."""
    api = _api()
    if _get(f"{api}/health").status_code != 200:
        raise ConnectionFailed(f"PREFECT_API_URL {api}: /health did not answer 200")
    return api


def check_pool(pool: str) -> list[str]:
    """The erpsync deployments on `pool`; ConfigError when there is no such pool or none."""
    api = _api()
    found = _get(f"{api}/work_pools/{pool}")
    if found.status_code == 404:
        pools = [p["name"] for p in _get(f"{api}/work_pools/filter", method="POST", json={}).json()]
        raise ConfigError(
            f"work pool {pool!r} does not exist on {api} (pools: {', '.join(pools) or 'none'});"
            f" create it with: prefect work-pool create {pool} --type process"
        )
    found.raise_for_status()
    deployments = _get(f"{api}/deployments/filter", method="POST", json={}).json()
    ours = [d for d in deployments if "erpsync" in (d.get("tags") or [])]
    here = [d["name"] for d in ours if d.get("work_pool_name") == pool]
    if not here:
        elsewhere = sorted({d.get("work_pool_name") or "(served)" for d in ours})
        raise ConfigError(
            f"work pool {pool!r} has no erpsync deployments (wrong pool? erpsync "
            f"deployments are on: {', '.join(elsewhere) or 'none; run prefect deploy'})"
        )
    return here


def start_worker(pool: str, name: str | None = None) -> None:
    """Check the pool, then become `prefect worker start` (signals go straight to it)."""
    check_pool(pool)
    worker_name = name or f"erpsync-{socket.gethostname()}-{pool}"
    args = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
            "--type", "process", "--name", worker_name]  # fmt: skip
    sys.stdout.flush()
    os.execv(sys.executable, args)
