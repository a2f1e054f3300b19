"""SO_SalesOrder_bus.nWrite: totals, history, stock allocation, open order amount, credit
hold, all-or-nothing writes, updates and deletes."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.sage100.boi import EXISTING_RECORD, FAILURE, SUCCESS, WARNING, CustomerBus
from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.boi import SandboxSession
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import (
    NOW,
    add_line,
    class_rates,
    count,
    read,
    read_one,
    regular_items,
    start_order,
    stock_of,
    taxed_customer,
    url_of,
)

boi = boi_fixtures.boi


def test_totals_agree_with_lines_and_history_is_kept(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    key = {"ARDivisionNo": customer["ARDivisionNo"], "CustomerNo": customer["CustomerNo"]}
    items = regular_items(url)
    taxed = [i for i in items if i["TaxClass"] == "TX"][:2]
    untaxed = next(i for i in items if i["TaxClass"] == "NT")
    charge = read(url, "CI_Item", ItemType="3")[0]
    order = start_order(boi, key["ARDivisionNo"], key["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    add_line(order, taxed[0]["ItemCode"], 3)
    add_line(order, untaxed["ItemCode"], 2)
    add_line(order, taxed[1]["ItemCode"], 1, UnitPrice=10.99, LineDiscountPercent=10)
    add_line(order, charge["ItemCode"], 1)
    assert order.set_value("FreightAmt", 15) == SUCCESS
    assert order.set_value("CustomerPONo$", "PO-'; --") == SUCCESS
    assert order.write() == SUCCESS, order.last_error_message
    lines = sorted(
        read(url, "SO_SalesOrderDetail", SalesOrderNo=number), key=lambda r: r["LineKey"]
    )
    assert [(r["LineKey"], r["LineSeqNo"]) for r in lines] == [
        (f"{n:06d}", f"{n:014d}") for n in (1, 2, 3, 4)
    ]
    for line in lines:
        gross = line["QuantityOrdered"] * line["UnitPrice"] * (100 - line["LineDiscountPercent"])
        assert line["ExtensionAmt"] == round(gross) / 100
    rates = class_rates(url, customer["TaxSchedule"])
    taxable = sum(round(r["ExtensionAmt"] * 100) for r in lines if rates.get(r["TaxClass"], 0) > 0)
    total = sum(round(r["ExtensionAmt"] * 100) for r in lines)
    header = read_one(url, "SO_SalesOrderHeader", SalesOrderNo=number)
    assert header["TaxableAmt"] == taxable / 100 > 0
    assert header["NonTaxableAmt"] == (total - taxable) / 100 > 0
    assert header["SalesTaxAmt"] == round(taxable * rates["TX"] / 100) / 100
    assert (header["FreightAmt"], header["OrderStatus"], header["CustomerPONo"]) == (
        15,
        "N",
        "PO-'; --",
    )
    assert (header["DateCreated"], header["TimeUpdated"]) == (NOW.date(), format_sage_time(NOW))
    history = read_one(url, "SO_SalesOrderHistoryHeader", SalesOrderNo=number)
    assert history["OrderStatus"] == "A"
    assert [history[c] for c in ("TaxableAmt", "NonTaxableAmt", "SalesTaxAmt")] == [
        header[c] for c in ("TaxableAmt", "NonTaxableAmt", "SalesTaxAmt")
    ]
    assert count(url, "SO_SalesOrderHistoryDetail", SalesOrderNo=number) == 4
    before = customer["OpenOrderAmt"]
    after = read_one(url, "AR_Customer", **key)
    assert round(after["OpenOrderAmt"] - before, 2) == total / 100
    assert after["DateUpdated"] == customer["DateUpdated"]  # posting-like: no stamp


def test_quantity_on_sales_order_increases_exactly(boi: SandboxSession) -> None:
    url = url_of(boi)
    stock = stock_of(url)
    warehouses = sorted(r["WarehouseCode"] for r in read(url, "IM_Warehouse"))
    codes = [i["ItemCode"] for i in regular_items(url)]
    # One item twice in the order's warehouse, one in another warehouse where it has a
    # row, one in a warehouse where it has none yet (Sage creates the row).
    first = codes[0]
    second, elsewhere = next((i, w) for (i, w) in stock if i != first and w != "000")
    third, missing = next(
        (i, w) for i in codes[1:] for w in warehouses if i != second and (i, w) not in stock
    )
    customer = taxed_customer(url)
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    assert order.set_value("WarehouseCode$", "000") == SUCCESS
    add_line(order, first, 2)
    add_line(order, first, 5)
    add_line(order, second, 3, WarehouseCode=elsewhere)
    add_line(order, third, 1.5, WarehouseCode=missing)
    assert order.write() == SUCCESS, order.last_error_message
    after = stock_of(url)
    touched = {(first, "000"): 7.0, (second, elsewhere): 3.0, (third, missing): 1.5}
    assert set(after) == set(stock) | {(third, missing)}
    for key, row in after.items():
        before = stock.get(key)
        if key not in touched:
            assert row == before, key
            continue
        was = before["QuantityOnSalesOrder"] if before else 0.0
        assert row["QuantityOnSalesOrder"] == was + touched[key], key
        assert (row["DateUpdated"], row["TimeUpdated"], row["UserUpdatedKey"]) == (
            NOW.date(),
            format_sage_time(NOW),
            "0000000099",
        )


def test_credit_hold_writes_the_order_on_hold_with_a_warning(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    bus.set_key_value("ARDivisionNo$", customer["ARDivisionNo"])
    bus.set_key_value("CustomerNo$", customer["CustomerNo"])
    assert bus.set_key() == EXISTING_RECORD
    assert bus.set_value("CreditHold$", "Y") == SUCCESS
    assert bus.write() == SUCCESS
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    add_line(order, regular_items(url)[0]["ItemCode"], 1)
    assert order.write() == WARNING
    assert "is on credit hold" in order.last_error_message
    assert number in order.last_error_message
    assert read_one(url, "SO_SalesOrderHeader", SalesOrderNo=number)["OrderStatus"] == "H"
    assert read_one(url, "SO_SalesOrderHistoryHeader", SalesOrderNo=number)["OrderStatus"] == "A"


def _nothing_written(url: str, number: str) -> None:
    for name in (
        "SO_SalesOrderHeader",
        "SO_SalesOrderDetail",
        "SO_SalesOrderHistoryHeader",
        "SO_SalesOrderHistoryDetail",
    ):
        assert count(url, name, SalesOrderNo=number) == 0, name


def test_orders_without_lines_or_with_a_pending_line_fail(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    assert order.write() == FAILURE
    assert (
        order.last_error_message
        == f"SO_SalesOrderHeader {number}: an order needs at least one line"
    )
    add_line(order, regular_items(url)[0]["ItemCode"], 1)
    assert order.lines.add_line() == SUCCESS
    assert order.lines.set_value("ItemCode$", "NO-SUCH-ITEM") == FAILURE
    assert order.write() == FAILURE
    assert "line 2 was neither written nor cleared" in order.last_error_message
    _nothing_written(url, number)


def test_a_line_failing_inside_write_leaves_nothing_written(boi: SandboxSession) -> None:
    url = url_of(boi)
    stock = stock_of(url)
    customer = taxed_customer(url)
    key = {"ARDivisionNo": customer["ARDivisionNo"], "CustomerNo": customer["CustomerNo"]}
    order = start_order(boi, key["ARDivisionNo"], key["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    first, second = (i["ItemCode"] for i in regular_items(url)[:2])
    add_line(order, first, 2)
    add_line(order, second, 1)
    # Another Sage user makes line 2's item inactive before the order is written.
    table = boi.table("CI_Item")
    with boi.engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.ItemCode == second).values(InactiveItem="Y"))
    assert order.write() == FAILURE
    assert f"line 2: ItemCode$: '{second}' is inactive" in order.last_error_message
    _nothing_written(url, number)
    assert stock_of(url) == stock
    assert read_one(url, "AR_Customer", **key)["OpenOrderAmt"] == customer["OpenOrderAmt"]


def test_existing_order_takes_more_lines_and_recomputes_totals(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    first, second = (i for i in regular_items(url)[:2])
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    add_line(order, first["ItemCode"], 1)
    assert order.write() == SUCCESS
    order.set_key_value("SalesOrderNo$", number)
    assert order.set_key() == EXISTING_RECORD
    assert order.get_value("CustomerNo$") == customer["CustomerNo"]
    assert order.set_value("CustomerNo$", "0000001") == FAILURE
    assert "the customer of an existing order cannot change" in order.last_error_message
    assert order.set_value("OrderType$", "Q") == FAILURE
    assert "the type of an existing order cannot change" in order.last_error_message
    assert order.set_value("Comment$", "Second thoughts") == SUCCESS
    add_line(order, second["ItemCode"], 2)
    assert order.lines.get_value("LineKey$") is None  # the line was handed to the order
    assert order.write() == SUCCESS, order.last_error_message
    lines = read(url, "SO_SalesOrderDetail", SalesOrderNo=number)
    assert sorted(r["LineKey"] for r in lines) == ["000001", "000002"]
    header = read_one(url, "SO_SalesOrderHeader", SalesOrderNo=number)
    total = sum(round(r["ExtensionAmt"] * 100) for r in lines)
    assert round((header["TaxableAmt"] + header["NonTaxableAmt"]) * 100) == total
    assert header["Comment"] == "Second thoughts"
    history = read_one(url, "SO_SalesOrderHistoryHeader", SalesOrderNo=number)
    assert (history["Comment"], history["TaxableAmt"]) == ("Second thoughts", header["TaxableAmt"])


def test_delete_releases_stock_and_marks_history(boi: SandboxSession) -> None:
    url = url_of(boi)
    stock = stock_of(url)
    customer = taxed_customer(url)
    key = {"ARDivisionNo": customer["ARDivisionNo"], "CustomerNo": customer["CustomerNo"]}
    order = start_order(boi, key["ARDivisionNo"], key["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    item = regular_items(url)[0]["ItemCode"]
    add_line(order, item, 4, WarehouseCode="000")
    assert order.write() == SUCCESS
    order.set_key_value("SalesOrderNo$", number)
    assert order.set_key() == EXISTING_RECORD
    assert order.delete() == SUCCESS
    assert count(url, "SO_SalesOrderHeader", SalesOrderNo=number) == 0
    assert count(url, "SO_SalesOrderDetail", SalesOrderNo=number) == 0
    assert read_one(url, "SO_SalesOrderHistoryHeader", SalesOrderNo=number)["OrderStatus"] == "X"
    after = stock_of(url)
    assert [after[k]["QuantityOnSalesOrder"] for k in after] == [
        stock[k]["QuantityOnSalesOrder"] if k in stock else 0.0 for k in after
    ]
    assert read_one(url, "AR_Customer", **key)["OpenOrderAmt"] == customer["OpenOrderAmt"]


def test_a_quote_commits_no_stock(boi: SandboxSession) -> None:
    url = url_of(boi)
    stock = stock_of(url)
    customer = taxed_customer(url)
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    number = str(order.get_value("SalesOrderNo$"))
    assert order.set_value("OrderType$", "Q") == SUCCESS
    add_line(order, regular_items(url)[0]["ItemCode"], 3)
    assert order.write() == SUCCESS
    assert stock_of(url) == stock
    assert read_one(url, "SO_SalesOrderHistoryHeader", SalesOrderNo=number)["OrderStatus"] == "Q"
