"""Street addresses for customers, contacts and ship-tos: US cities for division 00,
Canada, Mexico and overseas for division 01, with each country's postal code shape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.common import join, pick
from sandbox.sage100.places import CITIES, EXPORT_CITIES, City

__all__ = ["AREA_CODES", "Addresses", "addresses"]

# (city, country) -> telephone area code
AREA_CODES = {(c.name, c.country): c.area_code for c in (*CITIES, *EXPORT_CITIES)}


@dataclass
class Addresses:
    line1: np.ndarray
    line2: np.ndarray
    city: np.ndarray
    state: np.ndarray
    zip_code: np.ndarray
    country: np.ndarray
    area: np.ndarray


def _postal(rng: np.random.Generator, city: City) -> str:
    d = rng.integers(0, 10, 4)
    letters = "ABCEGHJKLMNPRSTVXY"
    if city.country == "CAN":
        return f"{city.zip_prefix} {d[0]}{letters[d[1]]}{d[2]}"
    if city.country == "GBR":
        return f"{city.zip_prefix} {d[0]}{letters[d[1]]}{letters[d[2]]}"
    if city.country == "NLD":
        return f"{city.zip_prefix}{d[0]}{d[1]} {letters[d[2]]}{letters[d[3]]}"
    if city.country in ("AUS", "NZL"):
        return city.zip_prefix
    base = f"{city.zip_prefix}{d[0]}{d[1]}"[:5]
    return f"{base}-{rng.integers(1000, 10_000)}" if city.country == "USA" and d[3] < 2 else base


def addresses(rng: np.random.Generator, export: np.ndarray) -> Addresses:
    """Street addresses: division 01 customers abroad, the rest in the US."""
    n = len(export)
    pool_us = rng.integers(0, len(CITIES), n)
    pool_ex = rng.integers(0, len(EXPORT_CITIES), n)
    cities = [
        EXPORT_CITIES[b] if e else CITIES[a]
        for a, b, e in zip(pool_us, pool_ex, export, strict=True)
    ]
    street = join(
        rng.integers(10, 9900, n).astype(str).astype(object),
        pick(rng, names.STREET_NAMES, n),
        pick(rng, names.STREET_SUFFIXES, n),
    )
    unit = rng.integers(0, 10, n)
    line2 = np.array(
        [
            ("Suite " + str(100 * (u + 1))) if u < 2 else ("Unit " + "ABCD"[u - 2]) if u < 4 else ""
            for u in unit
        ],
        dtype=object,
    )
    return Addresses(
        line1=street,
        line2=line2,
        city=np.array([c.name for c in cities], dtype=object),
        state=np.array([c.state for c in cities], dtype=object),
        zip_code=np.array([_postal(rng, c) for c in cities], dtype=object),
        country=np.array([c.country for c in cities], dtype=object),
        area=np.array([c.area_code for c in cities], dtype=object),
    )
