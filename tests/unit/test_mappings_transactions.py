"""Steps 20-23 mappings: invoices and sales orders down, web orders and payments up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd
import pytest

from erpsync.mappings.core import EntityMapping, MappedChunk, encode_records
from erpsync.mappings.documents_up import ORDER_SAGE_COLUMNS, order_frames, payment_frame
from erpsync.mappings.sage import is_missing
from erpsync.mappings.transactions import (
    INVOICE_LINES,
    INVOICE_PAYMENTS,
    INVOICES_DOWN,
    ORDER_LINES,
    ORDERS_DOWN,
    life_cycle,
)


@dataclass
class Ctx:
    default_location: str = "WH9"
    default_customer_type: str = "STD"
    default_ship_via: str = "UPS GROUND"


def _chunk(
    mapping: EntityMapping, rows: Sequence[Mapping[str, object]], **enriched: Any
) -> MappedChunk:
    blank: dict[str, object] = dict.fromkeys(mapping.source_columns, "")
    full = [{**blank, **row} for row in rows]
    frame = pd.DataFrame(full)
    frame = frame.astype({c: "string" for c in frame.columns})
    return mapping.apply(frame.assign(**enriched), Ctx())


def _nulls(values: pd.Series) -> list[Any]:
    """Missing values (None or NaN: the write path treats both alike) as None."""
    return [None if is_missing(v) else v for v in values]


def _records(
    mapping: EntityMapping, rows: Sequence[Mapping[str, object]], **enriched: Any
) -> list[dict[str, Any]]:
    chunk = _chunk(mapping, rows, **enriched)
    assert not chunk.rejects
    return [orjson.loads(line) for line in encode_records(chunk.records)]


INVOICE: dict[str, object] = {
    "InvoiceNo": "0100001",
    "HeaderSeqNo": "000000",
    "InvoiceType": "IN",
    "InvoiceDate": "2026-11-20",
    "ARDivisionNo": "01",
    "CustomerNo": "0000001",
    "BillToName": "Acme Supply",
    "ShipToCode": "DOCK",
    "ShipToZipCode": "78701",
    "SalespersonDivisionNo": "00",
    "SalespersonNo": "0100",
    "SalespersonDivisionNo3": "02",
    "SalespersonNo3": "0300",
    "FreightAmt": "12.50",
    "SalesTaxAmt": "8.25",
    "FOB": "ORIGIN",
    "DateCreated": "2026-11-19",
    "UDF_PLATFORM_ORDER_ID": "WEB-77",
}


def test_invoice_header_fields_and_computed_values() -> None:
    (rec,) = _records(INVOICES_DOWN, [INVOICE], OpenBalance=[41.5])
    assert rec["invoice_no"] == "0100001" and rec["header_seq_no"] == "000000"
    assert rec["invoice_type"] == "invoice"
    assert rec["customer_no"] == "01-0000001"
    assert rec["bill_to_name"] == "Acme Supply" and rec["ship_to_zip"] == "78701"
    assert rec["ship_to_code"] == "DOCK"
    assert rec["sales_person_1"] == "00-0100"
    assert rec["sales_person_2"] is None  # no second salesperson
    assert rec["sales_person_3"] == "02-0300"
    assert rec["freight"] == pytest.approx(12.5) and rec["sales_tax"] == pytest.approx(8.25)
    assert rec["discount_amount"] is None  # blank amount: no value
    assert rec["freight_pay_code"] == "ORIGIN"
    assert rec["date_entered"] == "2026-11-19"
    assert rec["apply_to_no"] is None and rec["comment"] is None
    assert rec["balance"] == pytest.approx(41.5)  # added by the step from AR_OpenInvoice
    assert "custom_fields" not in rec  # no UDF of the invoice is configured


@pytest.mark.parametrize(
    ("code", "kind"),
    [("IN", "invoice"), ("CM", "credit_memo"), ("DM", "debit_memo"), ("FC", "finance_charge"),
     ("CA", "cash"), ("XD", "deleted"), ("AD", "adjustment")],
)  # fmt: skip
def test_invoice_types(code: str, kind: str) -> None:
    (rec,) = _records(INVOICES_DOWN, [INVOICE | {"InvoiceType": code}], OpenBalance=[0.0])
    assert rec["invoice_type"] == kind


def test_invoice_with_an_unknown_type_is_rejected() -> None:
    chunk = _chunk(INVOICES_DOWN, [INVOICE | {"InvoiceType": "ZZ"}], OpenBalance=[0.0])
    assert chunk.records.empty
    assert chunk.rejects == [
        ("0100001|000000", "InvoiceType", "'ZZ' is not one of IN, CM, DM, FC, CA, XD, AD")
    ]
    assert "OpenBalance" not in INVOICES_DOWN.source_columns


def test_invoice_lines_and_payments() -> None:
    line = {
        "InvoiceNo": "0100001",
        "HeaderSeqNo": "000000",
        "DetailSeqNo": "000002",
        "ItemCode": "A1",
        "QuantityOrdered": "3",
        "QuantityShipped": "2",
        "UnitPrice": "19.99",
        "UnitOfMeasure": "EACH",
        "UnitOfMeasureConvFactor": "1",
        "ExtensionAmt": "39.98",
    }
    (rec,) = _records(INVOICE_LINES, [line])
    assert rec["line_no"] == "000002" and rec["item_number"] == "A1"
    assert rec["quantity_ordered"] == 3.0 and rec["quantity_shipped"] == 2.0
    assert rec["price"] == pytest.approx(19.99) and rec["extension"] == pytest.approx(39.98)
    assert rec["uom"] == "EACH" and rec["cost"] is None and rec["description"] is None
    payment = {
        "ARDivisionNo": "01",
        "CustomerNo": "0000001",
        "InvoiceNo": "0100001",
        "InvoiceType": "IN",
        "TransactionDate": "2026-11-21",
        "SequenceNo": "000001",
        "TransactionAmt": "-25.00",
        "CheckNo": "1234",
    }
    kinds = [payment | {"TransactionType": t, "SequenceNo": f"00000{n}"}
             for n, t in enumerate("PCAI")]  # fmt: skip
    out = _records(INVOICE_PAYMENTS, kinds)
    assert [r["kind"] for r in out] == ["payment", "credit_memo", "adjustment", "other"]
    assert out[0]["amount"] == -25.0 and out[0]["check_no"] == "1234"
    assert out[0]["date"] == "2026-11-21" and out[0]["reference"] is None


ORDER: dict[str, object] = {
    "SalesOrderNo": "0000123",
    "OrderType": "S",
    "OrderStatus": "O",
    "OrderDate": "2026-11-20",
    "ARDivisionNo": "01",
    "CustomerNo": "0000001",
    "ShipVia": "FEDEX 2DAY",
    "ConfirmTo": "Jo Smith",
    "EmailAddress": "jo@acme.test",
    "Comment": "leave at dock",
    "UDF_SEND_TO_SERVICE_PRO": "Y",
    "UDF_SERVICE_PRO_STATUS": "queued",
    "UDF_PLATFORM_ORDER_ID": "WEB-77",
}


def test_sales_order_header_rules() -> None:
    rows = [
        ORDER,
        ORDER | {"SalesOrderNo": "0000124", "OrderType": "B", "OrderStatus": "H",
                 "ShipVia": "", "ConfirmTo": "", "UDF_SEND_TO_SERVICE_PRO": "N"},
        ORDER | {"SalesOrderNo": "0000125", "OrderStatus": "N", "UDF_SEND_TO_SERVICE_PRO": ""},
    ]  # fmt: skip
    first, second, third = _records(ORDERS_DOWN, rows, ConfirmToContact=["JSMITH", None, None])
    assert first["order_no"] == "0000123" and first["customer_no"] == "01-0000001"
    assert (first["order_type"], first["status"]) == ("standard", "open")
    assert (second["order_type"], second["status"]) == ("back_order", "hold")
    assert third["status"] == "new"
    # A blank ship via is the connector's default.
    assert first["ship_via"] == "FEDEX 2DAY" and second["ship_via"] == "UPS GROUND"
    # Confirm To naming a contact of the customer: that contact ordered it.
    assert first["ordered_by_id"] == "JSMITH" and first["ordered_by_name"] == "Jo Smith"
    assert second["ordered_by_id"] is None and second["ordered_by_name"] is None
    assert first["ordered_by_email"] == "jo@acme.test"
    assert first["ship_instruction_1"] == "leave at dock"
    assert [r["send_to_service_pro"] for r in (first, second, third)] == [True, False, None]
    assert first["service_pro_order_status"] == "queued"
    assert "platform_order_id" not in first  # a platform-id UDF is bookkeeping, not sent
    assert first["erp_status"] == "synced" and first["erp_error"] is None


def test_order_lines_and_history_life_cycle() -> None:
    line = {"SalesOrderNo": "0000123", "LineKey": "000001", "ItemCode": "A1",
            "QuantityOrdered": "4", "UnitPrice": "2.5", "CommentText": ""}  # fmt: skip
    (rec,) = _records(ORDER_LINES, [line])
    assert rec["line_no"] == "000001" and rec["quantity_ordered"] == 4.0
    assert rec["price"] == 2.5 and rec["comment"] is None
    status = pd.DataFrame({"OrderStatus": ["A", "C", "X"]}, dtype="string")
    assert life_cycle(status, Ctx()).tolist() == ["open", "completed", "deleted"]


# --- platform -> Sage ------------------------------------------------------------------------

WEB_ORDER: dict[str, Any] = {
    "id": 501,
    "customer_no": "01-0000001",
    "order_date": "2026-11-22",
    "ship_via": "UPS GROUND",
    "ship_to_code": "DOCK",
    "ship_instruction_1": "leave at dock",
    "ordered_by_id": "JSMITH",
    "ordered_by_name": "Jo Smith",
    "ordered_by_email": "jo@acme.test",
    "send_to_service_pro": True,
    "service_pro_order_status": "queued",
    "subtotal": 63.27,
    "lines": [
        {"item_number": "A1", "quantity_ordered": 3, "price": 19.99, "location_code": "000"},
        {"line_no": 5, "item_number": "B2", "quantity_ordered": 3, "price": 1.1},
        {"item_number": "/C", "comment": "gift wrap"},
    ],
}


def test_web_order_header_columns() -> None:
    headers, _ = order_frames([WEB_ORDER])
    (row,) = headers.to_dict("records")
    assert row["record_key"] == "501" and row["operation"] == "create"
    assert (row["ARDivisionNo"], row["CustomerNo"]) == ("01", "0000001")
    assert row["OrderType"] == "S"
    # No UDF of erpsync's own: a configured platform_id_udf is the write path's to set.
    assert not [c for c in headers.columns if c.startswith("UDF_PLATFORM")]
    assert row["ConfirmTo"] == "JSMITH"  # the contact id wins over the name
    assert row["EmailAddress"] == "jo@acme.test"
    assert row["UDF_SEND_TO_SERVICE_PRO"] == "Y" and row["UDF_SERVICE_PRO_STATUS"] == "queued"
    assert row["ShipVia"] == "UPS GROUND" and row["Comment"] == "leave at dock"
    assert row["ShipToCode"] == "DOCK" and row["OrderDate"] == "2026-11-22"
    assert row["line_count"] == 3
    assert row["lines_total"] == 63.27 and row["header_total"] == 63.27
    assert set(ORDER_SAGE_COLUMNS) <= set(headers.columns)
    assert ORDER_SAGE_COLUMNS[0] == "OrderType"


def test_web_order_confirm_to_and_email_rules() -> None:
    by_name = WEB_ORDER | {"ordered_by_id": None, "ordered_by_email": "not an email"}
    nothing = WEB_ORDER | {"ordered_by_id": "", "ordered_by_name": None, "ordered_by_email": 5}
    no_flag = WEB_ORDER | {"send_to_service_pro": False, "subtotal": "n/a"}
    headers, _ = order_frames([by_name, nothing, no_flag])
    assert _nulls(headers["ConfirmTo"])[:2] == ["Jo Smith", None]
    assert _nulls(headers["EmailAddress"]) == [None, None, "jo@acme.test"]
    assert headers["UDF_SEND_TO_SERVICE_PRO"].tolist()[2] == "N"
    assert _nulls(headers["header_total"]) == [63.27, 63.27, None]


def test_web_order_lines_compute_their_extension() -> None:
    _, lines = order_frames([WEB_ORDER])
    assert lines.columns.tolist() == [
        "record_key", "line_no", "ItemCode", "WarehouseCode", "ItemCodeDesc",
        "QuantityOrdered", "UnitPrice", "CommentText", "ExtensionAmt",
    ]  # fmt: skip
    assert lines["line_no"].tolist() == [1, 5, 3]  # given, else the position
    # Rounded to the cent: 3 x 1.1 is 3.3000000000000003 in floating point.
    assert _nulls(lines["ExtensionAmt"]) == [59.97, 3.3, None]
    assert _nulls(lines["WarehouseCode"]) == ["000", None, None]
    assert lines.loc[2, "CommentText"] == "gift wrap"
    assert set(lines["record_key"]) == {"501"}


def test_no_web_orders_gives_empty_frames() -> None:
    headers, lines = order_frames([])
    assert headers.empty and headers.columns.tolist() == ["record_key"]
    assert lines.empty and lines.columns[0] == "record_key"


def test_payment_frame() -> None:
    records = [
        {"id": 9, "customer_no": "01-0000001", "invoice_no": "0100001", "amount": 25,
         "payment_type": "CHECK", "reference": "CHK-000123456", "transaction_date": "2026-11-22"},
        {"id": 10, "customer_no": "bad", "amount": "x"},
    ]  # fmt: skip
    frame = payment_frame(records, default_payment_type="WEB")
    first, second = frame.to_dict("records")
    assert (first["ARDivisionNo"], first["CustomerNo"]) == ("01", "0000001")
    assert first["AmountPosted"] == 25.0 and first["PaymentType"] == "CHECK"
    assert first["CheckNo"] == "CHK-000123"  # Sage's CheckNo holds 10 characters
    assert first["InvoiceNo"] == "0100001" and "UDF_PLATFORM_PAYMENT_ID" not in frame.columns
    assert is_missing(second["AmountPosted"]) and second["PaymentType"] == "WEB"
    assert second["CheckNo"] == "WEB10" and is_missing(second["ARDivisionNo"])
