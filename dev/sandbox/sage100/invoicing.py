"""Sage users invoicing open orders: the sandbox's Sales Order invoice + daily update.

An open standard order is shipped in full and invoiced: its invoice enters the invoice
history and A/R open invoices, the order is completed in the order history and leaves
SO_SalesOrderHeader, and the shipped stock leaves the warehouse. Every row touched is
stamped the way Sage does. This is what the engine sees as new invoices and completed
orders on its next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from connectors.sage100.schema import company_metadata
from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.layout import TABLES

__all__ = ["Invoiced", "invoice_open_orders"]

_PARTIES = (
    "ARDivisionNo", "CustomerNo", "BillToName", "BillToAddress1", "BillToAddress2",
    "BillToAddress3", "BillToCity", "BillToState", "BillToZipCode", "BillToCountryCode",
    "ShipToCode", "ShipToName", "ShipToAddress1", "ShipToAddress2", "ShipToAddress3",
    "ShipToCity", "ShipToState", "ShipToZipCode", "ShipToCountryCode", "ShipVia",
    "CustomerPONo", "FOB", "WarehouseCode", "TermsCode", "TaxSchedule",
    "SalespersonDivisionNo", "SalespersonNo", "SalespersonDivisionNo2", "SalespersonNo2",
    "SalespersonDivisionNo3", "SalespersonNo3", "Comment", "JobNo", "UDF_PLATFORM_ORDER_ID",
)  # fmt: skip
_USER = "0000000002"


@dataclass
class Invoiced:
    now: datetime
    orders: list[str]
    invoices: list[str]


def invoice_open_orders(url: str, count: int, *, now: datetime | None = None) -> Invoiced:
    now = (now or datetime.now()).replace(microsecond=0)
    stamp = {"DateUpdated": now.date(), "TimeUpdated": format_sage_time(now),
             "UserUpdatedKey": _USER}  # fmt: skip
    created = {"DateCreated": now.date(), "TimeCreated": format_sage_time(now),
               "UserCreatedKey": _USER, **stamp}  # fmt: skip
    meta = company_metadata(tables=TABLES)
    t = meta.tables
    engine = sa.create_engine(url)
    done = Invoiced(now, [], [])
    with engine.begin() as conn:
        header, detail = t["SO_SalesOrderHeader"], t["SO_SalesOrderDetail"]
        orders = conn.execute(
            sa.select(header).where(header.c.OrderType.in_(["S", "B"]))
            .order_by(header.c.SalesOrderNo).limit(count)
        ).mappings().all()  # fmt: skip
        last = conn.execute(sa.select(sa.func.max(t["AR_InvoiceHistoryHeader"].c.InvoiceNo)))
        next_no = int(last.scalar() or 0) + 1
        for order in orders:
            lines = conn.execute(
                sa.select(detail).where(detail.c.SalesOrderNo == order["SalesOrderNo"])
                .order_by(detail.c.LineSeqNo)
            ).mappings().all()  # fmt: skip
            invoice_no = f"{next_no:07d}"
            next_no += 1
            _invoice(conn, t, dict(order), [dict(x) for x in lines], invoice_no, now, created)
            _complete(conn, t, dict(order), [dict(x) for x in lines], invoice_no, now, stamp)
            done.orders.append(order["SalesOrderNo"])
            done.invoices.append(invoice_no)
    engine.dispose()
    return done


def _amount(value: Any) -> float:
    return float(value or 0.0)


def _cost(lines: list[dict[str, Any]]) -> float:
    return round(sum(_amount(x["UnitCost"]) * _amount(x["QuantityOrdered"]) for x in lines), 2)


def _invoice(
    conn: sa.Connection,
    t: Any,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    invoice_no: str,
    now: datetime,
    created: dict[str, Any],
) -> None:
    total = round(sum(_amount(x["ExtensionAmt"]) for x in lines), 2)
    tax, freight = _amount(order["SalesTaxAmt"]), _amount(order["FreightAmt"])
    due = now.date() + timedelta(days=30)
    conn.execute(
        t["AR_InvoiceHistoryHeader"].insert(),
        {
            **{c: order[c] for c in _PARTIES},
            "InvoiceNo": invoice_no, "HeaderSeqNo": "000000", "ModuleCode": "S/O",
            "InvoiceType": "IN", "InvoiceDate": now.date(), "TransactionDate": now.date(),
            "ApplyToInvoiceNo": invoice_no, "SalesOrderNo": order["SalesOrderNo"],
            "OrderType": order["OrderType"], "OrderDate": order["OrderDate"],
            "ShipDate": now.date(), "TaxableSalesAmt": _amount(order["TaxableAmt"]),
            "NonTaxableSalesAmt": _amount(order["NonTaxableAmt"]), "FreightAmt": freight,
            "SalesTaxAmt": tax, "DiscountAmt": _amount(order["DiscountAmt"]),
            "CostOfSalesAmt": _cost(lines),
            "DepositAmt": 0.0, "Weight": _amount(order["Weight"]), "InvoiceDueDate": due,
            "DiscountDueDate": due, **created,
        },
    )  # fmt: skip
    if lines:
        conn.execute(
            t["AR_InvoiceHistoryDetail"].insert(),
            [
                {
                    "InvoiceNo": invoice_no, "HeaderSeqNo": "000000", "DetailSeqNo": f"{n:06d}",
                    "ItemCode": x["ItemCode"], "ItemType": x["ItemType"],
                    "ItemCodeDesc": x["ItemCodeDesc"], "WarehouseCode": x["WarehouseCode"],
                    "UnitOfMeasure": x["UnitOfMeasure"],
                    "UnitOfMeasureConvFactor": x["UnitOfMeasureConvFactor"],
                    "QuantityOrdered": x["QuantityOrdered"],
                    "QuantityShipped": x["QuantityOrdered"], "QuantityBackordered": 0.0,
                    "UnitPrice": x["UnitPrice"], "UnitCost": x["UnitCost"],
                    "ExtensionAmt": x["ExtensionAmt"], "PromiseDate": x["PromiseDate"],
                    "TaxClass": x["TaxClass"], "SalesAcctKey": x["SalesAcctKey"],
                    "CostOfGoodsSoldAcctKey": x["CostOfGoodsSoldAcctKey"],
                    "AppliedSalesOrderNo": order["SalesOrderNo"], "CommentText": x["CommentText"],
                }
                for n, x in enumerate(lines, start=1)
            ],
        )  # fmt: skip
    conn.execute(
        t["AR_OpenInvoice"].insert(),
        {
            "ARDivisionNo": order["ARDivisionNo"], "CustomerNo": order["CustomerNo"],
            "InvoiceNo": invoice_no, "InvoiceType": "IN", "InvoiceDate": now.date(),
            "InvoiceDueDate": due, "InvoiceDiscountDate": due,
            "InvoiceHistoryHeaderSeqNo": "000000", "TermsCode": order["TermsCode"],
            "CustomerPONo": order["CustomerPONo"], "Balance": round(total + tax + freight, 2),
            "PaymentsToday": 0.0, "TaxableAmt": _amount(order["TaxableAmt"]),
            "SalesTaxAmt": tax, "FreightAmt": freight, "DiscountAmt": 0.0, **created,
        },
    )  # fmt: skip


def _complete(
    conn: sa.Connection,
    t: Any,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    invoice_no: str,
    now: datetime,
    stamp: dict[str, Any],
) -> None:
    number = order["SalesOrderNo"]
    history = t["SO_SalesOrderHistoryHeader"]
    conn.execute(
        history.update()
        .where(history.c.SalesOrderNo == number)
        .values(OrderStatus="C", LastInvoiceNo=invoice_no, LastInvoiceDate=now.date(), **stamp)
    )
    stock = t["IM_ItemWarehouse"]
    for line in lines:
        if line["ItemType"] != "1" or not line["WarehouseCode"]:
            continue
        qty = _amount(line["QuantityOrdered"])
        allocated = stock.c.QuantityOnSalesOrder - qty
        conn.execute(
            stock.update()
            .where(
                stock.c.ItemCode == line["ItemCode"],
                stock.c.WarehouseCode == line["WarehouseCode"],
            )
            .values(
                QuantityOnHand=stock.c.QuantityOnHand - qty,
                QuantityOnSalesOrder=sa.case((allocated < 0, 0), else_=allocated),
                **stamp,
            )
        )
    for name in ("SO_SalesOrderDetail", "SO_SalesOrderHeader"):
        conn.execute(t[name].delete().where(t[name].c.SalesOrderNo == number))
