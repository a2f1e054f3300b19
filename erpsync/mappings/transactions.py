"""Steps 20 and 22: invoices and sales orders from Sage 100 to the platform (seed 003).

Documents carry their lines inline; invoices also carry their payments and open balance.
"""

from __future__ import annotations

import pandas as pd

from erpsync.mappings.core import EntityMapping, MapContext, computed
from erpsync.mappings.customers import customer_no, no_error, synced
from erpsync.mappings.sage import division_number, flag, number

__all__ = [
    "INVOICES_DOWN",
    "INVOICE_LINES",
    "INVOICE_PAYMENTS",
    "ORDERS_DOWN",
    "ORDER_HISTORY_LINES",
    "ORDER_LINES",
    "life_cycle",
]


def _num(column: str) -> object:
    @computed(column)
    def convert(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
        return number(frame[column])

    convert.__name__ = f"number_{column}"
    return convert


def _salesperson(n: str) -> object:
    suffix = "" if n == "1" else n

    @computed(f"SalespersonDivisionNo{suffix}", f"SalespersonNo{suffix}")
    def person(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
        return division_number(
            frame[f"SalespersonDivisionNo{suffix}"], frame[f"SalespersonNo{suffix}"]
        )

    person.__name__ = f"sales_person_{n}"
    return person


def _parties(prefix: str) -> dict[str, object]:
    """Bill-to and ship-to blocks, identical on orders and invoices."""
    return {
        f"{prefix}_name": f"{prefix.title().replace('_', '')}Name",
        f"{prefix}_address1": f"{prefix.title().replace('_', '')}Address1",
        f"{prefix}_address2": f"{prefix.title().replace('_', '')}Address2",
        f"{prefix}_address3": f"{prefix.title().replace('_', '')}Address3",
        f"{prefix}_zip": f"{prefix.title().replace('_', '')}ZipCode",
        f"{prefix}_city": f"{prefix.title().replace('_', '')}City",
        f"{prefix}_state": f"{prefix.title().replace('_', '')}State",
        f"{prefix}_country": f"{prefix.title().replace('_', '')}CountryCode",
    }


_DOCUMENT_COMMON: dict[str, object] = {
    "customer_no": customer_no,
    **_parties("bill_to"),
    "ship_to_code": "ShipToCode",
    **_parties("ship_to"),
    "ship_via": "ShipVia",
    "customer_po_no": "CustomerPONo",
    "location_code": "WarehouseCode",
    "terms_code": "TermsCode",
    "tax_schedule": "TaxSchedule",
    "sales_person_1": _salesperson("1"),
    "sales_person_2": _salesperson("2"),
    "sales_person_3": _salesperson("3"),
    "project_code": "JobNo",
    "freight": _num("FreightAmt"),
}

_LINE_COMMON: dict[str, object] = {
    "item_number": "ItemCode",
    "description": "ItemCodeDesc",
    "location_code": "WarehouseCode",
    "quantity_ordered": _num("QuantityOrdered"),
    "price": _num("UnitPrice"),
    "cost": _num("UnitCost"),
    "extension": _num("ExtensionAmt"),
    "comment": "CommentText",
}

INVOICE_LINES = EntityMapping(
    entity="invoice_lines",
    table="AR_InvoiceHistoryDetail",
    key=("InvoiceNo", "HeaderSeqNo", "DetailSeqNo"),
    fields={
        "line_no": "DetailSeqNo",
        **_LINE_COMMON,  # type: ignore[dict-item]
        "quantity_shipped": _num("QuantityShipped"),  # type: ignore[dict-item]
        "uom": "UnitOfMeasure",
        "uom_conversion_factor": _num("UnitOfMeasureConvFactor"),  # type: ignore[dict-item]
        "promise_date": "PromiseDate",
    },
)

_PAYMENT_KIND = {"P": "payment", "C": "credit_memo", "A": "adjustment"}


@computed("TransactionType")
def payment_kind(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["TransactionType"].map(_PAYMENT_KIND).fillna("other")


INVOICE_PAYMENTS = EntityMapping(
    entity="invoice_payments",
    table="AR_TransactionPaymentHistory",
    key=("ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType", "TransactionDate", "SequenceNo"),
    fields={
        "date": "TransactionDate",
        "kind": payment_kind,
        "amount": _num("TransactionAmt"),  # type: ignore[dict-item]
        "payment_type": "PaymentType",
        "check_no": "CheckNo",
        "reference": "PaymentReference",
    },
)

_INVOICE_TYPE = {
    "IN": "invoice",
    "CM": "credit_memo",
    "DM": "debit_memo",
    "FC": "finance_charge",
    "CA": "cash",
    "XD": "deleted",
    "AD": "adjustment",
}


@computed("InvoiceType")
def invoice_type(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["InvoiceType"].map(_INVOICE_TYPE)


@computed()
def open_balance(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # Added by the step from AR_OpenInvoice: what is still owed (0 when paid).
    return frame["OpenBalance"].astype("float64")


INVOICES_DOWN = EntityMapping(
    entity="invoices",
    table="AR_InvoiceHistoryHeader",
    key=("InvoiceNo", "HeaderSeqNo"),
    fields={
        "invoice_no": "InvoiceNo",
        "header_seq_no": "HeaderSeqNo",
        "invoice_type": invoice_type,
        "apply_to_no": "ApplyToInvoiceNo",
        "invoice_date": "InvoiceDate",
        "sales_order_no": "SalesOrderNo",
        "order_date": "OrderDate",
        **_DOCUMENT_COMMON,  # type: ignore[dict-item]
        "freight_pay_code": "FOB",
        "sales_tax": _num("SalesTaxAmt"),  # type: ignore[dict-item]
        "taxable_amount": _num("TaxableSalesAmt"),  # type: ignore[dict-item]
        "non_taxable_amount": _num("NonTaxableSalesAmt"),  # type: ignore[dict-item]
        "discount_amount": _num("DiscountAmt"),  # type: ignore[dict-item]
        "comment": "Comment",
        "date_entered": "DateCreated",
        "due_date": "InvoiceDueDate",
        "balance": open_balance,
    },
    extra_columns=("ARDivisionNo", "CustomerNo"),
    enriched=("OpenBalance",),
)

ORDER_LINES = EntityMapping(
    entity="sales_order_lines",
    table="SO_SalesOrderDetail",
    key=("SalesOrderNo", "LineKey"),
    fields={"line_no": "LineKey", **_LINE_COMMON},  # type: ignore[dict-item]
)

# The same line from SO_SalesOrderHistoryDetail, keyed by SequenceNo, which keeps the
# quantity and price as entered and as last revised: the platform gets the latter, as the
# open order had them.
ORDER_HISTORY_LINES = EntityMapping(
    entity="sales_order_lines",
    table="SO_SalesOrderHistoryDetail",
    key=("SalesOrderNo", "SequenceNo"),
    fields={
        "line_no": "LineKey",
        **_LINE_COMMON,  # type: ignore[dict-item]
        "quantity_ordered": _num("QuantityOrderedRevised"),  # type: ignore[dict-item]
        "price": _num("LastUnitPrice"),  # type: ignore[dict-item]
        "extension": _num("LastExtensionAmt"),  # type: ignore[dict-item]
    },
)

_ORDER_STATUS = {"N": "new", "O": "open", "C": "closed", "H": "hold"}
_ORDER_TYPE = {"S": "standard", "B": "back_order", "Q": "quote", "M": "master",
               "R": "repeating", "P": "prospect_quote"}  # fmt: skip


@computed("OrderStatus")
def order_status(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["OrderStatus"].map(_ORDER_STATUS)


@computed("OrderType")
def order_type(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["OrderType"].map(_ORDER_TYPE)


@computed("ShipVia")
def order_ship_via(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # Seed 003: a blank ship via becomes the connector's default.
    via = frame["ShipVia"].astype("string").fillna("")
    return via.where(via != "", ctx.default_ship_via)


@computed("ConfirmTo")
def ordered_by_id(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # "ConfirmToContact" is added by the step: the customer's contact whose name matches.
    return frame["ConfirmToContact"].astype("string")


@computed("ConfirmTo")
def ordered_by_name(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    name = frame["ConfirmTo"].astype("string")
    return name.where(name != "", None)


@computed("UDF_SEND_TO_SERVICE_PRO")
def send_to_service_pro(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    value = frame["UDF_SEND_TO_SERVICE_PRO"].astype("string").fillna("")
    answer = flag(value).astype(object)
    return answer.where(value != "", None)


ORDERS_DOWN = EntityMapping(
    entity="sales_orders",
    table="SO_SalesOrderHeader",
    key=("SalesOrderNo",),
    fields={
        "order_no": "SalesOrderNo",
        "order_type": order_type,
        "status": order_status,
        "order_date": "OrderDate",
        "shipping_date": "ShipExpireDate",
        **_DOCUMENT_COMMON,  # type: ignore[dict-item]
        "ship_via": order_ship_via,
        "ordered_by_id": ordered_by_id,
        "ordered_by_name": ordered_by_name,
        "ordered_by_email": "EmailAddress",
        "ship_instruction_1": "Comment",
        "send_to_service_pro": send_to_service_pro,
        "service_pro_order_status": "UDF_SERVICE_PRO_STATUS",
        "sales_tax": _num("SalesTaxAmt"),  # type: ignore[dict-item]
        "erp_status": synced,
        "erp_error": no_error,
    },
    enriched=("ConfirmToContact",),
)

_HISTORY_STATUS = {"A": "open", "C": "completed", "X": "deleted"}


@computed("OrderStatus")
def life_cycle(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    """Sage's order history status: completed (invoiced) or deleted orders."""
    return frame["OrderStatus"].map(_HISTORY_STATUS)
