"""What orders need to know about items and customers, kept as compact column arrays.

Items and customers are generated (and written) in chunks; their catalogues keep only the
columns orders copy, so a sales-order chunk can be built without reading the database.
Both are ordered by creation date: the entries that existed on a day are a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sandbox.sage100.common import DAY
from sandbox.sage100.scales import Scale

__all__ = [
    "CHARGE",
    "COMMENT",
    "ITEM_TYPE",
    "KIT",
    "MISC",
    "REGULAR",
    "CustomerCatalog",
    "CustomerParts",
    "ItemCatalog",
    "ItemParts",
    "creation_days",
    "history_start",
]

# Item kinds: regular and kit are ItemType 1 (kit = ProductType K), then 5, 3 and 4.
REGULAR, KIT, MISC, CHARGE, COMMENT = range(5)
ITEM_TYPE = np.array(["1", "1", "5", "3", "4"], dtype=object)  # Sage's ItemType by kind


def history_start(as_of: np.datetime64, scale: Scale) -> np.datetime64:
    """First day of the order history: a little over `years` full years before as_of."""
    years = scale.years
    return as_of.astype("datetime64[D]") - (years * 365 + years // 4 + 30) * DAY


def creation_days(
    first: int,
    stop: int,
    total: int,
    as_of: np.datetime64,
    scale: Scale,
    *,
    before: float,
    oldest_years: int = 10,
) -> np.ndarray:
    """Creation day of entries first..stop of `total`, non-decreasing with the position:
    the first `before` share predates the order history, the rest arrives during it."""
    today = as_of.astype("datetime64[D]")
    start = history_start(as_of, scale)
    oldest = today - oldest_years * 365 * DAY
    f = np.arange(first, stop) / max(total, 1)
    lead = (start - oldest) // DAY
    early = (lead - 30) * np.minimum(f / before, 1.0)
    late = lead + ((today - start) // DAY - 7) * np.clip((f - before) / (1 - before), 0, 1)
    return oldest + np.where(f < before, early, late).astype(np.int64) * DAY


@dataclass
class ItemParts:
    code: np.ndarray
    desc: np.ndarray
    kind: np.ndarray  # items.REGULAR, KIT, MISC, CHARGE, COMMENT
    product_line: np.ndarray
    tax_class: np.ndarray
    uom: np.ndarray
    sales_acct: np.ndarray
    cogs_acct: np.ndarray
    warehouse: np.ndarray
    price: np.ndarray
    cost: np.ndarray
    weight: np.ndarray
    created: np.ndarray  # datetime64[s]
    popularity: np.ndarray  # relative chance of appearing on an order line


@dataclass
class CustomerParts:
    division: np.ndarray
    number: np.ndarray
    name: np.ndarray
    address1: np.ndarray
    address2: np.ndarray
    address3: np.ndarray
    city: np.ndarray
    state: np.ndarray
    zip_code: np.ndarray
    country: np.ndarray
    ship_via: np.ndarray
    terms: np.ndarray
    tax_schedule: np.ndarray
    tax_exempt: np.ndarray
    salesperson: np.ndarray
    price_level: np.ndarray
    payment_type: np.ndarray
    bill_to_division: np.ndarray
    bill_to_number: np.ndarray
    credit_hold: np.ndarray  # bool
    confirm_to: np.ndarray
    email: np.ndarray
    ship_to_code: np.ndarray  # primary ship-to ("" = ships to the bill-to address)
    ship_to_name: np.ndarray
    ship_to_address1: np.ndarray
    ship_to_address2: np.ndarray
    ship_to_city: np.ndarray
    ship_to_state: np.ndarray
    ship_to_zip: np.ndarray
    ship_to_country: np.ndarray
    warehouse: np.ndarray
    created: np.ndarray  # datetime64[s]
    popularity: np.ndarray


class _Catalog:
    _parts_type: type

    def __init__(self) -> None:
        self._chunks: list[object] = []
        self._columns: dict[str, np.ndarray] | None = None
        self._cumulative: np.ndarray | None = None

    def add(self, parts: object) -> None:
        self._chunks.append(parts)
        self._columns = None
        self._cumulative = None

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._columns is None:
            names = [f.name for f in fields(self._parts_type)]
            self._columns = {
                n: np.concatenate([getattr(c, n) for c in self._chunks]) for n in names
            }
            # Keep one copy: the chunks become the joined columns.
            self._chunks = [self._parts_type(**self._columns)]
        try:
            return self._columns[name]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return len(self.created)

    def _pick(self, rng: np.random.Generator, first: int, available: np.ndarray) -> np.ndarray:
        """Entries weighted by popularity among the first `available` (from `first`)."""
        if self._cumulative is None:
            self._cumulative = np.cumsum(self.popularity[first:])
        cum = self._cumulative
        top = cum[np.maximum(available, 1) - 1]
        return first + np.searchsorted(cum, rng.random(len(available)) * top, side="right")

    def _available(self, first: int, days: np.ndarray) -> np.ndarray:
        created_day = self.created[first:].astype("datetime64[D]")
        return np.searchsorted(created_day, days.astype("datetime64[D]"), side="left")


class ItemCatalog(_Catalog):
    _parts_type = ItemParts

    @property
    def first_sellable(self) -> int:
        return int(np.argmax((self.kind == REGULAR) | (self.kind == KIT)))

    def sellable(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Regular and kit items for order lines on `days`: only items created before."""
        first = self.first_sellable
        return self._pick(rng, first, np.maximum(self._available(first, days), 1))

    def of_kind(self, kind: int) -> np.ndarray:
        return np.nonzero(self.kind == kind)[0]


class CustomerCatalog(_Catalog):
    _parts_type = CustomerParts

    def buyers(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Customers placing orders on `days`: only accounts opened before."""
        return self._pick(rng, 0, np.maximum(self._available(0, days), 1))
