"""The sandbox BOI on a company generated into PostgreSQL: the same rules, the same
all-or-nothing writes."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.sage100.boi import FAILURE, NEW_RECORD, SUCCESS, CashReceiptsBus, ContactBus
from sandbox.sage100 import generate
from sandbox.sage100.boi import open_session
from tests.sandbox.boi_fixtures import NOW, count, new_customer, read, read_one, start_order
from tests.sandbox.conftest import AS_OF


def test_customer_order_and_receipt_on_postgresql(postgres_schema_url: str) -> None:
    url = postgres_schema_url
    generate(url, scale="tiny", seed=42, as_of=AS_OF)
    session = open_session(url, now=lambda: NOW)
    try:
        text = "O'Brien; DROP TABLE x;--"
        customer_no = new_customer(session, CustomerName=text, ShipMethod="UPS GROUND")
        customer = read_one(url, "AR_Customer", ARDivisionNo="00", CustomerNo=customer_no)
        assert (customer["CustomerName"], customer["DateCreated"]) == (text, NOW.date())

        contact: ContactBus = session.new_object("AR_CustomerContact_bus")
        code = contact.get_next_contact_code("00", customer_no)
        for column, value in (("ARDivisionNo$", "00"), ("CustomerNo$", customer_no)):
            contact.set_key_value(column, value)
        contact.set_key_value("ContactCode$", code)
        assert (code, contact.set_key()) == ("1000", NEW_RECORD)
        contact.set_value("ContactName$", "Ann Lee")
        assert contact.write() == SUCCESS

        items = sorted(
            read(url, "CI_Item", ItemType="1", InactiveItem="N"), key=lambda r: r["ItemCode"]
        )
        stock_key = {"ItemCode": items[0]["ItemCode"], "WarehouseCode": "000"}
        before = read(url, "IM_ItemWarehouse", **stock_key)
        order = start_order(session, "00", customer_no)
        number = str(order.get_value("SalesOrderNo$"))
        order.set_value("WarehouseCode$", "000")
        for item, qty in ((items[0], 2), (items[1], 1)):
            assert order.lines.add_line() == SUCCESS
            assert order.lines.set_value("ItemCode$", item["ItemCode"]) == SUCCESS
            assert order.lines.set_value("QuantityOrdered", qty) == SUCCESS
            assert order.lines.write() == SUCCESS
        # A second user deactivates line 2's item: the whole order is refused.
        table = session.table("CI_Item")
        with session.engine.begin() as conn:
            conn.execute(
                sa.update(table)
                .where(table.c.ItemCode == items[1]["ItemCode"])
                .values(InactiveItem="Y")
            )
        assert order.write() == FAILURE
        assert count(url, "SO_SalesOrderHeader", SalesOrderNo=number) == 0
        assert read(url, "IM_ItemWarehouse", **stock_key) == before
        with session.engine.begin() as conn:
            conn.execute(
                sa.update(table)
                .where(table.c.ItemCode == items[1]["ItemCode"])
                .values(InactiveItem="N")
            )
        assert order.write() == SUCCESS, order.last_error_message
        assert count(url, "SO_SalesOrderDetail", SalesOrderNo=number) == 2
        was = before[0]["QuantityOnSalesOrder"] if before else 0.0
        after = read_one(url, "IM_ItemWarehouse", **stock_key)["QuantityOnSalesOrder"]
        assert after == was + 2

        invoice = min(read(url, "AR_OpenInvoice"), key=lambda r: r["InvoiceNo"])
        receipt: CashReceiptsBus = session.new_object("AR_CashReceipts_bus")
        for column, value in (
            ("DepositNo$", "00001"),
            ("ARDivisionNo$", invoice["ARDivisionNo"]),
            ("CustomerNo$", invoice["CustomerNo"]),
            ("CheckNo$", "501"),
        ):
            receipt.set_key_value(column, value)
        assert receipt.set_key() == NEW_RECORD
        receipt.set_value("PaymentType$", "ACH")
        receipt.set_value("PostingAmt", 20)
        receipt.lines.add_line()
        receipt.lines.set_value("InvoiceNo$", invoice["InvoiceNo"])
        receipt.lines.set_value("AmountPosted", 20)
        assert receipt.lines.write() == SUCCESS, receipt.lines.last_error_message
        assert receipt.write() == SUCCESS, receipt.last_error_message
        key = {k: invoice[k] for k in ("ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType")}
        paid = read_one(url, "AR_OpenInvoice", **key)["PaymentsToday"]
        assert paid == round(invoice["PaymentsToday"] + 20, 2)
    finally:
        session.close()
