"""Sage 100 change stamps: DateUpdated (a date) plus TimeUpdated (decimal hours, a string).

Sage stores the time of day as hours since midnight in an 8-character string, e.g.
14:32:00 -> "14.53333". Compared as strings they sort wrongly ("9.5" > "14.2"), so every
comparison here is numeric. Resolution is 1e-5 hours (0.036 s); a stamp is rounded *down*
to that grid when it becomes a watermark, so a row stamped in the same instant as the
watermark is never excluded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

__all__ = ["SageStamp", "format_sage_time", "parse_sage_time"]

_DECIMALS = 5
_GRID = 10**_DECIMALS


def format_sage_time(value: time | datetime) -> str:
    """14:32:00 -> "14.53333" (five decimals, at most 8 characters)."""
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    hours = math.floor(seconds / 3600 * _GRID) / _GRID
    return f"{hours:.{_DECIMALS}f}"


def parse_sage_time(value: str | float | None) -> float:
    """The decimal hours in a TimeUpdated value; blank or missing is midnight."""
    if value is None:
        return 0.0
    if isinstance(value, float | int):
        return float(value)
    text = value.strip()
    return float(text) if text else 0.0


@dataclass(frozen=True, order=True)
class SageStamp:
    """A point on Sage's clock (server-local wall time, no zone)."""

    day: date
    hours: float

    @classmethod
    def from_datetime(cls, value: datetime) -> SageStamp:
        return cls(value.date(), float(format_sage_time(value)))

    @classmethod
    def parse(cls, text: str) -> SageStamp:
        """Inverse of `str()`: "2026-11-22 14.53333"."""
        day, _, hours = text.partition(" ")
        return cls(date.fromisoformat(day), parse_sage_time(hours))

    def to_datetime(self) -> datetime:
        return datetime.combine(self.day, time()) + timedelta(hours=self.hours)

    def minus(self, seconds: float) -> SageStamp:
        """The stamp `seconds` earlier, across midnight if need be (the overlap window)."""
        return SageStamp.from_datetime(self.to_datetime() - timedelta(seconds=seconds))

    @property
    def time_text(self) -> str:
        return f"{self.hours:.{_DECIMALS}f}"

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.time_text}"
