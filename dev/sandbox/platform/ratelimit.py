"""Per-token fixed-window rate limits, counted in the server process (CIMcloud's model:
N calls per window, announced in X-RateLimit-Limit / -Remaining / -Reset)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Decision", "FixedWindowLimiter"]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # whole seconds until the window resets, at least 1

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }


class FixedWindowLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, calls)

    def hit(self, key: str, limit: int, window_seconds: int, *, count: bool = True) -> Decision:
        """Count one call (unless `count` is False) and say whether it may proceed.

        A refused call is not counted: a client that waits for the reset gets in.
        """
        now = self._clock()
        with self._lock:
            start, calls = self._windows.get(key, (now, 0))
            if now - start >= window_seconds:
                start, calls = now, 0
            allowed = calls < limit
            if allowed and count:
                calls += 1
            self._windows[key] = (start, calls)
        # Rounded up, so a client that waits this long always finds a fresh window.
        reset = max(1, math.ceil(start + window_seconds - now))
        return Decision(allowed, limit, max(0, limit - calls), reset)
