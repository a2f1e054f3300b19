"""The frontier at the watermark boundary, and window reads shared between steps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pandas as pd
import pytest

from connectors.sage100.stamps import SageStamp
from erpsync.engine import boundary
from erpsync.engine.boundary import Boundary, SharedWindow

DAY = "2026-11-22"
KEY = ("ItemCode",)


def _rows(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """(ItemCode, DateUpdated, TimeUpdated) rows, as the Sage reader gives them: text."""
    frame = pd.DataFrame(rows, columns=["ItemCode", "DateUpdated", "TimeUpdated"])
    return frame.astype("string")


def _at(time: str, *codes: str, day: str = DAY) -> pd.DataFrame:
    return _rows(*((code, day, time) for code in codes))


def test_note_keeps_the_rows_within_the_overlap_of_the_newest_stamp() -> None:
    b = Boundary(None, overlap_seconds=600)  # 10 minutes
    b.note("CI_Item", _rows(("A", DAY, "10.00000"), ("B", DAY, "9.90000"), ("C", DAY, "9.5")), KEY)
    assert b.frontier() == {"CI_Item": ["A@2026-11-22 10.00000", "B@2026-11-22 9.90000"]}


def test_times_compare_as_numbers_and_across_midnight() -> None:
    b = Boundary(None, overlap_seconds=600)
    # "9.95" > "10.0" as text; as hours it is 3 minutes earlier.
    b.note("CI_Item", _rows(("A", DAY, "10.0"), ("B", DAY, "9.95"), ("C", DAY, "1.0")), KEY)
    assert b.frontier() == {"CI_Item": ["A@2026-11-22 10.0", "B@2026-11-22 9.95"]}
    b = Boundary(None, overlap_seconds=600)
    b.note("CI_Item", _rows(("L", "2026-11-21", "23.95"), ("E", DAY, "0.05")), KEY)
    assert b.frontier() == {"CI_Item": ["E@2026-11-22 0.05", "L@2026-11-21 23.95"]}


def test_a_newer_chunk_moves_the_boundary_and_older_rows_leave_the_frontier() -> None:
    b = Boundary(None, overlap_seconds=600)
    b.note("CI_Item", _at("10.0", "A", "B"), KEY)
    b.note("CI_Item", _at("11.0", "C"), KEY)
    b.note("CI_Item", _at("9.0", "D"), KEY)  # late chunk, far behind the boundary
    assert b.frontier() == {"CI_Item": ["C@2026-11-22 11.0"]}


def test_tables_share_the_step_boundary_and_keep_their_own_rows() -> None:
    b = Boundary(None, overlap_seconds=600)
    b.note("CI_Item", _at("11.0", "A"), KEY)
    b.note("IM_ItemWarehouse", _at("10.95", "A"), KEY)
    b.note("IM_PriceCode", _at("8.0", "A"), KEY)
    assert b.frontier() == {
        "CI_Item": ["A@2026-11-22 11.0"],
        "IM_ItemWarehouse": ["A@2026-11-22 10.95"],
    }


def test_fresh_drops_rows_processed_last_run_but_not_rows_changed_since() -> None:
    previous = {
        "CI_Item": ["A@2026-11-22 10.0", "C@2026-11-22 9.95"],
        "Other": ["B@2026-11-22 10.0"],
    }
    b = Boundary(previous, overlap_seconds=600)
    frame = _rows(("A", DAY, "10.0"), ("B", DAY, "10.0"), ("C", DAY, "10.0"))
    out = b.fresh("CI_Item", frame, KEY)
    # A is as processed; B was processed for another table only; C changed again.
    assert out["ItemCode"].tolist() == ["B", "C"]
    assert out.index.tolist() == [1, 2]
    # The rows dropped are still at the boundary: they stay in the next frontier.
    assert b.frontier() == {
        "CI_Item": ["A@2026-11-22 10.0", "B@2026-11-22 10.0", "C@2026-11-22 10.0"]
    }


def test_fresh_uses_every_key_column() -> None:
    key = ("ARDivisionNo", "CustomerNo")
    frame = pd.DataFrame(
        {"ARDivisionNo": ["01", "02"], "CustomerNo": ["0000001", "0000001"],
         "DateUpdated": [DAY, DAY], "TimeUpdated": ["10.0", "10.0"]},
        dtype="string",
    )  # fmt: skip
    b = Boundary({"AR_Customer": ["01|0000001@2026-11-22 10.0"]}, overlap_seconds=60)
    assert b.fresh("AR_Customer", frame, key)["ARDivisionNo"].tolist() == ["02"]


def test_empty_frames_and_no_previous_frontier() -> None:
    b = Boundary(None, overlap_seconds=600)
    empty = _rows()
    assert b.fresh("CI_Item", empty, KEY) is empty
    frame = _at("10.0", "A")
    assert b.fresh("CI_Item", frame, KEY) is frame
    assert b.frontier() == {"CI_Item": ["A@2026-11-22 10.0"]}
    assert Boundary({}, 600).frontier() == {}


def test_a_table_with_too_many_boundary_rows_keeps_no_frontier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boundary, "FRONTIER_CAP", 2)
    b = Boundary({"CI_Item": ["A@2026-11-22 10.0"]}, overlap_seconds=600)
    out = b.fresh("CI_Item", _at("10.0", "A", "B", "C", "D", "E"), KEY)  # 5 > 2 * cap
    assert out["ItemCode"].tolist() == ["B", "C", "D", "E"]  # still dropped: correct
    b.note("CI_Item", _at("10.5", "F"), KEY)  # a full table stays full for the run
    b.note("IM_ItemWarehouse", _at("10.5", "A"), KEY)
    assert b.frontier() == {"IM_ItemWarehouse": ["A@2026-11-22 10.5"]}


def test_up_to_twice_the_cap_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boundary, "FRONTIER_CAP", 2)
    b = Boundary(None, overlap_seconds=600)
    b.note("CI_Item", _at("10.0", "A", "B", "C", "D"), KEY)
    assert len(b.frontier()["CI_Item"]) == 4


def test_rows_pruned_below_the_cap_keep_the_frontier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boundary, "FRONTIER_CAP", 2)
    b = Boundary(None, overlap_seconds=600)
    b.note("CI_Item", _at("10.0", "A", "B", "C", "D"), KEY)
    b.note("CI_Item", _at("12.0", "E"), KEY)  # 5 > 2 * cap; pruned, only E is left
    assert b.frontier() == {"CI_Item": ["E@2026-11-22 12.0"]}


# --- SharedWindow ----------------------------------------------------------------------------


class FakeErp:
    """Yields the frames it holds per table (with the columns asked), counting reads."""

    def __init__(self, tables: dict[str, list[pd.DataFrame]]) -> None:
        self.tables = tables
        self.calls: list[tuple[str, tuple[str, ...], Any, Any]] = []

    def read(
        self, table: str, columns: Sequence[str], *, changed_since: Any, changed_before: Any
    ) -> Iterator[pd.DataFrame]:
        self.calls.append((table, tuple(columns), changed_since, changed_before))
        for frame in self.tables[table]:
            yield frame[list(columns)]


COLS = ["ItemCode", "DateUpdated", "TimeUpdated"]
SINCE = SageStamp(date(2026, 11, 22), 9.0)


def _items() -> FakeErp:
    return FakeErp({
        "CI_Item": [_rows(("A", DAY, "9.5"), ("B", DAY, "10.0")), _rows(("C", DAY, "10.5"))],
        "IM_ItemWarehouse": [_rows(("W", DAY, "9.5"))],
    })  # fmt: skip


def _codes(frames: Iterator[pd.DataFrame]) -> list[list[str]]:
    return [f["ItemCode"].tolist() for f in frames]


def test_second_read_of_a_table_is_answered_from_memory() -> None:
    erp = _items()
    shared = SharedWindow(erp)
    assert _codes(shared.read("CI_Item", COLS, SINCE, None)) == [["A", "B"], ["C"]]
    again = list(shared.read("CI_Item", ["ItemCode", "DateUpdated", "TimeUpdated"], SINCE, None))
    assert _codes(iter(again)) == [["A", "B"], ["C"]]
    assert len(erp.calls) == 1
    narrower = list(shared.read("CI_Item", ["ItemCode"], SINCE, None))
    assert [f.columns.tolist() for f in narrower] == [["ItemCode"], ["ItemCode"]]
    assert len(erp.calls) == 1


def test_a_later_window_start_is_filtered_from_memory() -> None:
    erp = _items()
    shared = SharedWindow(erp)
    list(shared.read("CI_Item", COLS, SINCE, None))
    later = SageStamp(date(2026, 11, 22), 10.0)
    parts = list(shared.read("CI_Item", COLS, later, None))
    assert _codes(iter(parts)) == [["B"], ["C"]]  # since is inclusive
    assert parts[0].index.tolist() == [0]
    # A chunk with nothing left in the window is not yielded at all.
    assert _codes(shared.read("CI_Item", COLS, SageStamp(date(2026, 11, 22), 10.2), None)) == [
        ["C"]
    ]
    assert len(erp.calls) == 1


def test_reads_not_covered_by_the_kept_window_go_to_the_erp() -> None:
    erp = _items()
    shared = SharedWindow(erp)
    list(shared.read("CI_Item", COLS, SINCE, None))
    earlier = SageStamp(date(2026, 11, 21), 9.0)
    list(shared.read("CI_Item", COLS, earlier, None))
    assert len(erp.calls) == 2  # an earlier start
    list(shared.read("IM_ItemWarehouse", COLS, earlier, None))
    assert [c[0] for c in erp.calls] == ["CI_Item", "CI_Item", "IM_ItemWarehouse"]
    before = SageStamp(date(2026, 11, 23), 0.0)
    list(shared.read("CI_Item", COLS, earlier, before))
    assert erp.calls[-1] == ("CI_Item", tuple(COLS), earlier, before)  # another end


def test_more_columns_than_kept_go_to_the_erp() -> None:
    frame = _rows(("A", DAY, "9.5")).assign(ItemType="1")
    erp = FakeErp({"CI_Item": [frame]})
    shared = SharedWindow(erp)
    list(shared.read("CI_Item", COLS, SINCE, None))
    list(shared.read("CI_Item", [*COLS, "ItemType"], SINCE, None))
    list(shared.read("CI_Item", ["ItemType", "DateUpdated", "TimeUpdated"], SINCE, None))
    assert len(erp.calls) == 2  # the wider second read is kept in place of the first


def test_an_unfinished_read_is_not_kept() -> None:
    erp = _items()
    shared = SharedWindow(erp)
    next(shared.read("CI_Item", COLS, SINCE, None))
    list(shared.read("CI_Item", COLS, SINCE, None))
    assert len(erp.calls) == 2


def test_reads_larger_than_the_cap_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boundary, "SHARED_CAP", 2)
    erp = _items()
    shared = SharedWindow(erp)
    assert _codes(shared.read("CI_Item", COLS, SINCE, None)) == [["A", "B"], ["C"]]  # 3 rows
    assert _codes(shared.read("CI_Item", COLS, SINCE, None)) == [["A", "B"], ["C"]]
    assert len(erp.calls) == 2
    list(shared.read("IM_ItemWarehouse", COLS, SINCE, None))  # 1 row: kept
    list(shared.read("IM_ItemWarehouse", COLS, SINCE, None))
    assert len(erp.calls) == 3
