"""IM_ItemWarehouse rows and the item-level IM_PriceCode records of a chunk of items."""

from __future__ import annotations

import numpy as np

from sandbox.sage100 import reference_data as data
from sandbox.sage100.catalog import KIT, ItemParts
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    stamp_columns,
    text,
)
from sandbox.sage100.pricing import price_code_frame
from sandbox.sage100.reference import Reference

__all__ = ["LEVELS", "item_prices", "item_warehouses", "price_code_records"]

LEVELS = ("1", "2", "3", "4", "5")  # customer price levels


def item_warehouses(
    rng: np.random.Generator, frame: Frame, parts: ItemParts, ref: Reference, as_of: np.datetime64
) -> tuple[Frame, np.ndarray]:
    m, w = len(parts.code), len(ref.warehouses)
    codes = np.asarray(ref.warehouses, dtype=object)
    extra = 0.45 if w <= 3 else 0.3 if w <= 5 else 0.22
    stocked = (codes[None, :] == parts.warehouse[:, None]) | (rng.random((m, w)) < extra)
    item, wh = np.nonzero(stocked)
    n = len(item)
    main = codes[wh] == parts.warehouse[item]
    kit = parts.kind[item] == KIT
    inactive = frame["InactiveItem"][item] == "Y"
    on_hand = np.round(rng.lognormal(np.where(main, 3.6, 2.4), 1.0))
    on_hand = np.where(kit | inactive | (rng.random(n) < 0.08), 0.0, on_hand)
    avg = np.round(parts.cost[item] * rng.uniform(0.97, 1.03, n), 2)
    reorder = np.round(on_hand * rng.uniform(0.2, 0.5, n))
    created = np.maximum(parts.created[item] + rng.integers(0, 30, n) * DAY, parts.created[item])
    created = np.minimum(created, as_of)  # an item new this month is stocked by now, not later
    days_ago = rng.exponential(20, n).astype(np.int64)
    recent = as_of.astype("datetime64[D]") - days_ago * DAY + business_seconds(rng, n) * SECOND
    recent = np.minimum(recent, as_of)
    moved = np.where(rng.random(n) < 0.8, np.maximum(recent, created), created)
    aisle = np.array(list("ABCDEFGH"), dtype=object)[rng.integers(0, 8, n)]
    bins = [
        f"{a}-{r:02d}-{s}"
        for a, r, s in zip(aisle, rng.integers(1, 40, n), rng.integers(1, 6, n), strict=True)
    ]
    out: Frame = {
        "ItemCode": parts.code[item],
        "WarehouseCode": codes[wh],
        "BinLocation": np.array(bins, dtype=object),
        "ReorderMethod": text(n, "R"),
        "QuantityOnHand": on_hand,
        "QuantityOnPurchaseOrder": np.where(
            rng.random(n) < 0.2, np.round(rng.lognormal(3, 0.8, n)), 0.0
        ),
        "QuantityOnSalesOrder": np.where(
            rng.random(n) < 0.25, np.round(rng.lognormal(1.5, 0.8, n)), 0.0
        ),
        "QuantityOnBackOrder": np.where(
            rng.random(n) < 0.05, np.round(rng.lognormal(1.0, 0.6, n)), 0.0
        ),
        "AverageCost": avg,
        "QuantityRequiredForWO": np.zeros(n),
        "QuantityOnWorkOrder": np.zeros(n),
        "QuantityInShipping": np.where(rng.random(n) < 0.05, np.round(rng.uniform(1, 10, n)), 0.0),
        "EconomicOrderQty": np.round(reorder * 2 + 1),
        "ReorderPointQty": reorder,
        "MinimumOrderQty": np.where(reorder > 0, 1.0, 0.0),
        "MaximumOnHandQty": np.round(on_hand * 2 + 10),
        "TotalWarehouseValue": np.round(on_hand * avg, 2),
        "LastPhysicalCountDate": (as_of - rng.integers(1, 365, n) * DAY).astype("datetime64[D]"),
    }
    return out | stamp_columns(rng, created, moved), item


def item_prices(rng: np.random.Generator, parts: ItemParts, as_of: np.datetime64) -> Frame:
    """Item price records (PriceCodeRecord 1): an item's price by customer price level."""
    chosen = np.nonzero(rng.random(len(parts.code)) < 0.1)[0]
    count = rng.integers(1, 4, len(chosen))
    start = rng.integers(0, len(LEVELS), len(chosen))
    item = np.repeat(chosen, count)
    offset = np.arange(len(item)) - np.repeat(np.cumsum(count) - count, count)
    level = np.asarray(LEVELS, dtype=object)[(np.repeat(start, count) + offset) % len(LEVELS)]
    n = len(item)
    method = rng.choice(
        np.array(["D", "O", "P", "M", "C"], dtype=object), n, p=[0.35, 0.3, 0.15, 0.15, 0.05]
    )
    return price_code_frame(
        rng,
        record="1",
        price_code=text(n),
        item_code=parts.code[item],
        level=level,
        division=text(n),
        customer=text(n),
        desc=text(n),
        method=method,
        price=parts.price[item],
        cost=parts.cost[item],
        created=np.minimum(parts.created[item] + rng.integers(0, 200, n) * DAY, as_of),
        as_of=as_of,
    )


def price_code_records(rng: np.random.Generator, as_of: np.datetime64) -> Frame:
    """Price code records (PriceCodeRecord 0): shared schedules, some per price level."""
    rows = [
        (code, desc, method, level)
        for code, desc, method in data.PRICE_CODES
        for level in ("", "1", "2")[: 1 + len(code) % 3]
    ]
    n = len(rows)
    return price_code_frame(
        rng,
        record="0",
        price_code=np.array([r[0] for r in rows], dtype=object),
        item_code=text(n),
        level=np.array([r[3] for r in rows], dtype=object),
        division=text(n),
        customer=text(n),
        desc=np.array([r[1] for r in rows], dtype=object),
        method=np.array([r[2] for r in rows], dtype=object),
        price=np.zeros(n),
        cost=np.zeros(n),
        created=as_of.astype("datetime64[D]")
        - (2400 - 40 * np.arange(n)) * DAY
        + business_seconds(rng, n) * SECOND,
        as_of=as_of,
    )
