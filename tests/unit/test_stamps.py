"""Sage's TimeUpdated is decimal hours in a string: numeric order, day boundaries."""

from __future__ import annotations

from datetime import date, datetime, time

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
    assert "9.50000" > "14.53333"  # the trap a string comparison falls into


def test_overlap_crosses_midnight_and_round_trips() -> None:
    stamp = SageStamp.from_datetime(datetime(2026, 11, 22, 0, 2, 0))
    earlier = stamp.minus(300)
    assert earlier.day == date(2026, 11, 21)
    assert abs(earlier.hours - (23 + 57 / 60)) < 1e-4
    assert SageStamp.parse(str(stamp)) == stamp
