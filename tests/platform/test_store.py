"""The sandbox store on a real SQLite file: matching, merging, status rules, paging."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from sandbox.platform import PlatformStore, RecordResult, UnknownResource, issue_token
from sandbox.platform.tokens import hash_token


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[PlatformStore]:
    s = PlatformStore(tmp_path / "platform.db")
    yield s
    s.close()


def statuses(results: list[RecordResult]) -> list[str]:
    return [r.status for r in results]


def field(store: PlatformStore, resource: str, rid: int | None, name: str) -> Any:
    assert rid is not None
    record = store.get(resource, rid)
    assert record is not None
    return record.get(name)


def test_create_unchanged_updated_and_merge(store: PlatformStore) -> None:
    [created] = store.upsert(
        "items", [{"item_number": "A", "price": 1.5, "uom": "EA"}], "integration"
    )
    assert created.status == "created" and created.id is not None
    first = store.get("items", created.id)
    assert first is not None

    [same] = store.upsert("items", [{"item_number": "A", "price": 1.5}], "integration")
    assert (same.status, same.id) == ("unchanged", created.id)
    assert store.get("items", created.id) == first  # updated_at not bumped

    [changed] = store.upsert("items", [{"item_number": "A", "price": 2.0, "uom": None}], "user")
    assert changed.status == "updated"
    after = store.get("items", created.id)
    assert after is not None
    # price replaced, uom cleared by null, item_number kept; stamps moved forward
    assert {k: v for k, v in after.items() if k not in ("created_at", "updated_at")} == {
        "id": created.id,
        "item_number": "A",
        "price": 2.0,
    }
    assert after["created_at"] == first["created_at"]
    assert after["updated_at"] > first["updated_at"]


def test_id_wins_over_natural_key_and_can_rename(store: PlatformStore) -> None:
    a, b = store.upsert("items", [{"item_number": "A"}, {"item_number": "B"}], "integration")
    results = store.upsert(
        "items",
        [
            {"id": a.id, "item_number": "B"},  # B is taken by another record
            {"id": b.id, "item_number": "C"},  # rename B -> C
            {"id": a.id, "item_number": "B"},  # now B is free
            {"id": 999_999, "item_number": "Z"},
        ],
        "integration",
    )
    assert statuses(results) == ["failed", "updated", "updated", "failed"]
    assert results[0].error == f"record 0: item_number='B' already belongs to items id {b.id}"
    assert results[3].error == "record 3: no items record with id 999999"
    assert field(store, "items", a.id, "item_number") == "B"
    assert field(store, "items", b.id, "item_number") == "C"


def test_missing_key_is_a_per_record_error(store: PlatformStore) -> None:
    results = store.upsert(
        "item_locations",
        [{"item_number": "A", "location_code": "000"}, {"item_number": "A"}, {"qty": 1}],
        "integration",
    )
    assert statuses(results) == ["created", "failed", "failed"]
    assert results[1].error == "record 1: missing key field location_code"
    assert results[2].error == "record 2: missing key fields item_number, location_code"
    assert store.count("item_locations") == 1


def test_key_optional_records_are_created_without_a_key(store: PlatformStore) -> None:
    results = store.upsert("customers", [{"name": "Walk-in"}, {"name": "Walk-in"}], "user")
    assert statuses(results) == ["created", "created"]  # no key: nothing to match by
    assert store.count("customers") == 2
    # the ERP later assigns the customer number, addressed by platform id
    [bound] = store.upsert(
        "customers", [{"id": results[0].id, "customer_no": "01-ABF"}], "integration"
    )
    assert bound.status == "updated"
    [again] = store.upsert(
        "customers", [{"customer_no": "01-ABF", "name": "Walk-in"}], "integration"
    )
    assert (again.status, again.id) == ("unchanged", results[0].id)


def test_duplicate_keys_in_one_batch_apply_in_order(store: PlatformStore) -> None:
    results = store.upsert(
        "items",
        [
            {"item_number": "D", "price": 1},
            {"item_number": "D", "price": 2},
            {"item_number": "D", "price": 2},
        ],
        "integration",
    )
    assert statuses(results) == ["created", "updated", "unchanged"]
    assert len({r.id for r in results}) == 1
    assert field(store, "items", results[0].id, "price") == 2


def test_bad_records_name_the_record_and_field(store: PlatformStore) -> None:
    results = store.upsert(
        "customers",
        [
            ["not", "an", "object"],
            {"id": "x"},
            {"customer_no": ["A"]},
            {"customer_no": "A", "erp_status": "done"},
        ],
        "integration",
    )
    assert statuses(results) == ["failed"] * 4
    assert results[0].error == "record 0: not a JSON object"
    assert results[1].error is not None and results[1].error.startswith("record 1: id must be")
    assert (
        results[2].error == "record 2: key field customer_no must be a string or a number, not list"
    )
    assert (
        results[3].error is not None
        and "record 3: erp_status 'done' is not one of" in results[3].error
    )
    with pytest.raises(UnknownResource, match="'widgets'"):
        store.upsert("widgets", [{}], "integration")
    with pytest.raises(ValueError, match="role"):
        store.upsert("items", [{"item_number": "A"}], "admin")


def test_erp_status_follows_seed_004(store: PlatformStore) -> None:
    new = store.upsert(
        "customers",
        [
            {"customer_no": "S1", "name": "a", "erp_status": "synced"},
            {"customer_no": "S2", "name": "b", "erp_status": "synced"},
            {"customer_no": "E1", "name": "c", "erp_status": "error", "erp_error": "bad zip"},
            {"customer_no": "P1", "name": "d", "erp_status": "inprocess"},
            {"customer_no": "N1", "name": "e"},
        ],
        "integration",
    )
    assert field(store, "customers", new[4].id, "erp_status") == "empty"
    store.upsert(
        "customers",
        [
            {"customer_no": "S1", "name": "a2"},  # user edit of a synced record
            {"customer_no": "E1", "name": "c2"},  # ... of a record in error
            {"customer_no": "P1", "name": "d2"},  # ... of one being processed: left alone
            {"customer_no": "S2", "erp_error": "note"},  # only erp_* fields: not an edit
        ],
        "user",
    )
    store.upsert("customers", [{"customer_no": "S2", "name": "b2"}], "integration")

    def status(i: int) -> str:
        return str(field(store, "customers", new[i].id, "erp_status"))

    assert [status(i) for i in range(4)] == ["updatesmade", "synced", "updatesmade", "inprocess"]
    # a user's explicit status choice is obeyed
    store.upsert(
        "customers",
        [{"customer_no": "S2", "name": "b3", "erp_status": "readyforfirstsync"}],
        "user",
    )
    assert status(1) == "readyforfirstsync"


def test_stamps_strictly_increase_and_pages_are_keyset(store: PlatformStore) -> None:
    for i in range(30):
        store.upsert("items", [{"item_number": f"I{i:02d}", "n": i}], "integration")
    everything, cursor = store.changed("items", limit=100)
    stamps = [r["updated_at"] for r in everything]
    assert cursor is None and len(everything) == 30
    assert all(a < b for a, b in itertools.pairwise(stamps))

    first, cursor = store.changed("items", limit=10)
    assert [r["n"] for r in first] == list(range(10)) and cursor is not None
    store.upsert("items", [{"item_number": "I00", "n": 100}], "integration")  # moves behind
    rest: list[int] = []
    while cursor is not None:
        page, cursor = store.changed("items", cursor=cursor, limit=10)
        rest.extend(r["n"] for r in page)
    assert rest == [*range(10, 30), 100]

    since, _ = store.changed("items", since=stamps[25], limit=100)
    assert [r["n"] for r in since] == [25, 26, 27, 28, 29, 100]  # since is inclusive
    with pytest.raises(ValueError, match="cursor"):
        store.changed("items", cursor="bogus!!", limit=10)
    with pytest.raises(ValueError, match="changed_since"):
        store.changed("items", since="yesterday", limit=10)


def test_filters_compare_top_level_fields(store: PlatformStore) -> None:
    store.upsert(
        "contacts",
        [
            {"customer_no": "A", "contact_code": "1", "erp_status": "readyforfirstsync", "n": 1},
            {"customer_no": "A", "contact_code": "2", "erp_status": "synced", "n": 2},
            {"customer_no": "B", "contact_code": "1", "erp_status": "readyforfirstsync", "n": 3},
        ],
        "integration",
    )
    ready, _ = store.changed("contacts", filters={"erp_status": "readyforfirstsync"})
    assert [r["n"] for r in ready] == [1, 3]
    both, _ = store.changed(
        "contacts", filters={"erp_status": "readyforfirstsync", "customer_no": "B"}
    )
    assert [r["n"] for r in both] == [3]
    numeric, _ = store.changed("contacts", filters={"n": "2"})
    assert [r["contact_code"] for r in numeric] == ["2"]
    # A comma-separated value accepts any of its parts: "what waits for the ERP?"
    waiting, _ = store.changed("contacts", filters={"erp_status": "updatesmade,readyforfirstsync"})
    assert [r["n"] for r in waiting] == [1, 3]
    some, _ = store.changed("contacts", filters={"n": "1,2"})
    assert [r["n"] for r in some] == [1, 2]
    with pytest.raises(ValueError, match="not a field name"):
        store.changed("contacts", filters={"n') OR 1=1 --": "x"})


def test_raw_insert_delete_and_count(store: PlatformStore) -> None:
    rows = [(f"R{i}", orjson.dumps({"item_number": f"R{i}"}).decode()) for i in range(5)]
    assert store.raw_insert("items", iter(rows)) == 5
    page, _ = store.changed("items")
    assert [r["item_number"] for r in page] == [f"R{i}" for i in range(5)]
    [matched] = store.upsert("items", [{"item_number": "R3"}], "integration")
    assert matched.status == "unchanged"  # same table, same key index as upserts
    assert store.delete("items", ids=[page[0]["id"]], keys=[{"item_number": "R1"}]) == 2
    assert store.count("items") == 3
    with pytest.raises(ValueError, match="key 0: needs item_number"):
        store.delete("items", keys=[{"sku": "R2"}])
    # ids are never reused after a delete
    [fresh] = store.upsert("items", [{"item_number": "R9"}], "integration")
    assert fresh.id is not None and fresh.id > max(r["id"] for r in page)


def test_tokens_are_stored_hashed(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    token = issue_token(path, "ops", role="user", rate_limit_calls=5, rate_limit_window_seconds=60)
    raw = sqlite3.connect(path).execute("SELECT * FROM tokens").fetchall()
    assert token not in repr(raw) and hash_token(token) in repr(raw)
    store = PlatformStore(path)
    info = store.token(hash_token(token))
    assert info is not None and (info.name, info.role, info.rate_limit_calls) == ("ops", "user", 5)
    replaced = issue_token(path, "ops")  # same name: the old token stops working
    assert store.token(hash_token(token)) is None and store.token(hash_token(replaced)) is not None
    store.close()
    with pytest.raises(ValueError, match="role"):
        issue_token(path, "x", role="root")  # type: ignore[arg-type]
