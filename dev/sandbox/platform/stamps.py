"""Write timestamps and page cursors of the platform sandbox.

Timestamps are ISO 8601 UTC with microseconds and a fixed width, so text order is time
order and SQLite compares them as plain strings. Every write of a store gets a stamp
strictly later than the previous one, even within one microsecond: a reader that asks
for "changed since the last stamp I saw" can never miss a later write.
"""

from __future__ import annotations

import base64
import binascii
import time
from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "decode_cursor", "encode_cursor", "normalize_timestamp"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_MICROSECOND = timedelta(microseconds=1)


def _format(micros: int) -> str:
    return (_EPOCH + timedelta(microseconds=micros)).strftime(_FORMAT)


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class Clock:
    """Strictly increasing stamps; the caller serialises calls (the store's write lock)."""

    def __init__(self, last: str | None = None) -> None:
        self._last = (_parse(last) - _EPOCH) // _MICROSECOND if last else 0

    def tick(self) -> str:
        self._last = max(time.time_ns() // 1000, self._last + 1)
        return _format(self._last)


def normalize_timestamp(value: str, name: str = "changed_since") -> str:
    """Any ISO 8601 timestamp as the store writes them; naive means UTC."""
    try:
        return _parse(value).strftime(_FORMAT)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {value!r:.60} is not an ISO 8601 timestamp") from None


def encode_cursor(updated_at: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at}|{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, _, row_id = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        return normalize_timestamp(stamp, "cursor"), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValueError(f"cursor {cursor!r:.60} was not issued by this server") from None
