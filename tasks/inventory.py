"""Steps 10-12: items, item/location stock and price codes, Sage 100 -> platform."""

from __future__ import annotations

import pandas as pd

from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec, Trigger, run_download
from erpsync.mappings import inventory as m
from erpsync.state.models import StepOutcome
from tasks.registry import step_task

__all__ = ["download_item_locations", "download_items", "download_price_codes"]

_ITEM_PRICES = ["StandardUnitPrice", "AverageUnitCost", "StandardUnitCost", "LastTotalUnitCost"]


def _item_prices(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Item-level price and costs, copied onto every item/location of the item."""
    codes = [(c,) for c in frame["ItemCode"].unique()]
    parts = list(ctx.erp.read_keys("CI_Item", ["ItemCode", *_ITEM_PRICES], ["ItemCode"], codes))
    if not parts:
        return frame.assign(**{c: float("nan") for c in _ITEM_PRICES})
    items = pd.concat(parts, ignore_index=True)
    return frame.merge(items, on="ItemCode", how="left", validate="many_to_one")


def _synced_warehouses(ctx: SyncContext, frame: pd.DataFrame) -> pd.Series:
    """Only the warehouses configured for inventory sync (all when none are named)."""
    wanted = ctx.settings.sync.warehouses
    if not wanted:
        return pd.Series(True, index=frame.index)
    return frame["WarehouseCode"].isin(wanted)


ITEMS = DownloadSpec(10, m.ITEMS)
ITEM_LOCATIONS = DownloadSpec(
    11,
    m.ITEM_LOCATIONS,
    # An item whose price or costs changed changes all its item/locations.
    triggers=(Trigger("CI_Item", ("ItemCode",)),),
    enrich=_item_prices,
    where=_synced_warehouses,
)
PRICE_CODES = DownloadSpec(12, m.PRICE_CODES)


@step_task(10)
def download_items(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, ITEMS)


@step_task(11)
def download_item_locations(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, ITEM_LOCATIONS)


@step_task(12)
def download_price_codes(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, PRICE_CODES)
