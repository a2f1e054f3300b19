"""SO_SalesOrder_bus entry: order numbers, the customer's and the item's defaults, and the
rules on header and line values."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.sage100.boi import EXISTING_RECORD, FAILURE, SUCCESS, CustomerBus, SalesOrderBus
from sandbox.sage100.boi import SandboxSession
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import (
    NOW,
    read,
    read_one,
    regular_items,
    start_order,
    taxed_customer,
    url_of,
)

boi = boi_fixtures.boi


def _highest_order(url: str) -> int:
    numbers = [r["SalesOrderNo"] for r in read(url, "SO_SalesOrderHistoryHeader")]
    numbers += [r["SalesOrderNo"] for r in read(url, "SO_SalesOrderHeader")]
    return max(int(n) for n in numbers if n.isdigit())


def test_next_sales_order_no_is_above_header_and_history(boi: SandboxSession) -> None:
    url = url_of(boi)
    order: SalesOrderBus = boi.new_object("SO_SalesOrder_bus")
    top = _highest_order(url)
    assert order.get_next_sales_order_no() == f"{top + 1:07d}"
    assert order.get_next_sales_order_no() == f"{top + 2:07d}"
    open_numbers = {r["SalesOrderNo"] for r in read(url, "SO_SalesOrderHeader")}
    closed = next(
        r["SalesOrderNo"]
        for r in read(url, "SO_SalesOrderHistoryHeader")
        if r["SalesOrderNo"] not in open_numbers
    )
    order.set_key_value("SalesOrderNo$", closed)
    assert order.set_key() == FAILURE
    assert f"SalesOrderNo$: '{closed}' was already used (SO_SalesOrderHistoryHeader)" in (
        order.last_error_message
    )


def test_customer_defaults_load_with_the_primary_ship_to(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = next(r for r in read(url, "AR_Customer") if r["PrimaryShipToCode"])
    key = {"ARDivisionNo": customer["ARDivisionNo"], "CustomerNo": customer["CustomerNo"]}
    ship = read_one(url, "SO_ShipToAddress", **key, ShipToCode=customer["PrimaryShipToCode"])
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    expected = {
        "BillToName$": customer["CustomerName"],
        "BillToAddress1$": customer["AddressLine1"],
        "BillToCity$": customer["City"],
        "BillToZipCode$": customer["ZipCode"],
        "TermsCode$": customer["TermsCode"],
        "ShipToCode$": ship["ShipToCode"],
        "ShipToName$": ship["ShipToName"],
        "ShipToCity$": ship["ShipToCity"],
        "ShipVia$": ship["ShipVia"] or customer["ShipMethod"],
        "TaxSchedule$": ship["TaxSchedule"] or customer["TaxSchedule"],
        "WarehouseCode$": ship["WarehouseCode"],
        "SalespersonNo$": ship["SalespersonNo"] or customer["SalespersonNo"],
        "OrderDate$": NOW.strftime("%Y%m%d"),
        "OrderType$": "S",
    }
    assert {c: order.get_value(c) for c in expected} == expected


def test_customer_without_ship_to_ships_to_its_bill_to(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    assert order.get_value("ShipToCode$") == ""
    assert order.get_value("ShipToName$") == customer["CustomerName"]
    assert order.get_value("ShipToAddress1$") == customer["AddressLine1"]
    assert order.get_value("ShipVia$") == customer["ShipMethod"]
    assert order.get_value("TaxSchedule$") == customer["TaxSchedule"]


def test_header_rules(boi: SandboxSession) -> None:
    order: SalesOrderBus = boi.new_object("SO_SalesOrder_bus")
    order.set_key_value("SalesOrderNo$", order.get_next_sales_order_no())
    order.set_key()
    assert order.lines.add_line() == FAILURE
    assert "set ARDivisionNo$ and CustomerNo$ before adding lines" in order.lines.last_error_message
    assert order.set_value("CustomerNo$", "0000001") == FAILURE
    assert "CustomerNo$: set ARDivisionNo$ first" in order.last_error_message
    assert order.set_value("ARDivisionNo$", "00") == SUCCESS
    assert order.set_value("CustomerNo$", "9999999") == FAILURE
    assert "'9999999' is not a customer in division '00' (AR_Customer)" in order.last_error_message
    customer = read(url_of(boi), "AR_Customer", ARDivisionNo="00")[0]
    assert order.set_value("CustomerNo$", customer["CustomerNo"]) == SUCCESS
    for column, value, message in (
        ("ShipVia$", "OVERNITE", "ShipVia$: 'OVERNITE' is not a ship via (SO_ShippingRateHeader)"),
        ("ShipToCode$", "ZZZZ", "ShipToCode$: 'ZZZZ' is not a ship-to address of customer"),
        ("OrderType$", "X", "OrderType$: 'X' is not one of S/B/M/R/Q/P"),
        ("WarehouseCode$", "999", "WarehouseCode$: '999' is not a warehouse (IM_Warehouse)"),
        ("PaymentType$", "BTC", "PaymentType$: 'BTC' is not a payment type (AR_PaymentType)"),
        ("TaxableAmt", 5, "TaxableAmt is read-only"),
        ("ARDivisionNo$", "01", "ARDivisionNo$: cannot change once CustomerNo$ is set"),
        ("OrderDate$", "20261131", "OrderDate$: '20261131' is not a date (YYYYMMDD)"),
    ):
        assert order.set_value(column, value) == FAILURE, column
        assert message in order.last_error_message


def test_an_inactive_customer_takes_no_orders(boi: SandboxSession) -> None:
    customer = taxed_customer(url_of(boi))
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    bus.set_key_value("ARDivisionNo$", customer["ARDivisionNo"])
    bus.set_key_value("CustomerNo$", customer["CustomerNo"])
    assert bus.set_key() == EXISTING_RECORD
    assert bus.set_value("CustomerStatus$", "I") == SUCCESS
    assert bus.write() == SUCCESS
    order: SalesOrderBus = boi.new_object("SO_SalesOrder_bus")
    order.set_key_value("SalesOrderNo$", order.get_next_sales_order_no())
    order.set_key()
    order.set_value("ARDivisionNo$", customer["ARDivisionNo"])
    assert order.set_value("CustomerNo$", customer["CustomerNo"]) == FAILURE
    assert f"CustomerNo$: '{customer['CustomerNo']}' is inactive (AR_Customer)" in (
        order.last_error_message
    )
    assert order.get_value("BillToName$") == ""  # no defaults loaded


def test_item_defaults_load_when_item_code_is_set_first(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    order = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"])
    assert order.set_value("WarehouseCode$", "001") == SUCCESS
    lines = order.lines
    assert lines.add_line() == SUCCESS
    assert lines.set_value("QuantityOrdered", 2) == FAILURE
    assert "line 1: ItemCode$ must be set first" in lines.last_error_message
    for valuation, cost in (("1", "StandardUnitCost"), ("2", "AverageUnitCost")):
        item = next(i for i in regular_items(url) if i["Valuation"] == valuation)
        assert lines.set_value("ItemCode$", item["ItemCode"]) == SUCCESS
        expected = {
            "ItemType$": "1",
            "ItemCodeDesc$": item["ItemCodeDesc"],
            "UnitPrice": item["StandardUnitPrice"],
            "UnitCost": item[cost],
            "TaxClass$": item["TaxClass"],
            "SalesAcctKey$": item["SalesAcctKey"],
            "CostOfGoodsSoldAcctKey$": item["CostOfGoodsSoldAcctKey"],
            "UnitOfMeasure$": item["SalesUnitOfMeasure"],
            "WarehouseCode$": "001",
            "PriceLevel$": customer["PriceLevel"],
        }
        assert {c: lines.get_value(c) for c in expected} == expected
    assert lines.set_value("QuantityOrdered", 4) == SUCCESS
    assert lines.set_value("UnitPrice", 2.345) == SUCCESS
    assert lines.get_value("ExtensionAmt") == round(4 * 2.345, 2)
    assert lines.set_value("ExtensionAmt", 1) == FAILURE


def test_item_defaults_fall_back_to_the_product_line(boi: SandboxSession) -> None:
    url = url_of(boi)
    item = regular_items(url)[0]
    family = read_one(url, "IM_ProductLine", ProductLine=item["ProductLine"])
    # Item maintenance by a Sage user: the item now leaves these to its product line.
    table = boi.table("CI_Item")
    with boi.engine.begin() as conn:
        conn.execute(
            sa.update(table)
            .where(table.c.ItemCode == item["ItemCode"])
            .values(TaxClass="", SalesAcctKey="", CostOfGoodsSoldAcctKey="", SalesUnitOfMeasure="")
        )
    customer = taxed_customer(url)
    lines = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"]).lines
    lines.add_line()
    assert lines.set_value("ItemCode$", item["ItemCode"]) == SUCCESS
    assert lines.get_value("TaxClass$") == family["TaxClass"]
    assert lines.get_value("SalesAcctKey$") == family["SalesIncomeAcctKey"]
    assert lines.get_value("CostOfGoodsSoldAcctKey$") == family["CostOfGoodsSoldAcctKey"]
    assert lines.get_value("UnitOfMeasure$") == family["SalesUnitOfMeasure"]


def test_unknown_inactive_and_unquantified_items_fail(boi: SandboxSession) -> None:
    url = url_of(boi)
    customer = taxed_customer(url)
    lines = start_order(boi, customer["ARDivisionNo"], customer["CustomerNo"]).lines
    inactive = next(i for i in read(url, "CI_Item", InactiveItem="Y"))
    assert lines.add_line() == SUCCESS
    assert lines.set_value("ItemCode$", "NO-SUCH-ITEM") == FAILURE
    assert "line 1: ItemCode$: 'NO-SUCH-ITEM' is not an item (CI_Item)" in lines.last_error_message
    assert lines.set_value("ItemCode$", inactive["ItemCode"]) == FAILURE
    assert f"ItemCode$: '{inactive['ItemCode']}' is inactive" in lines.last_error_message
    assert lines.write() == FAILURE
    assert "line 1: ItemCode$ is required" in lines.last_error_message
    assert lines.set_value("ItemCode$", regular_items(url)[0]["ItemCode"]) == SUCCESS
    assert lines.write() == FAILURE
    assert "line 1: QuantityOrdered: 0.0 must be greater than zero" in lines.last_error_message
    assert lines.set_value("QuantityOrdered", -2) == SUCCESS
    assert lines.write() == FAILURE
    assert lines.set_value("WarehouseCode$", "999") == FAILURE
    assert "line 1: WarehouseCode$: '999' is not a warehouse" in lines.last_error_message
