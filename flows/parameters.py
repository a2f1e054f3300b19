"""Run parameters the flows take directly: plain, typed, with defaults, so the Prefect UI
shows a plain run form and `prefect deployment run --param entities=...` just works."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field

__all__ = [
    "BACKFILL_DAYS",
    "BackfillEntity",
    "ConfigPath",
    "Entities",
    "Years",
    "backfill_window",
]

# A backfill without dates re-pulls the last week (today included).
BACKFILL_DAYS = 7


class BackfillEntity(StrEnum):
    """Entities a backfill can re-pull from the ERP (a multi-select in the UI)."""

    countries = "countries"
    gl_accounts = "gl_accounts"
    tax_codes = "tax_codes"
    tax_schedules = "tax_schedules"
    ship_vias = "ship_vias"
    terms = "terms"
    sales_people = "sales_people"
    locations = "locations"
    product_categories = "product_categories"
    items = "items"
    item_locations = "item_locations"
    price_codes = "price_codes"
    customers = "customers"
    ship_tos = "ship_tos"
    customer_links = "customer_links"
    contacts = "contacts"
    invoices = "invoices"
    sales_orders = "sales_orders"


Years = Annotated[int, Field(ge=0, le=50)]
Entities = Annotated[list[BackfillEntity], Field(min_length=1)]
# The erpsync.toml of the company to run (deployments pass their company's); empty:
# $ERPSYNC_CONFIG or ./erpsync.toml of the process that runs the flow.
ConfigPath = Annotated[str, Field(max_length=4096)]


def backfill_window(start: date | None, end: date | None) -> tuple[date, date]:
    """The days a backfill covers; ValueError when end comes before start."""
    end = end or date.today()
    start = start or end - timedelta(days=BACKFILL_DAYS - 1)
    if end < start:
        raise ValueError(f"backfill end {end} is before start {start}")
    return start, end
