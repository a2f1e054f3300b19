"""CI_Item, IM_ItemWarehouse and the item-level IM_PriceCode records, chunk by chunk.

Item kinds as Sage has them: regular (ItemType 1, ProductType F/R/D), kit (ItemType 1,
ProductType K), charge (3), comment (4) and miscellaneous (5); the last three have codes
starting with "/". Sellable items are numbered in the order they were created, so orders
can pick among the items that existed on their date by a prefix of the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.catalog import (
    CHARGE,
    COMMENT,
    ITEM_TYPE,
    KIT,
    MISC,
    REGULAR,
    ItemCatalog,
    ItemParts,
    creation_days,
)
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    chunk_rng,
    later,
    pick,
    stamp_columns,
    text,
    truncate,
)
from sandbox.sage100.reference import KITS, Reference
from sandbox.sage100.scales import Scale
from sandbox.sage100.stock import item_prices, item_warehouses, price_code_records

__all__ = ["item_frames", "ship_weight_text"]


def ship_weight_text(weight: np.ndarray) -> np.ndarray:
    """Sage's ShipWeight is a string: "12.5", "0.25", "3"."""
    return np.array([f"{w:.2f}".rstrip("0").rstrip(".") or "0" for w in weight], dtype=object)


def _sellable(
    rng: np.random.Generator,
    first: int,
    stop: int,
    n_sell: int,
    ref: Reference,
    scale: Scale,
    as_of: np.datetime64,
) -> tuple[Frame, ItemParts]:
    m = stop - first
    lines = [p for p in names.PRODUCT_LINES if p[0] in ref.product_lines]
    line = rng.integers(0, len(lines), m)
    kit = rng.random(m) < 0.04
    kind = np.where(kit, KIT, REGULAR)
    line_code = np.where(kit, KITS, np.array([p[0] for p in lines], dtype=object)[line])
    noun = np.array(
        [p[2][k] for p, k in zip((lines[i] for i in line), rng.integers(0, 8, m), strict=True)],
        dtype=object,
    )
    adjective = pick(rng, names.ITEM_ADJECTIVES, m)
    size = pick(rng, names.ITEM_SIZES, m)
    desc = np.where(kit, noun + " Kit " + size, adjective + " " + noun + " " + size)
    number = np.arange(first, stop) + 10_000
    code = np.where(
        kit,
        "KIT-" + number.astype(str).astype(object),
        line_code + "-" + number.astype(str).astype(object),
    )
    product_type = np.where(
        kit, "K", rng.choice(np.array(["F", "R", "D"], dtype=object), m, p=[0.85, 0.08, 0.07])
    )
    inactive = np.where(product_type == "D", rng.random(m) < 0.5, rng.random(m) < 0.015)
    cost = np.round(np.clip(rng.lognormal(np.log(np.where(kit, 60.0, 12.0)), 1.0), 0.1, 2500.0), 2)
    price = np.maximum(np.round(cost * rng.uniform(1.3, 2.2, m), 2), cost + 0.01)
    weight = np.round(np.clip(rng.lognormal(0.5, 1.1, m), 0.05, 400.0), 2)
    unit = rng.integers(0, len(names.UNITS), m)
    default_wh = np.where(
        rng.random(m) < 0.6,
        ref.warehouses[0],
        np.asarray(ref.warehouses, dtype=object)[rng.integers(0, len(ref.warehouses), m)],
    )
    tax = np.array([p[3] for p in lines], dtype=object)[line]
    tax = np.where(kit, "TX", tax)
    days = creation_days(first, stop, n_sell, as_of, scale, before=0.7)
    created = days + business_seconds(rng, m) * SECOND
    acct = ref.accounts
    sales = np.where(kit, acct["kit_sales:00"], acct["sales:00"])
    cogs = np.where(kit, acct["kit_cogs:00"], acct["cogs:00"])
    frame = {
        "ItemCode": code,
        "ItemType": text(m, "1"),
        "ItemCodeDesc": truncate(desc, 30),
        "ProductLine": line_code,
        "ProductType": product_type,
        "PriceCode": np.where(rng.random(m) < 0.25, pick(rng, ref.price_codes, m), ""),
        "TaxClass": tax,
        "DefaultWarehouseCode": default_wh,
        "Valuation": rng.choice(np.array(["2", "1", "3"], dtype=object), m, p=[0.7, 0.2, 0.1]),
        "InactiveItem": np.where(inactive, "Y", "N"),
        "AllowBackOrders": np.where(rng.random(m) < 0.9, "Y", "N"),
        "StandardUnitCost": cost,
        "StandardUnitPrice": price,
        "LastTotalUnitCost": np.round(cost * rng.uniform(0.95, 1.08, m), 2),
        "AverageUnitCost": np.round(cost * rng.uniform(0.97, 1.04, m), 2),
        "SuggestedRetailPrice": np.round(price * rng.uniform(1.15, 1.5, m), 2),
        "SalesPromotionPrice": np.where(rng.random(m) < 0.08, np.round(price * 0.9, 2), 0.0),
        "ShipWeight": ship_weight_text(weight),
        "Volume": np.round(weight * rng.uniform(0.01, 0.05, m), 4),
        "StandardUnitOfMeasure": np.array([names.UNITS[u][0] for u in unit], dtype=object),
        "SalesUnitOfMeasure": np.array([names.UNITS[u][0] for u in unit], dtype=object),
        "PurchaseUnitOfMeasure": np.array([names.UNITS[u][1] for u in unit], dtype=object),
        "SalesUMConvFctr": np.ones(m),
        "PurchaseUMConvFctr": np.array([names.UNITS[u][2] for u in unit]),
        "SalesAcctKey": sales,
        "CostOfGoodsSoldAcctKey": cogs,
        "InventoryAcctKey": np.where(kit, acct["kit_inventory"], acct["inventory"]),
        "PurchaseAcctKey": text(m, acct["inventory"]),
        "PrimaryAPDivisionNo": text(m, "00"),
        "PrimaryVendorNo": np.array([f"{v:07d}" for v in rng.integers(1, 240, m)], dtype=object),
        "Category1": rng.choice(np.array(["", "", "BEST", "NEW", "CLEARANCE"], dtype=object), m),
        "Category2": text(m),
        "Category3": text(m),
        "Category4": text(m),
        "UseInAR": text(m, "N"),
        "UseInSO": text(m, "Y"),
        "UseInPO": np.where(kit, "N", "Y"),
        "DropShip": np.where(rng.random(m) < 0.02, "Y", "N"),
        "UDF_BRAND": pick(rng, names.BRANDS, m),
        "UDF_WEB_ITEM": np.where(~inactive & (rng.random(m) < 0.85), "Y", "N"),
    }
    recency = (rng.exponential(25, m) * 86_400).astype(np.int64) * SECOND
    sold = np.maximum(as_of - recency - np.where(inactive, 400, 0) * DAY, created)
    frame["LastSoldDate"] = sold.astype("datetime64[D]")
    frame["LastReceiptDate"] = np.maximum(sold - rng.integers(0, 60, m) * DAY, created).astype(
        "datetime64[D]"
    )
    frame |= stamp_columns(rng, created, later(rng, created, as_of, 0.25))
    weights = rng.lognormal(0.0, 1.3, m) * np.where(kit | (product_type == "D"), 0.3, 1.0)
    parts = ItemParts(
        code=code,
        desc=frame["ItemCodeDesc"],
        kind=kind,
        product_line=line_code,
        tax_class=tax,
        uom=frame["SalesUnitOfMeasure"],
        sales_acct=sales,
        cogs_acct=cogs,
        warehouse=default_wh,
        price=price,
        cost=cost,
        weight=weight,
        created=created,
        popularity=weights,
    )
    return frame, parts


