"""What the platform connector returns: write results, pages, call statistics."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ClientStats", "Page", "RecordResult", "Status", "UpsertResult"]

Status = Literal["created", "updated", "unchanged", "failed"]
_STATUSES = frozenset({"created", "updated", "unchanged", "failed"})


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The platform's answer for one record of a batch, by its index in the batch."""

    index: int
    id: int | None
    status: Status
    error: str | None = None


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int
    failed: int
    results: list[RecordResult]

    @classmethod
    def from_response(cls, body: Any, sent: int) -> UpsertResult:
        """Read a DataImported body; ValueError says what is wrong with it."""
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise ValueError("no results list in the answer")
        results: list[RecordResult] = []
        for item in body["results"]:
            try:
                index, rid, status = item["index"], item["id"], item["status"]
            except (KeyError, TypeError):
                raise ValueError("a result lacks index, id or status") from None
            if not isinstance(index, int) or not 0 <= index < sent or status not in _STATUSES:
                raise ValueError(f"a result has index {index!r:.20} / status {status!r:.20}")
            results.append(RecordResult(index, rid, status, item.get("error")))
        if len(results) != sent:
            raise ValueError(f"{len(results)} results for {sent} records sent")
        counts = Counter(r.status for r in results)
        return cls(
            counts["created"], counts["updated"], counts["unchanged"], counts["failed"], results
        )


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    next_cursor: str | None


@dataclass
class ClientStats:
    """Calls per (method, resource) and records sent: the benchmark reports these."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    records_sent: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, method: str, resource: str, records: int = 0) -> None:
        with self._lock:
            self.calls[(method, resource)] += 1
            self.records_sent += records

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())
