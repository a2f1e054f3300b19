"""Invoice history from completed orders, plus credit memos and A/R-only invoices.

Completed orders become AR_InvoiceHistoryHeader/Detail rows (ModuleCode "S/O",
InvoiceType "IN", HeaderSeqNo "000000"). A few invoices get a credit memo ("CM", with
ApplyToInvoiceNo) for part of their first line; amounts on a credit memo are positive and
the InvoiceType gives the sign, as on Sage's history reports. A/R invoice entry adds a few
invoices with no sales order (ModuleCode "A/R").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from connectors.sage100.tables import STAMP_COLUMNS
from sandbox.sage100.catalog import ITEM_TYPE, MISC, ItemCatalog
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    later,
    stamp_columns,
    text,
)
from sandbox.sage100.layout import table
from sandbox.sage100.orders import OrderChunk
from sandbox.sage100.reference_data import TERMS

__all__ = [
    "PARTY_COLUMNS",
    "InvoiceNumbers",
    "Receivables",
    "ar_invoices",
    "due_dates",
    "so_invoices",
]

_NOT_COPIED = {c.name for c in STAMP_COLUMNS} | {
    "FreightAmt",
    "SalesTaxAmt",
    "DiscountAmt",
    "DepositAmt",
    "Weight",
    "UDF_PLATFORM_ORDER_ID",
    "SalesOrderNo",
    "OrderType",
    "OrderDate",
}
_ORDER_COLUMNS = set(table("SO_SalesOrderHistoryHeader").column_names)
# Bill-to, ship-to, terms, salespeople...: what an invoice copies from its order's header.
PARTY_COLUMNS = tuple(
    c
    for c in table("AR_InvoiceHistoryHeader").column_names
    if c in _ORDER_COLUMNS and c not in _NOT_COPIED
)
_DUE_DAYS = {t.code: t.due_days for t in TERMS}
_DISCOUNT_DAYS = {t.code: t.discount_days for t in TERMS}
_PROX = {t.code for t in TERMS if t.day_of_month}


class InvoiceNumbers:
    """Sage's next-invoice-number: one counter across all chunks (they run in order)."""

    def __init__(self, first: int = 1_000_001) -> None:
        self._next = first

    def take(self, n: int) -> np.ndarray:
        numbers = np.array([f"{k:07d}" for k in range(self._next, self._next + n)], dtype=object)
        self._next += n
        return numbers


@dataclass
class Receivables:
    """Invoices (type IN) of one chunk, as payments and open invoices need them."""

    invoice_no: np.ndarray
    customer: np.ndarray  # customer catalogue index
    day: np.ndarray  # datetime64[D]
    due: np.ndarray
    discount_due: np.ndarray
    created: np.ndarray  # datetime64[s]
    terms: np.ndarray
    po: np.ndarray
    taxable_cents: np.ndarray
    tax_cents: np.ndarray
    freight_cents: np.ndarray
    total_cents: np.ndarray


