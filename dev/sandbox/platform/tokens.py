"""API tokens of the platform sandbox: issued once, stored only as a SHA-256 hash.

Like a Lime API key, a token is shown once when it is issued; issuing another under the
same name replaces the old one (which stops working). Each token has a role: the
"integration" token is erpsync's, a "user" token stands for a person editing records on
the platform (seed 004: their edits mark synced records "updatesmade").
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["ROLES", "Role", "TokenInfo", "hash_token", "issue_token"]

Role = Literal["integration", "user"]
ROLES: tuple[Role, ...] = ("integration", "user")


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: Role
    rate_limit_calls: int  # per window; 0 = unlimited
    rate_limit_window_seconds: int
    token_sha256: str

    def __repr__(self) -> str:
        return f"TokenInfo(name={self.name!r}, role={self.role!r})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    store_path: str | Path,
    name: str,
    role: Role = "integration",
    rate_limit_calls: int = 0,
    rate_limit_window_seconds: int = 900,
) -> str:
    """Create a token and return it; this is the only time its value exists anywhere.

    Safe while a sandbox serves the same store: the server looks tokens up per request.
    """
    if role not in ROLES:
        raise ValueError(f"token role must be one of {', '.join(ROLES)}, not {role!r}")
    if rate_limit_calls < 0 or rate_limit_window_seconds <= 0:
        raise ValueError("rate_limit_calls must be >= 0 and rate_limit_window_seconds > 0")
    if not name:
        raise ValueError("a token needs a name")
    from sandbox.platform.store import PlatformStore  # the store imports this module

    token = "psb_" + secrets.token_urlsafe(32)
    store = PlatformStore(store_path)
    try:
        store.save_token(
            TokenInfo(name, role, rate_limit_calls, rate_limit_window_seconds, hash_token(token))
        )
    finally:
        store.close()
    return token
