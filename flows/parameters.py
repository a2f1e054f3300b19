"""Typed run parameters: the Prefect UI renders each model as the deployment's run form."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["BackfillEntity", "BackfillParameters", "SeedParameters", "SyncParameters"]


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


class SyncParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(False, description="Read and compare, write nothing.")


class SeedParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    years: int = Field(
        3, ge=0, le=50, description="Years of sales orders, invoices and payments to bring."
    )
    resume: bool = Field(
        True,
        description="Continue an interrupted seed: steps it finished are not run again.",
    )


class BackfillParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[BackfillEntity] = Field(
        ..., min_length=1, description="What to re-pull from the ERP."
    )
    start: date = Field(..., description="First day of the window (records changed from it).")
    end: date = Field(..., description="Last day of the window, inclusive.")
    dry_run: bool = Field(False, description="Report what would change, write nothing.")

    @model_validator(mode="after")
    def _ordered(self) -> BackfillParameters:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self
