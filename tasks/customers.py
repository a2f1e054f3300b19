"""Steps 13-19: customers, ship-tos and contacts both ways, and bill-to links down."""

from __future__ import annotations

from typing import Any

import pandas as pd

from connectors.sage100.boi import (
    AR_CUSTOMER_BUS,
    AR_CUSTOMER_CONTACT_BUS,
    SO_SHIP_TO_ADDRESS_BUS,
)
from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec, run_download
from erpsync.engine.steps import step
from erpsync.engine.upload import UploadSpec, run_upload
from erpsync.mappings import customers as m
from erpsync.state.models import StepOutcome
from tasks.registry import step_task

__all__ = [
    "download_contacts",
    "download_customer_links",
    "download_customers",
    "download_ship_tos",
    "upload_contacts",
    "upload_customers",
    "upload_ship_tos",
]


def _first_ship_to_exemption(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """With A/R sales-tax reporting on, the customer's tax-exempt number is the one on its
    first ship-to that has one (seed 003)."""
    if not ctx.settings.sync.sales_tax_reporting:
        return frame
    customers = sorted(
        set(frame[["ARDivisionNo", "CustomerNo"]].itertuples(index=False, name=None))
    )
    cols = ["ARDivisionNo", "CustomerNo", "ShipToCode", "TaxExemptNo"]
    parts = list(ctx.erp.read_keys("SO_ShipToAddress", cols, cols[:2], customers))
    first: dict[tuple[str, str], str] = {}
    if parts:
        rows = pd.concat(parts, ignore_index=True)
        rows = rows.loc[rows["TaxExemptNo"].fillna("") != ""].sort_values(cols[:3])
        for div, no, _, exempt in rows.itertuples(index=False, name=None):
            first.setdefault((div, no), exempt)
    keys = zip(frame["ARDivisionNo"], frame["CustomerNo"], strict=True)
    exempt = pd.Series([first.get(k, "") for k in keys], index=frame.index, dtype="string")
    return frame.assign(ShipToTaxExemptNo=exempt)


def _suite(name: str) -> Any:
    def build(ref: Any) -> Any:
        import expectations

        return getattr(expectations, name)(ref)

    build.__name__ = name
    return build


CUSTOMERS_DOWN = DownloadSpec(
    16, m.CUSTOMERS_DOWN, enrich=_first_ship_to_exemption, direction="customers"
)
SHIP_TOS_DOWN = DownloadSpec(17, m.SHIP_TOS_DOWN, direction="ship_tos")
CUSTOMER_LINKS_DOWN = DownloadSpec(18, m.CUSTOMER_LINKS_DOWN)
CONTACTS_DOWN = DownloadSpec(19, m.CONTACTS_DOWN, direction="contacts")

# identity: what tells the record a create wrote from one a Sage user put under the key
# erpsync had reserved for it (a ship-to code typed by hand meanwhile).
CUSTOMERS_UP = UploadSpec(
    13, m.CUSTOMERS_UP, AR_CUSTOMER_BUS, _suite("customer_suite"), CUSTOMERS_DOWN, "customers",
    identity=("CustomerName",),
)  # fmt: skip
SHIP_TOS_UP = UploadSpec(
    14, m.SHIP_TOS_UP, SO_SHIP_TO_ADDRESS_BUS, _suite("ship_to_suite"), SHIP_TOS_DOWN, "ship_tos",
    identity=("ShipToName",),
)  # fmt: skip
CONTACTS_UP = UploadSpec(
    15, m.CONTACTS_UP, AR_CUSTOMER_CONTACT_BUS, _suite("contact_suite"), CONTACTS_DOWN, "contacts",
    identity=("ContactName",),
)  # fmt: skip


@step_task(13)
def upload_customers(ctx: SyncContext) -> StepOutcome:
    return run_upload(ctx, CUSTOMERS_UP)


@step_task(14)
def upload_ship_tos(ctx: SyncContext) -> StepOutcome:
    return run_upload(ctx, SHIP_TOS_UP)


@step_task(15)
def upload_contacts(ctx: SyncContext) -> StepOutcome:
    return run_upload(ctx, CONTACTS_UP)


@step_task(16)
def download_customers(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, CUSTOMERS_DOWN)


@step_task(17)
def download_ship_tos(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, SHIP_TOS_DOWN)


@step_task(18)
def download_customer_links(ctx: SyncContext) -> StepOutcome:
    if "parent_customer_no" not in ctx.company_mapping(CUSTOMER_LINKS_DOWN.mapping).fields:
        # Bill-to / sold-to links live in National Accounts' AR_Customer columns: a
        # company without them has no links to send.
        info = step(18)
        return StepOutcome(
            18, info.name, info.entity, info.direction,
            message="not applicable: AR_Customer has no BillToDivisionNo/BillToCustomerNo "
            "(National Accounts)",
        )  # fmt: skip
    return run_download(ctx, CUSTOMER_LINKS_DOWN)


@step_task(19)
def download_contacts(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, CONTACTS_DOWN)
