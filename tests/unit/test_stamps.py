"""Sage's TimeUpdated is decimal hours in a string: numeric order, day boundaries."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from connectors.sage100.models import max_stamp, stamp_mask
from connectors.sage100.stamps import SageStamp, format_sage_time, parse_sage_time


def test_format_and_parse_decimal_hours() -> None:
    assert format_sage_time(time(14, 32, 0)) == "14.53333"
    assert format_sage_time(time(9, 30, 0)) == "9.50000"
    assert format_sage_time(time(0, 0, 0)) == "0.00000"
    assert len(format_sage_time(time(23, 59, 59, 999999))) <= 8
    assert parse_sage_time(" 9.5 ") == 9.5
    assert parse_sage_time("") == 0.0 and parse_sage_time(None) == 0.0


def test_stamps_order_numerically_not_lexically() -> None:
    morning = SageStamp(date(2026, 11, 22), parse_sage_time("9.50000"))
    afternoon = SageStamp(date(2026, 11, 22), parse_sage_time("14.53333"))
    next_morning = SageStamp(date(2026, 11, 23), parse_sage_time("1.00000"))
    assert morning < afternoon < next_morning
    assert SageStamp.parse(str(morning)) < SageStamp.parse(str(afternoon))


def _stamped(*stamps: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"DateUpdated": [d for d, _ in stamps], "TimeUpdated": [t for _, t in stamps]},
        dtype="string",
    )


def test_the_client_side_window_and_the_newest_stamp_compare_times_as_numbers() -> None:
    # As text "9.50000" sorts after "14.53333": a string comparison would keep the morning
    # row in a window starting at 10:00 and call it the newest of the day.
    frame = _stamped(("2026-11-22", "9.50000"), ("2026-11-22", "14.53333"), ("2026-11-21", "23.9"))
    since = SageStamp(date(2026, 11, 22), 10.0)
    assert stamp_mask(frame, since, None).tolist() == [False, True, False]
    before = SageStamp(date(2026, 11, 22), 10.0)
    assert stamp_mask(frame, None, before).tolist() == [True, False, True]
    assert max_stamp(frame) == SageStamp(date(2026, 11, 22), 14.53333)
    # padded and blank times (ProvideX pads; blank is midnight)
    padded = _stamped(("2026-11-22", " 9.5 "), ("2026-11-22", ""))
    assert max_stamp(padded) == SageStamp(date(2026, 11, 22), 9.5)
    assert stamp_mask(padded, SageStamp(date(2026, 11, 22), 0.0), None).tolist() == [True, True]


def test_overlap_crosses_midnight_and_round_trips() -> None:
    stamp = SageStamp.from_datetime(datetime(2026, 11, 22, 0, 2, 0))
    earlier = stamp.minus(300)
    assert earlier.day == date(2026, 11, 21)
    assert abs(earlier.hours - (23 + 57 / 60)) < 1e-4
    assert SageStamp.parse(str(stamp)) == stamp
