"""Credit memos: a customer returns part of an invoice's first line (InvoiceType "CM",
ApplyToInvoiceNo = the invoice). Amounts are positive; the InvoiceType gives the sign, as
on Sage's history reports."""

from __future__ import annotations

import numpy as np

from sandbox.sage100.common import SECOND, Frame, business_seconds, stamp_columns, text
from sandbox.sage100.invoices import PARTY_COLUMNS, InvoiceNumbers
from sandbox.sage100.orders import OrderChunk

__all__ = ["credit_memos"]


def credit_memos(
    rng: np.random.Generator,
    chunk: OrderChunk,
    so_head: Frame,
    invoice_rows: np.ndarray,
    orders: np.ndarray,
    cm_day: np.ndarray,
    numbers: InvoiceNumbers,
    as_of: np.datetime64,
) -> tuple[Frame, Frame, np.ndarray]:
    """Returns against the first line of invoices `invoice_rows` (orders `orders`) dated
    `cm_day`; gives the credit memo total in cents for each."""
    n = len(orders)
    inv_no = numbers.take(n)
    line = np.searchsorted(chunk.order_of_line, orders)  # first line: always a regular item
    lines = chunk.lines
    qty = np.maximum(1, np.floor(lines["QuantityShipped"][line] * rng.uniform(0.2, 1.0, n)))
    price = lines["UnitPrice"][line]
    ext = np.rint(qty * price * (100 - lines["LineDiscountPercent"][line])).astype(np.int64)
    taxable = np.where(chunk.taxable_line[line], ext, 0)
    tax = np.rint(taxable * chunk.tax_rate[orders] / 100).astype(np.int64)
    head: Frame = {c: so_head[c][invoice_rows] for c in PARTY_COLUMNS if c in so_head}
    head |= {
        "InvoiceNo": inv_no,
        "HeaderSeqNo": text(n, "000000"),
        "ModuleCode": text(n, "S/O"),
        "InvoiceType": text(n, "CM"),
        "InvoiceDate": cm_day,
        "TransactionDate": cm_day,
        "ApplyToInvoiceNo": so_head["InvoiceNo"][invoice_rows],
        "SalesOrderNo": text(n),
        "OrderType": text(n),
        "ShipDate": cm_day,
        "TaxableSalesAmt": taxable / 100,
        "NonTaxableSalesAmt": (ext - taxable) / 100,
        "FreightAmt": np.zeros(n),
        "SalesTaxAmt": tax / 100,
        "CostOfSalesAmt": np.rint(qty * lines["UnitCost"][line] * 100) / 100,
        "Weight": np.zeros(n),
        "InvoiceDueDate": cm_day,
        "DiscountDueDate": cm_day,
    }
    created = np.minimum(cm_day + business_seconds(rng, n) * SECOND, as_of)
    head |= stamp_columns(rng, created)
    detail: Frame = {
        c: lines[c][line]
        for c in (
            "ItemCode",
            "ItemType",
            "ItemCodeDesc",
            "WarehouseCode",
            "UnitOfMeasure",
            "UnitOfMeasureConvFactor",
            "UnitPrice",
            "UnitCost",
            "TaxClass",
            "SalesAcctKey",
            "CostOfGoodsSoldAcctKey",
            "CommentText",
        )
    }
    detail |= {
        "InvoiceNo": inv_no,
        "HeaderSeqNo": text(n, "000000"),
        "DetailSeqNo": text(n, "000001"),
        "ProductLine": chunk.product_line[line],
        "QuantityOrdered": qty,
        "QuantityShipped": qty,
        "QuantityBackordered": np.zeros(n),
        "ExtensionAmt": ext / 100,
        "PromiseDate": cm_day,
        "AppliedSalesOrderNo": text(n),
    }
    return head, detail, ext + tax
