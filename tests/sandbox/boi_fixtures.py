"""Fixtures and helpers of the BOI tests: a session on a private copy of the tiny company,
a fixed clock, and direct reads that see only what write() committed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.sage100.boi import NEW_RECORD, SUCCESS, CustomerBus, SalesOrderBus
from connectors.sage100.schema import company_metadata
from sandbox.sage100.boi import SandboxSession, open_session
from sandbox.sage100.layout import TABLES

__all__ = [
    "NOW",
    "add_line",
    "boi",
    "class_rates",
    "count",
    "customer_with",
    "new_customer",
    "read",
    "read_one",
    "regular_items",
    "start_order",
    "stock_of",
    "taxed_customer",
    "url_of",
]

Row = dict[str, Any]

# The session's clock: the day after the tiny company's as_of, 09:15:30.
NOW = datetime(2026, 11, 23, 9, 15, 30)


@pytest.fixture()
def boi(tiny_copy: str) -> Iterator[SandboxSession]:
    """A BOI session on a private copy of the tiny company."""
    session = open_session(tiny_copy, now=lambda: NOW)
    yield session
    session.close()


def read(url: str, name: str, **where: object) -> list[dict[str, Any]]:
    """Rows of a table as committed, through a connection of its own."""
    table = company_metadata([name], tables=TABLES).tables[name]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            stmt = sa.select(table).where(*(table.c[c] == v for c, v in where.items()))
            return [dict(r) for r in conn.execute(stmt).mappings()]
    finally:
        engine.dispose()


def read_one(url: str, name: str, **where: object) -> dict[str, Any]:
    rows = read(url, name, **where)
    assert len(rows) == 1, f"{name} {where}: {len(rows)} rows"
    return rows[0]


def count(url: str, name: str, **where: object) -> int:
    return len(read(url, name, **where))


def customer_with(url: str, **where: object) -> dict[str, Any]:
    """The first AR_Customer row (by key) matching `where`."""
    rows = sorted(
        read(url, "AR_Customer", **where), key=lambda r: (r["ARDivisionNo"], r["CustomerNo"])
    )
    assert rows, f"no customer with {where}"
    return rows[0]


def new_customer(session: SandboxSession, division: str = "00", **values: object) -> str:
    """Create a customer through AR_Customer_bus; its number."""
    bus: CustomerBus = session.new_object("AR_Customer_bus")
    number = bus.get_next_customer_no(division)
    assert bus.set_key_value("ARDivisionNo$", division) == SUCCESS
    assert bus.set_key_value("CustomerNo$", number) == SUCCESS
    assert bus.set_key() == NEW_RECORD, bus.last_error_message
    for column, value in {"CustomerName$": "Test Customer", **values}.items():
        assert bus.set_value(column, value) == SUCCESS, bus.last_error_message
    assert bus.write() == SUCCESS, bus.last_error_message
    return number


def start_order(session: SandboxSession, division: str, customer_no: str) -> SalesOrderBus:
    """A new order for the customer with its defaults loaded; no lines yet."""
    order: SalesOrderBus = session.new_object("SO_SalesOrder_bus")
    number = order.get_next_sales_order_no()
    assert order.set_key_value("SalesOrderNo$", number) == SUCCESS
    assert order.set_key() == NEW_RECORD, order.last_error_message
    assert order.set_value("ARDivisionNo$", division) == SUCCESS, order.last_error_message
    assert order.set_value("CustomerNo$", customer_no) == SUCCESS, order.last_error_message
    return order


def url_of(session: SandboxSession) -> str:
    return str(session.engine.url)


def regular_items(url: str) -> list[Row]:
    """Active regular (inventory) items, by ItemCode."""
    items = read(url, "CI_Item", ItemType="1", InactiveItem="N")
    return sorted(items, key=lambda r: r["ItemCode"])


def class_rates(url: str, schedule: str) -> dict[str, float]:
    """The rates of the schedule's primary (first) tax code, by tax class."""
    detail = sorted(
        read(url, "SY_SalesTaxScheduleDetail", TaxSchedule=schedule),
        key=lambda r: r["ScheduleSeqNo"],
    )
    code = detail[0]["TaxCode"]
    return {r["TaxClass"]: r["TaxRate"] for r in read(url, "SY_SalesTaxCodeDetail", TaxCode=code)}


def taxed_customer(url: str) -> Row:
    """A customer without a ship-to whose schedule taxes the TX class."""
    for row in sorted(read(url, "AR_Customer"), key=lambda r: r["CustomerNo"]):
        if not row["PrimaryShipToCode"] and class_rates(url, row["TaxSchedule"]).get("TX", 0):
            return row
    raise AssertionError("the tiny company has no taxed customer without a ship-to")


def add_line(order: SalesOrderBus, item: str, qty: float, **values: object) -> None:
    """Add a line the way Sage wants it: ItemCode first, then quantity and overrides."""
    lines = order.lines
    assert lines.add_line() == SUCCESS, lines.last_error_message
    assert lines.set_value("ItemCode$", item) == SUCCESS, lines.last_error_message
    assert lines.set_value("QuantityOrdered", qty) == SUCCESS, lines.last_error_message
    for column, value in values.items():
        assert lines.set_value(column, value) == SUCCESS, lines.last_error_message
    assert lines.write() == SUCCESS, lines.last_error_message


def stock_of(url: str) -> dict[tuple[str, str], Row]:
    """IM_ItemWarehouse by (ItemCode, WarehouseCode)."""
    return {(r["ItemCode"], r["WarehouseCode"]): r for r in read(url, "IM_ItemWarehouse")}
