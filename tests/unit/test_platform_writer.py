"""PlatformWriter: full batches, linkage after acknowledgement, refusals, delivery failures."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from typing import Any, cast

import orjson
import pytest

from connectors.platform.models import UpsertResult
from erpsync.engine.writer import PlatformWriter
from erpsync.state.models import RecordError


def _rec(key: str, status: str = "created", pid: int | None = None) -> bytes:
    """An encoded record telling the fake platform how to answer it."""
    return orjson.dumps({"k": key, "s": status, "id": pid})


class FakeClient:
    """Answers each record as it says; can hold a call, fail it, or answer out of order."""

    def __init__(
        self,
        log: list[str],
        *,
        fail_on: int | None = None,
        hold: threading.Event | None = None,
        reverse: bool = False,
    ) -> None:
        self.log = log
        self.fail_on = fail_on
        self.hold = hold
        self.reverse = reverse
        self.sent: list[list[str]] = []
        self.resources: list[str] = []
        self.entered = threading.Event()

    def upsert_encoded(self, resource: str, encoded: Sequence[bytes]) -> UpsertResult:
        records = [orjson.loads(raw) for raw in encoded]
        self.resources.append(resource)
        self.sent.append([r["k"] for r in records])
        call = len(self.sent)
        self.log.append(f"sent {call}")
        self.entered.set()
        if self.hold is not None and (self.fail_on is None or call == self.fail_on):
            assert self.hold.wait(5), "test never released the held call"
        if call == self.fail_on:
            raise ConnectionError("platform unreachable")
        # A refused record says why ("bad zip"), except Q, refused without a reason.
        results = [
            {"index": i, "id": r["id"], "status": r["s"]}
            | ({"error": "bad zip"} if r["s"] == "failed" and r["k"] != "Q" else {})
            for i, r in enumerate(records)
        ]
        if self.reverse:
            results.reverse()
        self.log.append(f"acked {call}")
        return UpsertResult.from_response({"results": results}, len(records))


class FakeState:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.links: list[tuple[str, list[tuple[str, str | None, str]]]] = []
        self.failed: list[tuple[str, list[tuple[str, str]], str]] = []

    def link_downloads(self, entity: str, linked: list[tuple[str, str | None, str]]) -> None:
        self.log.append("linked")
        self.links.append((entity, list(linked)))

    def mark_download_failed(
        self, entity: str, refused: list[tuple[str, str]], run_id: str
    ) -> None:
        self.failed.append((entity, list(refused), run_id))

    @property
    def linked_keys(self) -> list[str]:
        return [key for _, batch in self.links for key, _, _ in batch]


def _writer(
    client: FakeClient, state: FakeState, *, max_batch: int, pipelined: bool
) -> PlatformWriter:
    return PlatformWriter(
        cast(Any, client),
        cast(Any, state),
        entity="items",
        resource="products",
        step=10,
        run_id="run-1",
        max_batch=max_batch,
        pipelined=pipelined,
    )


def _add(writer: PlatformWriter, keys: Sequence[str], status: str = "created") -> None:
    writer.add(
        list(keys), [_rec(k, status, 100 + i) for i, k in enumerate(keys)], [f"h-{k}" for k in keys]
    )


BOTH = pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "inline"])


@BOTH
def test_every_call_but_the_last_carries_a_full_batch(pipelined: bool) -> None:
    log: list[str] = []
    client, state = FakeClient(log), FakeState(log)
    writer = _writer(client, state, max_batch=3, pipelined=pipelined)
    keys = [f"K{n:02}" for n in range(13)]
    for part in (keys[:2], keys[2:6], keys[6:7], keys[7:13]):
        _add(writer, part)
    totals = writer.close()
    assert [len(batch) for batch in client.sent] == [3, 3, 3, 3, 1]
    assert [k for batch in client.sent for k in batch] == keys  # in order, each once
    assert set(client.resources) == {"products"}
    assert totals.calls == 5 and totals.created == 13 and totals.written == 13
    assert state.linked_keys == keys
    assert {entity for entity, _ in state.links} == {"items"}


@BOTH
def test_nothing_is_sent_before_a_batch_is_full_or_the_writer_closes(pipelined: bool) -> None:
    log: list[str] = []
    client, state = FakeClient(log), FakeState(log)
    writer = _writer(client, state, max_batch=5, pipelined=pipelined)
    _add(writer, ["A", "B"])
    assert client.sent == [] and state.links == []
    writer.close()
    assert client.sent == [["A", "B"]]
    assert writer.close().calls == 1  # closing again sends nothing more


@BOTH
def test_accepted_records_are_linked_and_refused_ones_marked_failed(pipelined: bool) -> None:
    log: list[str] = []
    client, state = FakeClient(log, reverse=True), FakeState(log)  # results out of order
    writer = _writer(client, state, max_batch=10, pipelined=pipelined)
    encoded = [_rec("C", "created", 7), _rec("U", "updated", 8), _rec("S", "unchanged"),
               _rec("F", "failed"), _rec("Q", "failed"), _rec("C2", "created", 9)]  # fmt: skip
    writer.add(["C", "U", "S", "F", "Q", "C2"], encoded, ["hc", "hu", "hs", "hf", "hq", "hc2"])
    totals = writer.close()
    linked = sorted(link for _, batch in state.links for link in batch)
    assert linked == [("C", "7", "hc"), ("C2", "9", "hc2"), ("S", None, "hs"), ("U", "8", "hu")]
    (entity, refused, run_id), *rest = state.failed
    assert not rest and (entity, run_id) == ("items", "run-1")
    assert sorted(refused) == [("F", "bad zip"), ("Q", "refused by the platform")]
    assert (totals.created, totals.updated, totals.unchanged, totals.failed) == (2, 1, 1, 2)
    assert totals.written == 3
    assert sorted(totals.errors, key=lambda e: e.record_key) == [
        RecordError(10, "items", "F", None, "platform refused it: bad zip"),
        RecordError(10, "items", "Q", None, "platform refused it: refused by the platform"),
    ]


def test_a_batch_is_linked_only_after_the_platform_acknowledged_it() -> None:
    log: list[str] = []
    hold = threading.Event()
    client, state = FakeClient(log, hold=hold), FakeState(log)
    writer = _writer(client, state, max_batch=2, pipelined=True)
    _add(writer, ["A", "B"])
    assert client.entered.wait(5)
    assert state.links == []  # sent, not yet answered: nothing in state
    hold.set()
    writer.close()
    assert log == ["sent 1", "acked 1", "linked"]
    assert state.linked_keys == ["A", "B"]


def test_a_delivery_failure_stops_the_pipeline_and_close_raises_it() -> None:
    log: list[str] = []
    hold = threading.Event()
    client, state = FakeClient(log, fail_on=2, hold=hold), FakeState(log)
    writer = _writer(client, state, max_batch=2, pipelined=True)
    _add(writer, ["A", "B", "C", "D", "E", "F", "G", "H"])  # 4 batches: 1 ok, 2 fails
    _add(writer, ["I"])
    hold.set()
    with pytest.raises(ConnectionError, match="platform unreachable"):
        writer.close()
    assert client.sent == [["A", "B"], ["C", "D"]]  # nothing after the failed batch
    assert state.linked_keys == ["A", "B"]  # acknowledged before the failure
    assert writer.totals.calls == 1
    with pytest.raises(ConnectionError):
        _add(writer, ["J"])


def test_inline_writer_raises_the_last_batch_failure_from_close() -> None:
    log: list[str] = []
    client, state = FakeClient(log, fail_on=2), FakeState(log)
    writer = _writer(client, state, max_batch=2, pipelined=False)
    _add(writer, ["A", "B", "C"])
    assert client.sent == [["A", "B"]]  # sent inline, as soon as the batch is full
    with pytest.raises(ConnectionError, match="platform unreachable"):
        writer.close()
    assert client.sent == [["A", "B"], ["C"]]
    assert state.linked_keys == ["A", "B"] and state.failed == []


def test_inline_writer_raises_a_full_batch_failure_from_add() -> None:
    log: list[str] = []
    client, state = FakeClient(log, fail_on=1), FakeState(log)
    writer = _writer(client, state, max_batch=2, pipelined=False)
    with pytest.raises(ConnectionError):
        _add(writer, ["A", "B", "C", "D"])
    assert client.sent == [["A", "B"]] and state.links == []


def test_inline_writer_sends_nothing_after_a_delivery_failure() -> None:
    log: list[str] = []
    client, state = FakeClient(log, fail_on=1), FakeState(log)
    writer = _writer(client, state, max_batch=2, pipelined=False)
    with pytest.raises(ConnectionError):
        _add(writer, ["A", "B", "C", "D"])
    with contextlib.suppress(ConnectionError):
        writer.close()  # as run_download does after a failure
    # Today close() sends [["A", "B", "C", "D"]] again: a batch of 4 with max_batch=2.
    assert client.sent == [["A", "B"]]
