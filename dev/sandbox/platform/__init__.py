"""The platform sandbox: a local B2B commerce/CRM platform with an HTTP JSON API.

One resource per entry of connectors.platform.resources, stored in SQLite
(`PlatformStore`), served by FastAPI (`create_app`, imported on first use so that starting
a child sandbox does not load FastAPI in the parent), run as a child process
(`PlatformSandbox`) or in the foreground (`python -m sandbox.platform serve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.platform.server import PlatformSandbox, SandboxStartFailed, serve
from sandbox.platform.store import PlatformStore, RecordResult, UnknownResource
from sandbox.platform.tokens import TokenInfo, issue_token

if TYPE_CHECKING:
    from sandbox.platform.app import create_app

__all__ = [
    "PlatformSandbox",
    "PlatformStore",
    "RecordResult",
    "SandboxStartFailed",
    "TokenInfo",
    "UnknownResource",
    "create_app",
    "issue_token",
    "serve",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from sandbox.platform.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
