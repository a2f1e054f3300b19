"""Steps 21 and 23: web orders and invoice payments, platform -> Sage (seed 003, 000).

Orders become two frames, headers and lines, with Sage column names; payments one frame.
Both are what the data-quality gate checks and what the write path sends through
SO_SalesOrder_bus and AR_CashReceipts_bus.

Seed 003 rules kept here:
  * Ordered By: a contact id goes to Confirm To as the contact's code, otherwise the
    ordered-by name does;
  * the ordered-by e-mail goes to the order only when it is a valid address;
  * Send To Service Pro and Service Pro Order Status go to their UDFs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from erpsync.mappings.upload import split_number

__all__ = ["ORDER_SAGE_COLUMNS", "order_frames", "payment_frame"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ORDER_HEADER_FIELDS: dict[str, str] = {
    "OrderDate": "order_date",
    "ShipExpireDate": "shipping_date",
    "CustomerPONo": "customer_po_no",
    "ShipVia": "ship_via",
    "TaxSchedule": "tax_schedule",
    "WarehouseCode": "location_code",
    "ShipToCode": "ship_to_code",
    "ShipToName": "ship_to_name",
    "ShipToAddress1": "ship_to_address1",
    "ShipToAddress2": "ship_to_address2",
    "ShipToAddress3": "ship_to_address3",
    "ShipToCity": "ship_to_city",
    "ShipToState": "ship_to_state",
    "ShipToZipCode": "ship_to_zip",
    "ShipToCountryCode": "ship_to_country",
    "BillToName": "bill_to_name",
    "BillToAddress1": "bill_to_address1",
    "BillToAddress2": "bill_to_address2",
    "BillToAddress3": "bill_to_address3",
    "BillToCity": "bill_to_city",
    "BillToState": "bill_to_state",
    "BillToZipCode": "bill_to_zip",
    "BillToCountryCode": "bill_to_country",
    "Comment": "ship_instruction_1",
    "FreightAmt": "freight",
    "UDF_SERVICE_PRO_STATUS": "service_pro_order_status",
}

# Header columns the write path sets after the customer, in this order.
ORDER_SAGE_COLUMNS: tuple[str, ...] = (
    "OrderType",
    *ORDER_HEADER_FIELDS,
    "ConfirmTo",
    "EmailAddress",
    "UDF_SEND_TO_SERVICE_PRO",
)

ORDER_LINE_FIELDS: dict[str, str] = {
    "ItemCode": "item_number",  # first: it loads the item's defaults
    "WarehouseCode": "location_code",
    "ItemCodeDesc": "description",
    "QuantityOrdered": "quantity_ordered",
    "UnitPrice": "price",
    "CommentText": "comment",
}


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def _confirm_to(rec: Mapping[str, Any]) -> Any:
    return rec.get("ordered_by_id") or rec.get("ordered_by_name")


def _email(rec: Mapping[str, Any]) -> Any:
    email = rec.get("ordered_by_email")
    return email if isinstance(email, str) and _EMAIL.match(email) else None


def order_frames(records: Sequence[Mapping[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(headers, lines) for the gate and the write path; record_key = platform order id."""
    headers, lines = [], []
    for rec in records:
        pid = str(rec["id"])
        division, number = split_number(rec.get("customer_no"))
        rec_lines = rec.get("lines") or []
        row: dict[str, Any] = {
            "record_key": pid,
            "operation": "create",
            "customer_no": rec.get("customer_no"),
            "ARDivisionNo": division,
            "CustomerNo": number,
            "OrderType": "S",
            "ConfirmTo": _confirm_to(rec),
            "EmailAddress": _email(rec),
            "UDF_SEND_TO_SERVICE_PRO": _value(rec.get("send_to_service_pro")),
        }
        for column, field in ORDER_HEADER_FIELDS.items():
            row[column] = _value(rec.get(field))
        total = 0.0
        for n, line in enumerate(rec_lines, start=1):
            qty = line.get("quantity_ordered")
            price = line.get("price")
            extension = (
                round(float(qty) * float(price), 2)
                if isinstance(qty, int | float) and isinstance(price, int | float)
                else None
            )
            total += extension or 0.0
            out = {"record_key": pid, "line_no": line.get("line_no", n), "ExtensionAmt": extension}
            for column, field in ORDER_LINE_FIELDS.items():
                out[column] = _value(line.get(field))
            lines.append(out)
        row["line_count"] = len(rec_lines)
        row["lines_total"] = round(total, 2)
        subtotal = rec.get("subtotal")
        row["header_total"] = float(subtotal) if isinstance(subtotal, int | float) else None
        headers.append(row)
    line_cols = ["record_key", "line_no", *ORDER_LINE_FIELDS, "ExtensionAmt"]
    return (
        pd.DataFrame(headers).astype(object) if headers else pd.DataFrame(columns=["record_key"]),
        pd.DataFrame(lines, columns=line_cols).astype(object),
    )


def payment_frame(
    records: Sequence[Mapping[str, Any]], *, default_payment_type: str
) -> pd.DataFrame:
    """One row per platform payment, applied to one invoice."""
    rows = []
    for rec in records:
        pid = str(rec["id"])
        division, number = split_number(rec.get("customer_no"))
        amount = rec.get("amount")
        rows.append(
            {
                "record_key": pid,
                "operation": "create",
                "customer_no": rec.get("customer_no"),
                "ARDivisionNo": division,
                "CustomerNo": number,
                "InvoiceNo": rec.get("invoice_no"),
                "AmountPosted": float(amount) if isinstance(amount, int | float) else None,
                "PaymentType": rec.get("payment_type") or default_payment_type,
                "TransactionDate": rec.get("transaction_date"),
                # With the deposit and the customer, the receipt's key: known before the
                # write, so the write path records it (and looks it up) first.
                "CheckNo": (rec.get("reference") or f"WEB{pid}")[:10],
            }
        )
    return pd.DataFrame(rows).astype(object)