def _non_inventory(
    rng: np.random.Generator, scale: Scale, ref: Reference, as_of: np.datetime64
) -> tuple[Frame, ItemParts]:
    n = scale.items
    charges = names.CHARGE_ITEMS[: min(len(names.CHARGE_ITEMS), max(2, n // 400))]
    comments = names.COMMENT_ITEMS[: min(len(names.COMMENT_ITEMS), max(2, n // 2000))]
    n_misc = max(3, n // 200)
    misc_kinds = ("Special Order", "Labor", "Parts", "Repair Service", "Fabrication", "Rental")
    rows = [
        (f"/MISC-{k + 1:04d}", f"Misc {misc_kinds[k % len(misc_kinds)]}", MISC)
        for k in range(n_misc)
    ]
    rows += [(code, desc, CHARGE) for code, desc, _ in charges]
    rows += [(code, desc, COMMENT) for code, desc in comments]
    m = len(rows)
    kind = np.array([r[2] for r in rows])
    charge_price = {code: p for code, _, p in names.CHARGE_ITEMS}
    price = np.array([charge_price.get(r[0], 0.0) if r[2] == CHARGE else 0.0 for r in rows])
    misc = kind == MISC
    price = np.where(misc, np.round(rng.uniform(20, 400, m), 2), price)
    cost = np.where(misc, np.round(price * rng.uniform(0.4, 0.7, m), 2), 0.0)
    acct = ref.accounts
    freight = np.array([r[0] == "/FREIGHT" for r in rows])
    sales = np.select(
        [kind == COMMENT, freight, kind == CHARGE],
        ["", acct["freight:00"], acct["charges:00"]],
        acct["sales:00"],
    ).astype(object)
    cogs = np.where((kind == COMMENT) | (kind == CHARGE), "", acct["cogs:00"]).astype(object)
    tax = np.where(kind == COMMENT, "", np.where(misc, "TX", "NT")).astype(object)
    uom = np.where(kind == COMMENT, "", "EACH").astype(object)
    created = (
        as_of.astype("datetime64[D]")
        - (3650 - np.arange(m)) * DAY
        + business_seconds(rng, m) * SECOND
    )
    code = np.array([r[0] for r in rows], dtype=object)
    desc = np.array([r[1] for r in rows], dtype=object)
    frame = {
        "ItemCode": code,
        "ItemType": ITEM_TYPE[kind],
        "ItemCodeDesc": desc,
        "ProductLine": text(m),
        "ProductType": text(m, "F"),
        "PriceCode": text(m),
        "TaxClass": tax,
        "DefaultWarehouseCode": text(m),
        "Valuation": text(m, "1"),
        "InactiveItem": text(m, "N"),
        "AllowBackOrders": text(m, "N"),
        "StandardUnitCost": cost,
        "StandardUnitPrice": price,
        "LastTotalUnitCost": cost,
        "AverageUnitCost": cost,
        "SuggestedRetailPrice": price,
        "SalesPromotionPrice": np.zeros(m),
        "TotalQuantityOnHand": np.zeros(m),
        "ShipWeight": text(m, "0"),
        "Volume": np.zeros(m),
        "StandardUnitOfMeasure": uom,
        "SalesUnitOfMeasure": uom,
        "PurchaseUnitOfMeasure": uom,
        "SalesUMConvFctr": np.ones(m),
        "PurchaseUMConvFctr": np.ones(m),
        "SalesAcctKey": sales,
        "CostOfGoodsSoldAcctKey": cogs,
        "InventoryAcctKey": text(m),
        "PurchaseAcctKey": np.where(misc, acct["inventory"], "").astype(object),
        "PrimaryAPDivisionNo": text(m),
        "PrimaryVendorNo": text(m),
        "Category1": text(m),
        "Category2": text(m),
        "Category3": text(m),
        "Category4": text(m),
        "LastSoldDate": np.full(m, np.datetime64("NaT"), dtype="datetime64[D]"),
        "LastReceiptDate": np.full(m, np.datetime64("NaT"), dtype="datetime64[D]"),
        "UseInAR": text(m, "Y"),
        "UseInSO": text(m, "Y"),
        "UseInPO": np.where(misc, "Y", "N").astype(object),
        "DropShip": text(m, "N"),
        "UDF_BRAND": text(m),
        "UDF_WEB_ITEM": np.where(misc, "Y", "N").astype(object),
    }
    frame |= stamp_columns(rng, created, later(rng, created, as_of, 0.2))
    # Never picked as a sellable line (popularity 0): orders add them deliberately.
    parts = ItemParts(
        code=code,
        desc=desc,
        kind=kind,
        product_line=text(m),
        tax_class=tax,
        uom=uom,
        sales_acct=sales,
        cogs_acct=cogs,
        warehouse=text(m),
        price=price,
        cost=cost,
        weight=np.zeros(m),
        created=created,
        popularity=np.zeros(m),
    )
    return frame, parts


def item_frames(
    scale: Scale, ref: Reference, seed: int, as_of: np.datetime64, catalog: ItemCatalog
) -> Iterator[tuple[str, Frame]]:
    """The item tables in chunks; `catalog` collects what orders need to know."""
    rng = chunk_rng(seed, "CI_Item:non-inventory")
    frame, parts = _non_inventory(rng, scale, ref, as_of)
    catalog.add(parts)
    yield "CI_Item", frame
    yield "IM_PriceCode", price_code_records(chunk_rng(seed, "IM_PriceCode:codes"), as_of)
    n_sell = scale.items - len(parts.code)
    for chunk, first in enumerate(range(0, n_sell, scale.master_chunk)):
        stop = min(first + scale.master_chunk, n_sell)
        rng = chunk_rng(seed, "CI_Item", chunk)
        frame, parts = _sellable(rng, first, stop, n_sell, ref, scale, as_of)
        wh_rng = chunk_rng(seed, "IM_ItemWarehouse", chunk)
        warehouses, item = item_warehouses(wh_rng, frame, parts, ref, as_of)
        on_hand = warehouses["QuantityOnHand"]
        frame["TotalQuantityOnHand"] = np.bincount(item, weights=on_hand, minlength=len(parts.code))
        catalog.add(parts)
        yield "CI_Item", frame
        yield "IM_ItemWarehouse", warehouses
        yield "IM_PriceCode", item_prices(chunk_rng(seed, "IM_PriceCode", chunk), parts, as_of)
