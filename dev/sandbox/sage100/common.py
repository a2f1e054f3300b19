"""Shared machinery of the generator: seeded randomness, Sage stamps, text helpers.

A chunk of rows is a `Frame`: column name -> numpy array (object arrays hold strings,
datetime64 arrays hold dates). Only the writer turns frames into database rows.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import time
from functools import cache
from typing import Any

import numpy as np

from connectors.sage100.stamps import format_sage_time

__all__ = [
    "DAY",
    "SECOND",
    "USERS",
    "Frame",
    "business_seconds",
    "chunk_rng",
    "join",
    "later",
    "phone_numbers",
    "pick",
    "stamp_columns",
    "text",
    "truncate",
]

Frame = dict[str, Any]

DAY = np.timedelta64(1, "D")
SECOND = np.timedelta64(1, "s")

# Sage user keys are 10 characters, zero-filled; a handful of office users enter data.
USERS: tuple[str, ...] = tuple(f"{k:010d}" for k in (1, 2, 3, 4, 7, 9, 12))


def chunk_rng(seed: int, table: str, chunk: int = 0) -> np.random.Generator:
    """The random stream of one chunk of one table: independent of every other chunk,
    so a chunk's rows do not depend on how many rows were drawn before it."""
    return np.random.default_rng([seed % (1 << 64), zlib.crc32(table.encode()), chunk])


@cache
def _time_texts() -> np.ndarray:
    # Every second of the day through the one formatter, so the vectorised stamps equal
    # what `format_sage_time` gives for the same instant, digit for digit.
    texts = [format_sage_time(time(s // 3600, s // 60 % 60, s % 60)) for s in range(86_400)]
    return np.array(texts, dtype=object)


def stamp_columns(
    rng: np.random.Generator,
    created: np.ndarray,
    updated: np.ndarray | None = None,
    *,
    prefix: str = "",
) -> Frame:
    """DateCreated/TimeCreated/UserCreatedKey/DateUpdated/TimeUpdated/UserUpdatedKey from
    datetime64[s] instants: dates as dates, times as Sage's decimal-hour strings."""
    created = created.astype("datetime64[s]")
    updated = created if updated is None else np.maximum(updated.astype("datetime64[s]"), created)
    n = len(created)
    users = np.asarray(USERS, dtype=object)
    creator = users[rng.integers(0, len(users), n)]
    editor = np.where(updated > created, users[rng.integers(0, len(users), n)], creator)
    texts = _time_texts()
    out: Frame = {}
    for label, when, who in (("Created", created, creator), ("Updated", updated, editor)):
        day = when.astype("datetime64[D]")
        seconds = ((when - day) // SECOND).astype(np.int64)
        out[f"{prefix}Date{label}"] = day
        out[f"{prefix}Time{label}"] = texts[seconds]
        out[f"{prefix}User{label}Key"] = who
    return out


def later(
    rng: np.random.Generator, created: np.ndarray, as_of: np.datetime64, share: float
) -> np.ndarray:
    """Update instants: `share` of the rows were edited on some later working day (never
    before creation, never after as_of)."""
    created = created.astype("datetime64[s]")
    n = len(created)
    first = created.astype("datetime64[D]")
    span = (as_of.astype("datetime64[D]") - first) // DAY
    day = first + (rng.random(n) * (span + 1)).astype(np.int64) * DAY
    edited = day + business_seconds(rng, n) * SECOND
    edited = np.minimum(np.maximum(edited, created), as_of)
    return np.where(rng.random(n) < share, edited, created)


def business_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight when office users work: mostly 7:00-18:00, some early
    mornings and evenings (so stamps fall both before and after 10:00)."""
    start = np.array([7.0, 18.0, 5.0]) * 3600
    width = np.array([11.0, 3.0, 2.0]) * 3600
    band = rng.choice(3, size=n, p=[0.86, 0.10, 0.04])
    return (start[band] + rng.random(n) * width[band]).astype(np.int64)


def pick(rng: np.random.Generator, values: Sequence[Any], n: int) -> np.ndarray:
    pool = np.asarray(values, dtype=object)
    return pool[rng.integers(0, len(pool), n)]


def truncate(values: np.ndarray, width: int) -> np.ndarray:
    return np.array([v[:width].rstrip() for v in values], dtype=object)


def join(*parts: np.ndarray | str, sep: str = " ") -> np.ndarray:
    """Element-wise join of string arrays, skipping blank parts."""
    columns = [p if isinstance(p, np.ndarray) else None for p in parts]
    n = next(len(c) for c in columns if c is not None)
    full = [c if c is not None else [p] * n for c, p in zip(columns, parts, strict=True)]
    rows = zip(*full, strict=True)
    return np.array([sep.join(s for s in row if s) for row in rows], dtype=object)


def text(n: int, value: str = "") -> np.ndarray:
    """A column of one constant string (blank by default: Sage's empty value)."""
    return np.full(n, value, dtype=object)


def phone_numbers(
    rng: np.random.Generator, area_codes: np.ndarray, countries: np.ndarray | None = None
) -> np.ndarray:
    """ "(214) 555-0123" in North America, "+44 161 555 0123" elsewhere (fits 17 wide)."""
    from sandbox.sage100.places import COUNTRIES

    dial = {c.code: c.phone for c in COUNTRIES}
    n = len(area_codes)
    countries = np.full(n, "USA", dtype=object) if countries is None else countries
    exchange = rng.integers(200, 999, n)
    line = rng.integers(0, 10_000, n)
    return np.array(
        [
            f"({a}) {e:03d}-{s:04d}" if dial[c] == "1" else f"+{dial[c]} {a} {e:03d} {s:04d}"
            for a, e, s, c in zip(area_codes, exchange, line, countries, strict=True)
        ],
        dtype=object,
    )
