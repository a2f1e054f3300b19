"""The incremental predicate: rows changed at or after a SageStamp, times compared as numbers.

Each case runs on SQLite, PostgreSQL and over ODBC, in both time_filter modes. Expected rows
come from an oracle in Python (SageStamp ordering over the rows as written), and the
string-compare trap has its own explicit assertions.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from connectors.sage100 import SageStamp, parse_sage_time

from .conftest import Company

DAY = date(2026, 3, 10)
# (ItemCode, DateUpdated, TimeUpdated) — each row one edge of the predicate.
ROWS = [
    ("SAME-EARLY", DAY, "9.50000"),
    ("SAME-LATE", DAY, "14.53333"),
    ("SAME-JUST-BEFORE", DAY, "14.53332"),
    ("SAME-MIDNIGHT", DAY, "0.00000"),
    ("SAME-LAST", DAY, "23.99999"),
    ("SAME-NULL", DAY, None),
    ("SAME-BLANK", DAY, "        "),
    ("NEXT-EARLIER", date(2026, 3, 11), "1.00000"),
    ("NEXT-BLANK", date(2026, 3, 11), ""),
    ("PREV-LATER", date(2026, 3, 9), "23.90000"),
    ("PREV-EARLY", date(2026, 3, 9), "2.00000"),
    ("MUCH-LATER", date(2027, 1, 1), "10.00000"),
]
MODES = ["sql", "client"]


def _oracle(since: SageStamp | None, before: SageStamp | None) -> set[str]:
    keep = set()
    for code, day, time in ROWS:
        stamp = SageStamp(day, parse_sage_time(time))
        if (since is None or stamp >= since) and (before is None or stamp < before):
            keep.add(code)
    return keep


@pytest.fixture()
def items(company: Company) -> Company:
    company.create("CI_Item", "AR_Division", "SO_SalesOrderDetail")
    company.insert(
        "CI_Item",
        [
            {"ItemCode": code, "ItemCodeDesc": f"item {code}", "DateUpdated": d, "TimeUpdated": t}
            for code, d, t in ROWS
        ],
    )
    return company


def _codes(frames: list[pd.DataFrame]) -> list[str]:
    return [code for frame in frames for code in frame["ItemCode"]]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "since",
    [
        SageStamp(DAY, 9.5),  # the lexical trap: "14.53333" < "9.50000" as strings
        SageStamp(DAY, 14.53333),  # inclusive boundary; "9.50000" > "14.53333" as strings
        SageStamp(DAY, 0.0),  # NULL and blank TimeUpdated are midnight: included
        SageStamp(DAY, 23.99999),
        SageStamp(date(2026, 3, 9), 23.95),
    ],
    ids=str,
)
def test_changed_since_matches_the_numeric_oracle(
    items: Company, mode: str, since: SageStamp
) -> None:
    reader = items.reader(time_filter=mode)
    codes = _codes(list(reader.read("CI_Item", ["ItemCode"], changed_since=since)))
    assert len(codes) == len(set(codes))
    assert set(codes) == _oracle(since, None)


@pytest.mark.parametrize("mode", MODES)
def test_time_is_compared_as_a_number_not_as_text(items: Company, mode: str) -> None:
    reader = items.reader(time_filter=mode)
    after_half_nine = _codes(
        list(reader.read("CI_Item", ["ItemCode"], changed_since=SageStamp(DAY, 9.5)))
    )
    assert "SAME-LATE" in after_half_nine  # 14.53333 >= 9.5
    assert "SAME-EARLY" in after_half_nine  # inclusive
    assert "SAME-MIDNIGHT" not in after_half_nine
    after_half_two = _codes(
        list(reader.read("CI_Item", ["ItemCode"], changed_since=SageStamp(DAY, 14.53333)))
    )
    assert "SAME-EARLY" not in after_half_two  # 9.5 < 14.53333 though "9.5" > "14.5"
    assert "SAME-LATE" in after_half_two  # the boundary itself
    assert "SAME-JUST-BEFORE" not in after_half_two
    assert "NEXT-EARLIER" in after_half_two  # next day at an earlier clock time
    assert "PREV-LATER" not in after_half_two  # previous day at a later clock time


@pytest.mark.parametrize("mode", MODES)
def test_changed_before_is_exclusive_and_symmetric(items: Company, mode: str) -> None:
    reader = items.reader(time_filter=mode)
    since, before = SageStamp(date(2026, 3, 9), 23.9), SageStamp(DAY, 14.53333)
    window = _codes(
        list(reader.read("CI_Item", ["ItemCode"], changed_since=since, changed_before=before))
    )
    assert set(window) == _oracle(since, before)
    assert "SAME-LATE" not in window and "PREV-LATER" in window
    only_before = _codes(list(reader.read("CI_Item", ["ItemCode"], changed_before=before)))
    assert set(only_before) == _oracle(None, before)


def test_both_modes_give_identical_rows(items: Company) -> None:
    since = SageStamp(DAY, 9.5)
    frames = {}
    for mode in MODES:
        reader = items.reader(time_filter=mode)
        got = pd.concat(list(reader.read("CI_Item", changed_since=since)), ignore_index=True)
        frames[mode] = got.sort_values("ItemCode", ignore_index=True)
    pd.testing.assert_frame_equal(frames["sql"], frames["client"])
    # the client filter's helper columns do not leak into a narrower column list
    reader = items.reader(time_filter="client")
    narrow = list(reader.read("CI_Item", ["ItemCode"], changed_since=since))
    assert all(list(f.columns) == ["ItemCode"] for f in narrow)


def test_auto_mode_is_client_for_odbc_and_sql_otherwise(items: Company) -> None:
    expected = "client" if items.backend == "odbc" else "sql"
    assert items.reader().time_filter == expected


def test_a_table_without_stamps_refuses_a_window(items: Company) -> None:
    reader = items.reader()
    with pytest.raises(ValueError, match="SO_SalesOrderDetail"):
        reader.read("SO_SalesOrderDetail", changed_since=SageStamp(DAY, 0.0))
    with pytest.raises(ValueError, match="SO_SalesOrderDetail"):
        reader.read("SO_SalesOrderDetail", changed_before=SageStamp(DAY, 0.0))
    assert reader.queries == 0
