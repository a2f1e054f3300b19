"""Injected faults: the next N requests of one token answer a chosen status.

Only registered when the sandbox runs with --allow-faults. Faults belong to the token that
asked for them, so tests sharing one sandbox cannot trip each other's clients.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["Fault", "FaultBook", "parse_fault"]


@dataclass(frozen=True)
class Fault:
    status: int
    count: int
    retry_after: int | None = None


def parse_fault(body: Any) -> Fault:
    """Validate a {"status", "count", "retry_after"} request; ValueError names the field."""
    if not isinstance(body, dict):
        raise ValueError("body must be an object with status, count and retry_after")
    status, count = body.get("status"), body.get("count", 1)
    retry_after = body.get("retry_after")
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError("status must be an HTTP error status (400-599)")
    if not isinstance(count, int) or not 0 <= count <= 1000:
        raise ValueError("count must be an integer from 0 to 1000")
    if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
        raise ValueError("retry_after must be null or a whole number of seconds")
    return Fault(status, count, retry_after)


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, Fault] = {}

    def arm(self, token_sha256: str, fault: Fault) -> None:
        with self._lock:
            if fault.count:
                self._pending[token_sha256] = fault
            else:
                self._pending.pop(token_sha256, None)

    def take(self, token_sha256: str) -> Fault | None:
        """The fault this request must answer with, if one is armed (and use it up)."""
        with self._lock:
            fault = self._pending.get(token_sha256)
            if fault is None:
                return None
            if fault.count > 1:
                self._pending[token_sha256] = Fault(
                    fault.status, fault.count - 1, fault.retry_after
                )
            else:
                del self._pending[token_sha256]
            return fault