def due_dates(day: np.ndarray, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(InvoiceDueDate, DiscountDueDate) by terms code; "10th Prox" is the 10th of next month."""
    due_days = np.array([_DUE_DAYS[t] for t in terms], dtype=np.int64)
    prox = np.isin(terms, list(_PROX))
    next_month = (day.astype("datetime64[M]") + 1).astype("datetime64[D]")
    due = np.where(prox, next_month + (due_days - 1) * DAY, day + due_days * DAY)
    discount = day + np.array([_DISCOUNT_DAYS[t] for t in terms], dtype=np.int64) * DAY
    return due, discount


def _header(
    source: Frame, rows: np.ndarray, numbers: np.ndarray, module: str, kind: str, day: np.ndarray
) -> Frame:
    n = len(rows)
    frame: Frame = {c: source[c][rows] for c in PARTY_COLUMNS if c in source}
    due, discount = due_dates(day, frame["TermsCode"])
    return frame | {
        "InvoiceNo": numbers,
        "HeaderSeqNo": text(n, "000000"),
        "ModuleCode": text(n, module),
        "InvoiceType": text(n, kind),
        "InvoiceDate": day,
        "TransactionDate": day,
        "ApplyToInvoiceNo": text(n),
        "InvoiceDueDate": due,
        "DiscountDueDate": discount,
    }


def so_invoices(
    rng: np.random.Generator, chunk: OrderChunk, numbers: InvoiceNumbers, as_of: np.datetime64
) -> tuple[Frame, Frame, Receivables, np.ndarray]:
    """Invoices of the completed orders; also returns the order index of each invoice."""
    sel = np.nonzero(chunk.completed)[0]
    inv_no = numbers.take(len(sel))
    day = chunk.ship_day[sel]
    head = _header(chunk.header, sel, inv_no, "S/O", "IN", day)
    cost = np.bincount(
        chunk.order_of_line, weights=chunk.cost_cents, minlength=len(chunk.completed)
    )
    head |= {
        "SalesOrderNo": chunk.header["SalesOrderNo"][sel],
        "OrderType": chunk.header["OrderType"][sel],
        "OrderDate": chunk.header["OrderDate"][sel],
        "ShipDate": day,
        "TaxableSalesAmt": chunk.taxable_cents[sel] / 100,
        "NonTaxableSalesAmt": chunk.nontaxable_cents[sel] / 100,
        "FreightAmt": chunk.freight_cents[sel] / 100,
        "SalesTaxAmt": chunk.tax_cents[sel] / 100,
        "CostOfSalesAmt": np.rint(cost[sel]) / 100,
        "Weight": chunk.header["Weight"][sel],
    }
    created = chunk.invoiced_at[sel]
    head |= stamp_columns(rng, created, later(rng, created, as_of, 0.03))
    invoice_of_order = np.full(len(chunk.completed), -1)
    invoice_of_order[sel] = np.arange(len(sel))
    line_rows = np.nonzero(chunk.completed[chunk.order_of_line])[0]
    inv = invoice_of_order[chunk.order_of_line[line_rows]]
    lines = chunk.lines
    detail: Frame = {
        c: lines[c][line_rows]
        for c in (
            "ItemCode",
            "ItemType",
            "ItemCodeDesc",
            "WarehouseCode",
            "UnitOfMeasure",
            "UnitOfMeasureConvFactor",
            "QuantityOrdered",
            "QuantityShipped",
            "UnitPrice",
            "UnitCost",
            "ExtensionAmt",
            "PromiseDate",
            "TaxClass",
            "SalesAcctKey",
            "CostOfGoodsSoldAcctKey",
            "CommentText",
        )
    }
    detail |= {
        "InvoiceNo": inv_no[inv],
        "HeaderSeqNo": text(len(inv), "000000"),
        "DetailSeqNo": lines["LineKey"][line_rows],
        "ProductLine": chunk.product_line[line_rows],
        "QuantityBackordered": np.zeros(len(inv)),
        "AppliedSalesOrderNo": lines["SalesOrderNo"][line_rows],
    }
    total = chunk.taxable_cents + chunk.nontaxable_cents + chunk.tax_cents + chunk.freight_cents
    due, discount = head["InvoiceDueDate"], head["DiscountDueDate"]
    rec = Receivables(
        inv_no,
        chunk.customer[sel],
        day,
        due,
        discount,
        created,
        head["TermsCode"],
        head["CustomerPONo"],
        chunk.taxable_cents[sel],
        chunk.tax_cents[sel],
        chunk.freight_cents[sel],
        total[sel],
    )
    return head, detail, rec, sel


def ar_invoices(
    rng: np.random.Generator,
    chunk: OrderChunk,
    orders: np.ndarray,
    numbers: InvoiceNumbers,
    items: ItemCatalog,
    as_of: np.datetime64,
) -> tuple[Frame, Frame, Receivables]:
    """A/R invoice entry: a service billed on its own, no sales order, one line."""
    today = as_of.astype("datetime64[D]")
    day = chunk.ship_day[orders] + rng.integers(1, 11, len(orders)) * DAY
    orders, day = orders[day < today], day[day < today]
    n = len(orders)
    inv_no = numbers.take(n)
    misc = items.of_kind(MISC)
    item = misc[rng.integers(0, len(misc), n)]
    cents = np.rint(rng.uniform(50, 500, n) * 100).astype(np.int64)
    head = _header(chunk.header, orders, inv_no, "A/R", "IN", day)
    head |= {
        "SalesOrderNo": text(n),
        "OrderType": text(n),
        "TaxableSalesAmt": np.zeros(n),
        "NonTaxableSalesAmt": cents / 100,
        "FreightAmt": np.zeros(n),
        "SalesTaxAmt": np.zeros(n),
        "CostOfSalesAmt": np.zeros(n),
        "Weight": np.zeros(n),
        "ShipToCode": text(n),
    }
    created = day + business_seconds(rng, n) * SECOND
    created = np.minimum(created, as_of)
    head |= stamp_columns(rng, created)
    detail: Frame = {
        "InvoiceNo": inv_no,
        "HeaderSeqNo": text(n, "000000"),
        "DetailSeqNo": text(n, "000001"),
        "ItemCode": items.code[item],
        "ItemType": ITEM_TYPE[items.kind[item]],
        "ItemCodeDesc": items.desc[item],
        "ProductLine": text(n),
        "WarehouseCode": text(n),
        "UnitOfMeasure": items.uom[item],
        "UnitOfMeasureConvFactor": np.ones(n),
        "QuantityOrdered": np.ones(n),
        "QuantityShipped": np.ones(n),
        "QuantityBackordered": np.zeros(n),
        "UnitPrice": cents / 100,
        "UnitCost": np.zeros(n),
        "ExtensionAmt": cents / 100,
        "TaxClass": text(n, "NT"),
        "SalesAcctKey": items.sales_acct[item],
        "CostOfGoodsSoldAcctKey": items.cogs_acct[item],
        "AppliedSalesOrderNo": text(n),
        "CommentText": text(n),
    }
    due, discount = head["InvoiceDueDate"], head["DiscountDueDate"]
    zero = np.zeros(n, dtype=np.int64)
    rec = Receivables(
        inv_no,
        chunk.customer[orders],
        day,
        due,
        discount,
        created,
        head["TermsCode"],
        head["CustomerPONo"],
        zero,
        zero,
        zero,
        cents,
    )
    return head, detail, rec
