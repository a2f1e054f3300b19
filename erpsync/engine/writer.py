"""Batched, pipelined writes to the platform, each batch linked once it is acknowledged.

Records arrive already encoded (the bytes that were hashed). The writer cuts them into
full batches of the platform's maximum size, so every call but the last of a step carries
a full batch, and sends them from one background thread while the step reads and maps the
next chunk. After a batch is acknowledged its linkages (key, platform id, hash) are
committed: state only ever describes writes the platform has accepted. A record the
platform refuses is marked download-failed and retried first on the next run; a batch
that cannot be delivered at all stops the step (nothing after it is sent, the watermark
does not move, and the next run re-reads from the old one).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from erpsync.state.models import RecordError

if TYPE_CHECKING:
    from connectors.platform.client import PlatformClient
    from erpsync.state import StateStore

__all__ = ["PlatformWriter", "WriteTotals"]

_DONE = object()


@dataclass
class WriteTotals:
    calls: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[RecordError] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated


@dataclass
class _Batch:
    keys: list[str]
    encoded: list[bytes]
    hashes: list[str]


class PlatformWriter:
    def __init__(
        self,
        client: PlatformClient,
        state: StateStore,
        *,
        entity: str,
        resource: str | None = None,
        step: int,
        run_id: str,
        max_batch: int,
        pipelined: bool = True,
    ) -> None:
        self._client = client
        self._state = state
        self._entity = entity
        self._resource = resource or entity
        self._step = step
        self._run_id = run_id
        self._max = max_batch
        self.totals = WriteTotals()
        self._buffer = _Batch([], [], [])
        self._error: BaseException | None = None
        self._queue: queue.Queue[object] | None = None
        self._thread: threading.Thread | None = None
        if pipelined:
            # Two batches in flight at most: enough to overlap mapping with the network,
            # small enough that memory does not grow with a slow platform.
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(
                target=self._drain, name=f"writer-{entity}", daemon=True
            )
            self._thread.start()

    # --- producer side ---------------------------------------------------------------------
    def add(self, keys: Sequence[str], encoded: Sequence[bytes], hashes: Sequence[str]) -> None:
        self._raise_if_failed()
        buf = self._buffer
        buf.keys.extend(keys)
        buf.encoded.extend(encoded)
        buf.hashes.extend(hashes)
        while len(buf.keys) >= self._max:
            batch = _Batch(buf.keys[: self._max], buf.encoded[: self._max], buf.hashes[: self._max])
            # Out of the buffer before it is sent: a batch that fails is never sent again
            # by close(); the step fails and the next run reads it again.
            del buf.keys[: self._max], buf.encoded[: self._max], buf.hashes[: self._max]
            self._submit(batch)

    def close(self) -> WriteTotals:
        """Send what is left, wait for the sender, raise the first delivery failure."""
        if self._buffer.keys and self._error is None:
            self._submit(self._buffer)
            self._buffer = _Batch([], [], [])
        if self._queue is not None and self._thread is not None:
            self._queue.put(_DONE)
            self._thread.join()
        self._raise_if_failed()
        return self.totals

    def _submit(self, batch: _Batch) -> None:
        if self._queue is None:
            try:
                self._send(batch)
            except BaseException as exc:
                self._error = exc
                raise
            return
        while True:
            self._raise_if_failed()
            try:
                self._queue.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    # --- sender side -----------------------------------------------------------------------
    def _drain(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is not None:
                continue  # a failed step sends nothing more; keep draining so put() never blocks
            try:
                assert isinstance(item, _Batch)
                self._send(item)
            except BaseException as exc:
                self._error = exc

    def _send(self, batch: _Batch) -> None:
        result = self._client.upsert_encoded(self._resource, batch.encoded)
        self.totals.calls += 1
        linked: list[tuple[str, str | None, str]] = []
        refused: list[tuple[str, str]] = []
        for rec in result.results:
            key = batch.keys[rec.index]
            if rec.status == "failed":
                refused.append((key, rec.error or "refused by the platform"))
                continue
            linked.append((key, None if rec.id is None else str(rec.id), batch.hashes[rec.index]))
            if rec.status == "created":
                self.totals.created += 1
            elif rec.status == "updated":
                self.totals.updated += 1
            else:
                self.totals.unchanged += 1
        self._state.link_downloads(self._entity, linked)
        if refused:
            self._state.mark_download_failed(self._entity, refused, self._run_id)
            self.totals.failed += len(refused)
            self.totals.errors.extend(
                RecordError(self._step, self._entity, key, None, f"platform refused it: {why}")
                for key, why in refused
            )
