"""Steps 10-12: items, item/location stock and prices (seed 003 field lists).

Item kinds and their documented rules:
    regular   ItemType 1, ProductType F/R/D   default location = DefaultWarehouseCode,
                                              stocked, Service Pro type Inventory
    kit       ItemType 1, ProductType K       default location = DefaultWarehouseCode,
                                              not stocked, kit, Service Pro type Inventory
    misc      ItemType 5                      connector default location, not stocked,
                                              Service Pro type Unassigned
    charge    ItemType 3 } connector default location, not stocked, order min = max = 1,
    comment   ItemType 4 } Service Pro type Unassigned
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from erpsync.mappings.core import EntityMapping, MapContext, computed
from erpsync.mappings.sage import flag, number

__all__ = ["ITEMS", "ITEM_LOCATIONS", "PRICE_CODES", "price_breaks"]

# Sage's price ranges end with this sentinel: "and everything above".
TOP_OF_LAST_RANGE = 99_999_999
# The platform's breaks start *above* the previous range's top (seed 003).
BREAK_STEP = 0.0001


def _kind(frame: pd.DataFrame) -> pd.Series:
    item_type = frame["ItemType"].astype("string")
    kit = frame["ProductType"].astype("string").eq("K")
    kinds = np.select(
        [item_type.eq("1") & kit, item_type.eq("1"), item_type.eq("5"), item_type.eq("3")],
        ["kit", "regular", "miscellaneous", "charge"],
        default="comment",
    )
    return pd.Series(kinds, index=frame.index, dtype="string")


@computed("ItemType", "ProductType")
def item_kind(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return _kind(frame)


@computed("ItemType", "ProductType", "DefaultWarehouseCode")
def default_location(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    inventory = _kind(frame).isin(["regular", "kit"])
    own = frame["DefaultWarehouseCode"].astype("string")
    return own.where(inventory, ctx.default_location)


@computed("ItemType", "ProductType")
def stocked(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return _kind(frame).eq("regular").astype(bool)


@computed("ItemType", "ProductType")
def kit(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return _kind(frame).eq("kit").astype(bool)


@computed("ItemType", "ProductType")
def service_pro_type(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    inventory = _kind(frame).isin(["regular", "kit"])
    return pd.Series(np.where(inventory, "Inventory", "Unassigned"), index=frame.index)


@computed("ItemType", "ProductType")
def order_limit(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    one_each = _kind(frame).isin(["charge", "comment"])
    return pd.Series(np.where(one_each, 1.0, np.nan), index=frame.index)


@computed("InactiveItem")
def activity_code(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    inactive = flag(frame["InactiveItem"])
    return pd.Series(np.where(inactive, "inactive", "active"), index=frame.index)


@computed("AllowBackOrders")
def allow_back_orders(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return flag(frame["AllowBackOrders"])


@computed("ShipWeight")
def weight(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # Sage keeps the weight as a string; anything non-numeric becomes null.
    return number(frame["ShipWeight"])


ITEMS = EntityMapping(
    entity="items",
    table="CI_Item",
    key=("ItemCode",),
    fields={
        "item_number": "ItemCode",
        "description": "ItemCodeDesc",
        "item_kind": item_kind,
        "product_category": "ProductLine",
        "allow_back_orders": allow_back_orders,
        "activity_code": activity_code,
        "weight": weight,
        "default_location": default_location,
        "stocked": stocked,
        "kit": kit,
        "service_pro_type": service_pro_type,
        "order_minimum": order_limit,
        "order_maximum": order_limit,
        "sales_unit_of_measure": "SalesUnitOfMeasure",
        "tax_class": "TaxClass",
    },
)


def _num(column: str) -> object:
    @computed(column)
    def convert(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
        return number(frame[column])

    convert.__name__ = f"number_{column}"
    return convert


# Item-level prices and costs travel on every item/location of the item (seed 003:
# "Standard Cost -> All Item/Locations Standard Cost"); the step adds them from CI_Item.
ITEM_LOCATIONS = EntityMapping(
    entity="item_locations",
    table="IM_ItemWarehouse",
    key=("ItemCode", "WarehouseCode"),
    fields={
        "item_number": "ItemCode",
        "location_code": "WarehouseCode",
        "quantity_on_hand": _num("QuantityOnHand"),  # type: ignore[dict-item]
        "quantity_on_order": _num("QuantityOnPurchaseOrder"),  # type: ignore[dict-item]
        "quantity_allocated": _num("QuantityOnSalesOrder"),  # type: ignore[dict-item]
        "quantity_back_ordered": _num("QuantityOnBackOrder"),  # type: ignore[dict-item]
        "price": "StandardUnitPrice",
        "average_cost": "AverageUnitCost",
        "standard_cost": "StandardUnitCost",
        "last_cost": "LastTotalUnitCost",
    },
    enriched=("StandardUnitPrice", "AverageUnitCost", "StandardUnitCost", "LastTotalUnitCost"),
)

_RECORD_KIND = {"0": "price_code", "1": "item_price", "2": "item_customer_price"}
_METHOD = {
    "C": "cost_markup_amount",
    "D": "discount_percent",
    "M": "markup_percent",
    "O": "override_price",
    "P": "price_discount_amount",
}


def price_breaks(tops: np.ndarray, values: np.ndarray) -> list[list[dict[str, float]]]:
    """Sage's quantity ranges -> the platform's "greater than" breaks.

    Sage: BreakQuantityN is the top of range N (1-10, 11-50, 51-99999999). The platform
    prices a quantity by the last break whose from_quantity it reaches, so range N starts
    at top(N-1) + 0.0001: [0 -> v1, 10.0001 -> v2, 50.0001 -> v3]. Unused slots hold 0.
    """
    out: list[list[dict[str, float]]] = []
    for row_tops, row_values in zip(tops, values, strict=True):
        breaks: list[dict[str, float]] = []
        start = 0.0
        for top, value in zip(row_tops, row_values, strict=True):
            if not top or np.isnan(top):
                break
            breaks.append({"from_quantity": round(start, 4), "value": float(value)})
            if top >= TOP_OF_LAST_RANGE:
                break
            start = float(top) + BREAK_STEP
        out.append(breaks)
    return out


_BREAK_COLUMNS = tuple(f"BreakQuantity{i}" for i in range(1, 6))
_VALUE_COLUMNS = tuple(f"DiscountMarkup{i}" for i in range(1, 6))


@computed(*_BREAK_COLUMNS, *_VALUE_COLUMNS)
def breaks(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    tops = frame[list(_BREAK_COLUMNS)].apply(pd.to_numeric, errors="coerce").to_numpy()
    values = frame[list(_VALUE_COLUMNS)].apply(pd.to_numeric, errors="coerce").to_numpy()
    return pd.Series(price_breaks(tops, values), index=frame.index, dtype=object)


@computed("PriceCodeRecord")
def record_kind(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["PriceCodeRecord"].map(_RECORD_KIND)


@computed("PricingMethod")
def pricing_method(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["PricingMethod"].map(_METHOD)


@computed("ARDivisionNo", "CustomerNo")
def price_customer_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    from erpsync.mappings.sage import division_number

    return division_number(frame["ARDivisionNo"], frame["CustomerNo"])


_PRICE_KEY = (
    "PriceCodeRecord",
    "PriceCode",
    "ItemCode",
    "CustomerPriceLevel",
    "ARDivisionNo",
    "CustomerNo",
)


@computed(*_PRICE_KEY)
def price_code_id(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return PRICE_CODES.erp_keys(frame)


PRICE_CODES = EntityMapping(
    entity="price_codes",
    table="IM_PriceCode",
    key=_PRICE_KEY,
    nonblank=("PriceCodeRecord",),
    fields={
        "price_code_id": price_code_id,
        "record_kind": record_kind,
        "price_code": "PriceCode",
        "item_number": "ItemCode",
        "customer_price_level": "CustomerPriceLevel",
        "customer_no": price_customer_no,
        "description": "PriceCodeDesc",
        "pricing_method": pricing_method,
        "breaks": breaks,
    },
)
