"""The reference codes a data-quality gate checks uploads against, read from the ERP.

The small code tables (countries, ship vias, terms, tax schedules, salespeople,
warehouses, payment types) are read whole, once per run, and only when a step has
something to upload. Customers, items and open invoices are read only for the keys the
batch mentions: a gate never pays for the size of the company.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from erpsync.engine.context import SyncContext
from erpsync.errors import SchemaMismatch
from erpsync.mappings.upload import split_number

__all__ = ["reference_codes"]

_CODE_TABLES = {
    "countries": ("SY_Country", ("CountryCode",)),
    "ship_vias": ("SO_ShippingRateHeader", ("ShippingCode",)),
    "terms": ("AR_TermsCode", ("TermsCode",)),
    "tax_schedules": ("SY_SalesTaxSchedule", ("TaxSchedule",)),
    "salespeople": ("AR_Salesperson", ("SalespersonDivisionNo", "SalespersonNo")),
    "warehouses": ("IM_Warehouse", ("WarehouseCode",)),
    "payment_types": ("AR_PaymentType", ("PaymentType",)),
}


def _codes(ctx: SyncContext, table: str, columns: tuple[str, ...]) -> frozenset[str]:
    values: set[str] = set()
    for frame in ctx.erp.read(table, list(columns)):
        text = frame[columns[0]].astype("string").fillna("")
        for col in columns[1:]:
            text = text + "-" + frame[col].astype("string").fillna("")
        values.update(text.tolist())
    return frozenset(values)


def _small_tables(ctx: SyncContext) -> dict[str, frozenset[str]]:
    if "reference_tables" not in ctx.memo:
        ctx.memo["reference_tables"] = {
            name: _codes(ctx, t, cols) for name, (t, cols) in _CODE_TABLES.items()
        }
    tables: dict[str, frozenset[str]] = ctx.memo["reference_tables"]
    return tables


def _customers(ctx: SyncContext, numbers: Iterable[Any]) -> tuple[frozenset[str], frozenset[str]]:
    keys = sorted({split_number(n) for n in numbers if split_number(n)[0] is not None})
    known: set[str] = set()
    on_hold: set[str] = set()
    cols = ["ARDivisionNo", "CustomerNo", "CreditHold"]
    for frame in ctx.erp.read_keys("AR_Customer", cols, cols[:2], keys):
        for div, no, hold in frame.itertuples(index=False, name=None):
            known.add(f"{div}-{no}")
            if hold == "Y":
                on_hold.add(f"{div}-{no}")
    return frozenset(known), frozenset(on_hold)


def _items(ctx: SyncContext, codes: Iterable[Any]) -> tuple[frozenset[str], frozenset[str]]:
    wanted = sorted({(str(c),) for c in codes if isinstance(c, str) and c})
    active: set[str] = set()
    inactive: set[str] = set()
    for frame in ctx.erp.read_keys("CI_Item", ["ItemCode", "InactiveItem"], ["ItemCode"], wanted):
        for code, flag in frame.itertuples(index=False, name=None):
            (inactive if flag == "Y" else active).add(code)
    return frozenset(active), frozenset(inactive)


def _open_invoices(ctx: SyncContext, numbers: Iterable[Any]) -> dict[str, dict[str, float]]:
    keys = sorted({split_number(n) for n in numbers if split_number(n)[0] is not None})
    cols = ["ARDivisionNo", "CustomerNo", "InvoiceNo", "Balance", "PaymentsToday"]
    out: dict[str, dict[str, float]] = {}
    for frame in ctx.erp.read_keys("AR_OpenInvoice", cols, cols[:2], keys):
        left = frame["Balance"].fillna(0) - frame["PaymentsToday"].fillna(0)
        for (div, no, inv), amount in zip(
            frame[cols[:3]].itertuples(index=False, name=None), left, strict=True
        ):
            out.setdefault(f"{div}-{no}", {})[str(inv)] = round(float(amount), 2)
    return out


def reference_codes(
    ctx: SyncContext, frame: pd.DataFrame, lines: pd.DataFrame | None = None
) -> Any:
    """ReferenceCodes for a batch (`lines` for documents whose lines name items)."""
    from expectations import ReferenceCodes

    small = _small_tables(ctx)
    numbers = frame["customer_no"].tolist() if "customer_no" in frame else []
    known, on_hold = _customers(ctx, numbers)
    items: Iterable[Any] = lines["ItemCode"].tolist() if lines is not None else []
    active, inactive = _items(ctx, items)
    invoices = _open_invoices(ctx, numbers) if "InvoiceNo" in frame else {}
    return ReferenceCodes(
        countries=small["countries"],
        ship_vias=small["ship_vias"],
        terms=small["terms"],
        tax_schedules=small["tax_schedules"],
        salespeople=small["salespeople"],
        warehouses=small["warehouses"],
        payment_types=small["payment_types"],
        customers=known,
        customers_on_credit_hold=on_hold,
        active_items=active,
        inactive_items=inactive,
        open_invoices=invoices,
        reject_credit_hold=ctx.settings.orders.reject_credit_hold,
        tables=_upload_tables(ctx),
    )


_UPLOAD_TABLES = (
    "AR_Customer",
    "SO_ShipToAddress",
    "AR_CustomerContact",
    "SO_SalesOrderHeader",
    "SO_SalesOrderDetail",
    "AR_CashReceiptsHeader",
    "AR_CashReceiptsDetail",
)


def _upload_tables(ctx: SyncContext) -> dict[str, Any]:
    """The company's own layout of the tables uploads write (discovered once a run)."""
    found = {}
    for name in _UPLOAD_TABLES:
        try:
            found[name] = ctx.erp.table(name)
        except SchemaMismatch:  # the step that writes it fails on its own, naming it
            continue
    return found
