"""Next-number rules: Sage's counters (customers, sales orders) and erpsync's contact codes.

Sage hands out zero-filled numeric keys ("0000042"). Keys a user typed by hand may be
anything, so only all-digit values of the counter's width count; the highest is found
with a descending key read a page at a time, never by loading the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

__all__ = ["first_free_code", "highest_number"]

_PAGE = 100
FIRST_CONTACT_CODE = 1000


def highest_number(
    conn: sa.Connection,
    column: sa.ColumnElement[str],
    where: Sequence[sa.ColumnElement[bool]] = (),
    width: int = 7,
) -> int:
    """The largest all-digit value of `column` that is exactly `width` long (0 if none)."""
    filters = [
        sa.func.length(column) == width,
        column >= "0" * width,
        column <= "9" * width,
        *where,
    ]
    while True:
        stmt = sa.select(column).where(*filters).order_by(column.desc()).limit(_PAGE)
        values = list(conn.execute(stmt).scalars())
        for value in values:
            if value.isdigit():
                return int(value)
        if len(values) < _PAGE:
            return 0
        filters = [*filters, column < values[-1]]


def first_free_code(used: Iterable[str], start: int = FIRST_CONTACT_CODE) -> str:
    """ "1000", or the first number after it that is not in `used`."""
    taken = set(used)
    number = start
    while str(number) in taken:
        number += 1
    return str(number)
