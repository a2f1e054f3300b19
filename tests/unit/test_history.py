"""The first day of the transaction history a seed brings and incremental runs keep."""

from __future__ import annotations

from datetime import date

from erpsync.engine.context import history_start


def test_history_starts_the_same_day_n_years_back() -> None:
    assert history_start(3, date(2026, 11, 30)) == date(2023, 11, 30)
    assert history_start(1, date(2028, 2, 29)) == date(2027, 2, 28)  # no 29 February then
    assert history_start(4, date(2028, 2, 29)) == date(2024, 2, 29)
