"""The BOI interface (connectors.sage100.boi) and the sandbox session that implements it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.sage100.boi import (
    BUSINESS_OBJECTS,
    FAILURE,
    SUCCESS,
    WARNING,
    BoiResult,
    BusinessObject,
    CashReceiptsBus,
    ContactBus,
    CustomerBus,
    LineCollection,
    SageSession,
    SalesOrderBus,
)
from erpsync.errors import ConnectionFailed
from sandbox.sage100.boi import SandboxSession, open_session
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import new_customer, read, read_one, start_order

boi = boi_fixtures.boi


def test_boi_result_maps_sages_return_codes() -> None:
    assert BoiResult.from_code(SUCCESS) == BoiResult("success")
    warning = BoiResult.from_code(WARNING, "on hold")
    assert (warning.status, warning.message, warning.ok) == ("warning", "on hold", True)
    failure = BoiResult.from_code(FAILURE, "no")
    assert (failure.status, failure.ok) == ("failure", False)
    with pytest.raises(ValueError, match="2 is not a BOI return code"):
        BoiResult.from_code(2)


def _as_protocols(session: SandboxSession) -> list[object]:
    """The sandbox objects typed as the interface: mypy checks that they conform."""
    sage: SageSession = session
    customer: CustomerBus = sage.new_object("AR_Customer_bus")
    contact: ContactBus = sage.new_object("AR_CustomerContact_bus")
    order: SalesOrderBus = sage.new_object("SO_SalesOrder_bus")
    receipt: CashReceiptsBus = sage.new_object("AR_CashReceipts_bus")
    ship_to: BusinessObject = sage.new_object("SO_ShipToAddress_bus")
    lines: tuple[LineCollection, ...] = (order.lines, receipt.lines)
    return [customer, contact, order, receipt, ship_to, *lines]


def test_every_business_object_is_there_and_unknown_names_fail(boi: SandboxSession) -> None:
    objects = _as_protocols(boi)
    assert [getattr(o, "name", None) for o in objects[:5]] == [
        "AR_Customer_bus",
        "AR_CustomerContact_bus",
        "SO_SalesOrder_bus",
        "AR_CashReceipts_bus",
        "SO_ShipToAddress_bus",
    ]
    assert {boi.new_object(n).name for n in BUSINESS_OBJECTS} == set(BUSINESS_OBJECTS)
    with pytest.raises(ValueError, match="unknown business object 'AR_Vendor_bus'"):
        boi.new_object("AR_Vendor_bus")
    boi.close()
    with pytest.raises(RuntimeError, match="session is closed"):
        boi.new_object("AR_Customer_bus")


def test_open_session_refuses_what_is_not_a_company(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    with pytest.raises(ConnectionFailed, match="is not a Sage 100 sandbox company: missing"):
        open_session(f"sqlite:///{empty}")
    secret = "s3cr3t-pw"
    with pytest.raises(ConnectionFailed) as caught:
        open_session(f"postgresql+psycopg://sage:{secret}@127.0.0.1:1/nowhere?connect_timeout=2")
    assert "cannot open the Sage 100 sandbox company" in str(caught.value)
    assert secret not in str(caught.value)
    with pytest.raises(ValueError, match="user_key must be 10 digits"):
        open_session(f"sqlite:///{empty}", user_key="bob")


def test_dates_take_boi_strings_or_dates_and_come_back_as_boi_strings(
    boi: SandboxSession,
) -> None:
    url = str(boi.engine.url)
    customer_no = new_customer(boi)
    order = start_order(boi, "00", customer_no)
    for value in ("20261201", date(2026, 12, 1), datetime(2026, 12, 1, 17, 45)):
        assert order.set_value("ShipExpireDate$", value) == SUCCESS
        assert order.get_value("ShipExpireDate") == "20261201"
    assert order.set_value("ShipExpireDate$", "") == SUCCESS
    assert order.get_value("ShipExpireDate$") == ""
    assert order.set_value("ShipExpireDate$", "20261201") == SUCCESS
    lines = order.lines
    lines.add_line()
    item = min(read(url, "CI_Item", ItemType="1", InactiveItem="N"), key=lambda r: r["ItemCode"])
    assert lines.set_value("ItemCode$", item["ItemCode"]) == SUCCESS
    assert lines.get_value("PromiseDate$") == "20261201"  # the line promises the ship date
    assert lines.set_value("QuantityOrdered", 1) == SUCCESS
    assert lines.write() == SUCCESS
    number = str(order.get_value("SalesOrderNo$"))
    assert order.write() == SUCCESS, order.last_error_message
    header = read_one(url, "SO_SalesOrderHeader", SalesOrderNo=number)
    assert header["ShipExpireDate"] == date(2026, 12, 1)
    assert read_one(url, "SO_SalesOrderDetail", SalesOrderNo=number)["PromiseDate"] == date(
        2026, 12, 1
    )
