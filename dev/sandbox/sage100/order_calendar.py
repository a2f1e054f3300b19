"""When orders happen: a working-week rhythm with growth and seasons over the history.

Order i (numbered in time order) falls on a day found from the cumulative daily counts,
and at a time proportional to its place among that day's orders, so numbers and stamps
increase together across chunk boundaries, as Sage's next-order-number does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.sage100.catalog import history_start
from sandbox.sage100.common import DAY, SECOND
from sandbox.sage100.scales import Scale

__all__ = ["OPEN_WINDOW_DAYS", "OrderCalendar"]

OPEN_WINDOW_DAYS = 60
_WEEKDAY = np.array([1.0, 1.05, 1.05, 1.0, 0.9, 0.12, 0.04])  # Monday first
_OPEN_HOUR, _HOURS = 7.0, 11.0


@dataclass(frozen=True)
class OrderCalendar:
    days: np.ndarray  # datetime64[D], first history day .. the day before as_of
    cum: np.ndarray  # orders entered up to and including each day
    as_of: np.datetime64

    @classmethod
    def build(cls, scale: Scale, as_of: np.datetime64) -> OrderCalendar:
        today = as_of.astype("datetime64[D]")
        days = np.arange(history_start(as_of, scale), today, DAY)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        years = (days - days[0]) / DAY / 365.25
        doy = (days - days.astype("datetime64[Y]")) / DAY
        month = (days.astype("datetime64[M]") - days.astype("datetime64[Y]")).astype(np.int64)
        dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
        # New Year's Day, Independence Day, Christmas: the office is closed.
        holiday = (
            ((month == 0) & (dom == 1))
            | ((month == 6) & (dom == 4))
            | ((month == 11) & (dom == 25))
        )
        weight = (
            _WEEKDAY[weekday] * 1.08**years * (1 + 0.12 * np.cos(2 * np.pi * (doy - 120) / 365))
        )
        weight = np.where(holiday, 0.05 * weight, weight)
        share = np.cumsum(weight) / weight.sum()
        cum = np.floor(scale.orders * share + 0.5).astype(np.int64)
        cum[-1] = scale.orders
        return cls(days, cum, as_of)

    def locate(self, rng: np.random.Generator, index: np.ndarray) -> np.ndarray:
        """Entry instants (datetime64[s]) of orders `index`."""
        slot = np.searchsorted(self.cum, index, side="right")
        before = np.where(slot > 0, self.cum[np.maximum(slot - 1, 0)], 0)
        count = self.cum[slot] - before
        place = (index - before + rng.random(len(index))) / count
        seconds = ((_OPEN_HOUR + place * _HOURS) * 3600).astype(np.int64)
        return self.days[slot] + seconds * SECOND

    def window(self, days: int = OPEN_WINDOW_DAYS) -> tuple[int, int]:
        """(first order index, order count) of the last `days` days."""
        first_day = self.as_of.astype("datetime64[D]") - days * DAY
        slot = int(np.searchsorted(self.days, first_day))
        first = int(self.cum[slot - 1]) if slot > 0 else 0
        return first, int(self.cum[-1]) - first

    def special_orders(self) -> np.ndarray:
        """Indexes of the recent orders that are quotes, master, repeating and prospect
        orders (OrderType Q, M, R, P): spread through the open window, types in turn."""
        first, count = self.window()
        wanted = min(max(count // 40, 4), max(count // 3, 1))
        return first + np.floor((np.arange(wanted) + 0.5) * count / wanted).astype(np.int64)
