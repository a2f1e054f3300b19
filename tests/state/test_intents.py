"""ERP write intents, on SQLite and PostgreSQL: the key reserved for a platform record is
committed before the ERP's write, found again by the next run, and never handed to two
records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from erpsync.state import StateStore
from erpsync.state import schema as t
from erpsync.state.intents import DONE, RESERVED, Claim, same_record

Erp = Mapping[str, list[dict[str, Any]]]


def _numbers(start: int) -> Iterator[str]:
    n = start
    while True:
        yield f"{n:07d}"
        n += 1


def _find(erp: Erp, asked: list[list[str]] | None = None) -> Any:
    def find(keys: Sequence[str], names: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        if asked is not None:
            asked.append(list(keys))
        return {k: [{n: r.get(n) for n in names} for r in erp[k]] for k in keys if k in erp}

    return find


def test_intents_are_kept_per_company_and_record(store: StateStore) -> None:
    store.record_intents("sales_orders", "r1", [("p1", "0000101", {"CustomerNo": "0000042"})])
    other = StateStore(store.url, "XYZ")
    other.record_intents("sales_orders", "x1", [("p1", "0000101", {})])  # same key elsewhere
    (mine,) = store.write_intents("sales_orders", ["p1", "p2"]).values()
    assert (mine.erp_key, mine.state, mine.run_id) == ("0000101", RESERVED, "r1")
    assert mine.identity == {"CustomerNo": "0000042"}
    assert store.write_intents("payments", ["p1"]) == {}
    assert store.intent_owners("sales_orders", ["0000101", "0000102"]) == {"0000101": "p1"}

    # The same record again (a key taken meanwhile): one row, the new key and identity.
    store.record_intents("sales_orders", "r2", [("p1", "0000107", {"CustomerNo": "0000043"})])
    again = store.write_intents("sales_orders", ["p1"])["p1"]
    assert (again.erp_key, again.run_id, again.identity) == (
        "0000107",
        "r2",
        {"CustomerNo": "0000043"},
    )
    store.finish_intents("sales_orders", ["p1"])
    assert store.write_intents("sales_orders", ["p1"])["p1"].state == DONE
    assert other.write_intents("sales_orders", ["p1"])["p1"].state == RESERVED
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(t.erp_write_intent))
        assert rows.scalar_one() == 2
    other.close()


def test_one_key_is_never_reserved_for_two_records(store: StateStore) -> None:
    store.record_intents("customers", "r1", [("p1", "00|0000042", {})])
    with pytest.raises(sa.exc.IntegrityError):
        store.record_intents("customers", "r1", [("p2", "00|0000042", {})])
    assert list(store.write_intents("customers", ["p1", "p2"])) == ["p1"]


def test_a_claim_reserves_fresh_keys_past_those_other_records_hold(store: StateStore) -> None:
    # p9's run reserved 0000101 and died before writing it: Sage's counter hands it out
    # again (the sandbox's does), but not to another record.
    store.record_intents("sales_orders", "r0", [("p9", "0000101", {})])
    numbers = _numbers(101)
    claims = [
        Claim(p, {"CustomerNo": "0000042"}, propose=lambda: next(numbers)) for p in ("a", "b")
    ]
    out = store.claim_keys("sales_orders", "r1", claims, _find({}))
    assert sorted(out.write.values()) == ["0000102", "0000103"]
    assert set(out.write) == {"a", "b"} and not out.found and not out.failed
    held = store.write_intents("sales_orders", ["a", "b", "p9"])
    assert {p: (i.erp_key, i.state) for p, i in held.items()} == {
        **{p: (k, RESERVED) for p, k in out.write.items()}, "p9": ("0000101", RESERVED),
    }  # fmt: skip


def test_the_next_run_finds_what_a_run_that_died_wrote(store: StateStore) -> None:
    ident = {"ARDivisionNo": "00", "CustomerNo": "0000042", "CustomerPONo": "WEB-1"}
    store.record_intents(
        "sales_orders",
        "died",
        [
            ("written", "0000201", ident),  # Sage took it, the linkage never came
            ("unwritten", "0000202", ident),  # died before write()
            ("taken", "0000203", ident),  # a Sage user's order under the reserved number
        ],
    )
    erp = {
        "0000201": [{"ARDivisionNo": "00", "CustomerNo": "0000042 ", "CustomerPONo": "web-1"}],
        "0000203": [{"ARDivisionNo": "00", "CustomerNo": "0000777", "CustomerPONo": ""}],
    }
    numbers = _numbers(300)
    claims = [
        Claim(p, ident, propose=lambda: next(numbers)) for p in ("written", "unwritten", "taken")
    ]
    asked: list[list[str]] = []
    out = store.claim_keys("sales_orders", "next", claims, _find(erp, asked))
    assert out.found == {"written": "0000201"}
    assert out.write == {"unwritten": "0000202", "taken": "0000300"}
    assert asked == [["0000201", "0000202", "0000203"]]  # one look-up for the batch
    assert store.write_intents("sales_orders", ["taken"])["taken"].erp_key == "0000300"


def test_a_receipt_key_is_linked_written_or_refused(store: StateStore) -> None:
    key = "WEB01|00|0000042|CC1"
    store.record_intents("payments", "r0", [("other", "WEB01|00|0000042|CC9", {})])
    erp = {
        "WEB01|00|0000042|CC2": [{"PostingAmt": 25.0}],  # posted, same amount
        "WEB01|00|0000042|CC3": [{"PostingAmt": 99.0}],  # somebody else's check
    }
    claims = [
        Claim("new", {"PostingAmt": 25.0}, derived=key),
        Claim("posted", {"PostingAmt": -25.0}, derived="WEB01|00|0000042|CC2"),
        Claim("clash", {"PostingAmt": 25.0}, derived="WEB01|00|0000042|CC3"),
        Claim("twice", {"PostingAmt": 25.0}, derived="WEB01|00|0000042|CC9"),
    ]
    out = store.claim_keys("payments", "r1", claims, _find(erp))
    assert out.write == {"new": key} and out.found == {"posted": "WEB01|00|0000042|CC2"}
    assert set(out.failed) == {"clash", "twice"} and "other" in out.failed["twice"]
    assert store.write_intents("payments", ["new"])["new"].erp_key == key


def test_same_record_compares_what_sage_may_have_changed() -> None:
    assert same_record({"CustomerName": "Acme Supply"}, [{"CustomerName": "ACME SUPPLY  "}])
    assert same_record({"PostingAmt": 25}, [{"PostingAmt": 25.001}])
    assert same_record({"CustomerPONo": None, "CustomerNo": "42"}, [{"CustomerNo": "42"}])
    assert not same_record({"CustomerName": "Acme"}, [{"CustomerName": "Other"}])
    assert not same_record({"CustomerName": "Acme"}, [])
