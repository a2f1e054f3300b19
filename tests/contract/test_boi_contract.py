"""One BOI contract, two implementations: every `sage` test runs on the sandbox session
and on the production COM adapter (connectors.sage100.boi_com) over the fake
ProvideX.Script, and asserts the same return codes, messages and committed rows. The
COM-only tests at the end cover what only the COM path has: logon, seats, release of every
object, the documented call order, pywin32 and its errors."""

from __future__ import annotations

import sys
import types
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from connectors.sage100.boi import (
    EXISTING_RECORD,
    FAILURE,
    NEW_RECORD,
    SUCCESS,
    BusinessObject,
    CashReceiptsBus,
    ContactBus,
    CustomerBus,
    LineCollection,
    SageSession,
    SalesOrderBus,
)
from connectors.sage100.boi_com import (
    BUS_OBJECT_TASKS,
    NOT_REGISTERED,
    ComSession,
    open_com_session,
)
from connectors.sage100.boi_com_objects import SEP, ColumnNames, byref
from connectors.sage100.stamps import format_sage_time
from erpsync.errors import ConfigError, ConnectionFailed
from sandbox.sage100.com import FakeComError, FakeProvideXScript
from tests.contract.conftest import HOME, NOW, PASSWORD, PASSWORD_ENV, USER, com_settings
from tests.sandbox.boi_fixtures import (
    count,
    customer_with,
    read,
    read_one,
    regular_items,
    stock_of,
    taxed_customer,
)

Row = dict[str, Any]
TODAY = NOW.date()


def _highest(url: str, table: str, column: str, **where: object) -> int:
    numbers = [r[column] for r in read(url, table, **where)]
    return max(int(n) for n in numbers if len(n) == 7 and n.isdigit())


def _keyed(bus: BusinessObject, **keys: str) -> int:
    for column, value in keys.items():
        assert bus.set_key_value(column, value) == SUCCESS, bus.last_error_message
    return bus.set_key()


def _set(target: BusinessObject | LineCollection, **values: object) -> None:
    for column, value in values.items():
        assert target.set_value(column, value) == SUCCESS, target.last_error_message


def _new_customer(sage: SageSession, name: str) -> str:
    bus: CustomerBus = sage.new_object("AR_Customer_bus")
    number = bus.get_next_customer_no("00")
    assert _keyed(bus, ARDivisionNo="00", CustomerNo=number) == NEW_RECORD
    _set(bus, CustomerName=name)
    assert bus.write() == SUCCESS, bus.last_error_message
    return number


def _start_order(sage: SageSession, customer: Row) -> tuple[SalesOrderBus, str]:
    order: SalesOrderBus = sage.new_object("SO_SalesOrder_bus")
    number = order.get_next_sales_order_no()
    assert _keyed(order, SalesOrderNo=number) == NEW_RECORD
    _set(order, ARDivisionNo=customer["ARDivisionNo"], CustomerNo=customer["CustomerNo"])
    return order, number


# --- the contract: both backends ----------------------------------------------------------
def test_a_new_customer_takes_the_next_number_and_reads_back(
    sage: SageSession, company_url: str
) -> None:
    top = _highest(company_url, "AR_Customer", "CustomerNo", ARDivisionNo="00")
    bus: CustomerBus = sage.new_object("AR_Customer_bus")
    assert bus.get_next_customer_no("00") == f"{top + 1:07d}"
    number = bus.get_next_customer_no("00")
    assert number == f"{top + 2:07d}"  # a number handed out is consumed
    with pytest.raises(ValueError, match="'77' is not an A/R division"):
        bus.get_next_customer_no("77")
    # Names with and without `$`: the Protocol takes both, for keys and values.
    assert _keyed(bus, **{"ARDivisionNo$": "00", "CustomerNo": number}) == NEW_RECORD
    _set(bus, CustomerName="Northwind Traders", City="Austin", ShipMethod="UPS GROUND")
    _set(bus, **{"CreditLimit": Decimal("2500.456"), "DateEstablished$": date(2026, 11, 1)})
    assert bus.get_value("CustomerName$") == "Northwind Traders"
    assert bus.get_value("CreditLimit") == 2500.46
    assert bus.get_value("DateEstablished") == "20261101"
    assert count(company_url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
    assert bus.write() == SUCCESS, bus.last_error_message
    row = read_one(company_url, "AR_Customer", ARDivisionNo="00", CustomerNo=number)
    assert {c: row[c] for c in ("CustomerName", "City", "ShipMethod", "CreditLimit")} == {
        "CustomerName": "Northwind Traders",
        "City": "Austin",
        "ShipMethod": "UPS GROUND",
        "CreditLimit": 2500.46,
    }
    assert (row["DateEstablished"], row["CustomerStatus"], row["CreditHold"]) == (
        date(2026, 11, 1),
        "A",
        "N",
    )
    assert (row["DateCreated"], row["TimeCreated"]) == (TODAY, format_sage_time(NOW))


def test_an_existing_customer_is_found_by_key_and_updated(
    sage: SageSession, company_url: str
) -> None:
    before = customer_with(company_url, ARDivisionNo="00")
    key = {"ARDivisionNo": "00", "CustomerNo": before["CustomerNo"]}
    bus: CustomerBus = sage.new_object("AR_Customer_bus")
    assert _keyed(bus, **key) == EXISTING_RECORD
    assert bus.get_value("CustomerName") == before["CustomerName"]
    assert bus.get_value("CreditLimit") == before["CreditLimit"]
    assert bus.get_value("DateCreated$") == before["DateCreated"].strftime("%Y%m%d")
    _set(bus, TelephoneNo="(555) 010-0199", CreditLimit=7500)
    assert bus.write() == SUCCESS, bus.last_error_message
    after = read_one(company_url, "AR_Customer", **key)
    assert (after["TelephoneNo"], after["CreditLimit"]) == ("(555) 010-0199", 7500.0)
    assert (after["DateUpdated"], after["TimeUpdated"]) == (TODAY, format_sage_time(NOW))
    changed = {"TelephoneNo", "CreditLimit", "DateUpdated", "TimeUpdated", "UserUpdatedKey"}
    assert {c: v for c, v in after.items() if c not in changed} == {
        c: v for c, v in before.items() if c not in changed
    }


def test_a_ship_to_and_contacts_under_a_customer(sage: SageSession, company_url: str) -> None:
    number = _new_customer(sage, "Contoso Ltd")
    key = {"ARDivisionNo": "00", "CustomerNo": number}
    ship = sage.new_object("SO_ShipToAddress_bus")
    assert _keyed(ship, **key, ShipToCode="0001") == NEW_RECORD
    _set(ship, ShipToName="Dock 4", ShipToCity="Austin", WarehouseCode="001", ShipVia="UPS GROUND")
    _set(ship, **{"ResidentialAddress$": "Y"})
    assert ship.write() == SUCCESS, ship.last_error_message
    contact: ContactBus = sage.new_object("AR_CustomerContact_bus")
    assert contact.get_next_contact_code("00", number) == "1000"
    assert _keyed(contact, **key, ContactCode="1000") == NEW_RECORD
    _set(contact, ContactName="Dana Scully", EmailAddress="dana@contoso.example")
    assert contact.write() == SUCCESS, contact.last_error_message
    assert contact.get_next_contact_code("00", number) == "1001"
    customer: CustomerBus = sage.new_object("AR_Customer_bus")
    assert _keyed(customer, **key) == EXISTING_RECORD
    assert customer.set_value("PrimaryShipToCode", "0002") == FAILURE
    assert "'0002' is not a ship-to address of this customer" in customer.last_error_message
    _set(customer, PrimaryShipToCode="0001")
    assert customer.write() == SUCCESS, customer.last_error_message
    row = read_one(company_url, "SO_ShipToAddress", **key, ShipToCode="0001")
    assert [row[c] for c in ("ShipToName", "ShipToCity", "WarehouseCode", "ShipVia")] == [
        "Dock 4",
        "Austin",
        "001",
        "UPS GROUND",
    ]
    assert row["ResidentialAddress"] == "Y"
    person = read_one(company_url, "AR_CustomerContact", **key, ContactCode="1000")
    assert (person["ContactName"], person["EmailAddress"]) == (
        "Dana Scully",
        "dana@contoso.example",
    )
    assert read_one(company_url, "AR_Customer", **key)["PrimaryShipToCode"] == "0001"


def test_the_next_contact_code_skips_the_codes_in_use(sage: SageSession, company_url: str) -> None:
    contacts = read(company_url, "AR_CustomerContact")
    owner = min((c["ARDivisionNo"], c["CustomerNo"]) for c in contacts)
    mine = {c["ContactCode"] for c in contacts if (c["ARDivisionNo"], c["CustomerNo"]) == owner}
    assert mine and not any(code.isdigit() for code in mine)  # the generator's "GK001"
    key = {"ARDivisionNo": owner[0], "CustomerNo": owner[1]}
    bus: ContactBus = sage.new_object("AR_CustomerContact_bus")
    assert bus.get_next_contact_code(*owner) == "1000"
    for code in ("1000", "1001", "1003"):
        assert _keyed(bus, **key, ContactCode=code) == NEW_RECORD
        _set(bus, ContactName=f"Contact {code}")
        assert bus.write() == SUCCESS, bus.last_error_message
    assert bus.get_next_contact_code(*owner) == "1002"
    assert count(company_url, "AR_CustomerContact", **key) == len(mine) + 3


def test_a_sales_order_with_lines(sage: SageSession, company_url: str) -> None:
    customer = taxed_customer(company_url)
    first, second = regular_items(company_url)[:2]
    top = max(
        _highest(company_url, "SO_SalesOrderHeader", "SalesOrderNo"),
        _highest(company_url, "SO_SalesOrderHistoryHeader", "SalesOrderNo"),
    )
    stock = stock_of(company_url)
    order, number = _start_order(sage, customer)
    assert number == f"{top + 1:07d}"
    assert order.get_value("BillToName$") == customer["CustomerName"]  # defaults loaded
    assert order.get_value("TermsCode") == customer["TermsCode"]
    _set(order, CustomerPONo="PO-4471", ShipExpireDate=date(2026, 12, 1), FreightAmt=12)
    lines = order.lines
    assert lines.add_line() == SUCCESS
    _set(lines, ItemCode=first["ItemCode"])
    assert lines.get_value("ItemCodeDesc$") == first["ItemCodeDesc"]  # item defaults
    assert lines.get_value("UnitPrice") == first["StandardUnitPrice"]
    _set(lines, QuantityOrdered=3)
    assert lines.write() == SUCCESS, lines.last_error_message
    assert lines.add_line() == SUCCESS
    _set(lines, **{"ItemCode$": second["ItemCode"], "QuantityOrdered": Decimal("2")})
    _set(lines, UnitPrice=10.99)
    assert lines.write() == SUCCESS, lines.last_error_message
    assert count(company_url, "SO_SalesOrderHeader", SalesOrderNo=number) == 0
    assert order.write() == SUCCESS, order.last_error_message
    header = read_one(company_url, "SO_SalesOrderHeader", SalesOrderNo=number)
    assert [header[c] for c in ("CustomerNo", "CustomerPONo", "OrderDate", "FreightAmt")] == [
        customer["CustomerNo"],
        "PO-4471",
        TODAY,
        12.0,
    ]
    assert header["ShipExpireDate"] == date(2026, 12, 1)
    detail = sorted(
        read(company_url, "SO_SalesOrderDetail", SalesOrderNo=number), key=lambda r: r["LineKey"]
    )
    price = first["StandardUnitPrice"]
    assert [
        (r["ItemCode"], r["QuantityOrdered"], r["UnitPrice"], r["ExtensionAmt"]) for r in detail
    ] == [
        (first["ItemCode"], 3.0, price, round(3 * price * 100) / 100),
        (second["ItemCode"], 2.0, 10.99, 21.98),
    ]
    total = round(sum(r["ExtensionAmt"] for r in detail), 2)
    assert round(header["TaxableAmt"] + header["NonTaxableAmt"], 2) == total
    place = (first["ItemCode"], detail[0]["WarehouseCode"])
    before = stock[place]["QuantityOnSalesOrder"] if place in stock else 0.0
    assert stock_of(company_url)[place]["QuantityOnSalesOrder"] == before + 3


def test_a_refused_line_writes_nothing_and_the_order_number_stays_used(
    sage: SageSession, company_url: str
) -> None:
    order, number = _start_order(sage, taxed_customer(company_url))
    lines = order.lines
    assert lines.add_line() == SUCCESS
    assert lines.set_value("QuantityOrdered", 1) == FAILURE
    assert "ItemCode$ must be set first" in lines.last_error_message
    assert lines.set_value("ItemCode", "NO-SUCH-ITEM") == FAILURE
    assert lines.last_error_message == (
        f"SO_SalesOrderHeader {number} line 1: ItemCode$: 'NO-SUCH-ITEM' is not an item (CI_Item)"
    )
    assert order.write() == FAILURE
    assert "line 1 was neither written nor cleared" in order.last_error_message
    lines.clear()
    assert order.write() == FAILURE
    assert (
        order.last_error_message
        == f"SO_SalesOrderHeader {number}: an order needs at least one line"
    )
    assert count(company_url, "SO_SalesOrderHeader", SalesOrderNo=number) == 0
    assert count(company_url, "SO_SalesOrderDetail", SalesOrderNo=number) == 0
    another: SalesOrderBus = sage.new_object("SO_SalesOrder_bus")
    assert another.get_next_sales_order_no() == f"{int(number) + 1:07d}"


def test_a_cash_receipt_applies_to_an_open_invoice(sage: SageSession, company_url: str) -> None:
    invoice = min(
        read(company_url, "AR_OpenInvoice", InvoiceType="IN"),
        key=lambda r: (r["ARDivisionNo"], r["CustomerNo"], r["InvoiceNo"]),
    )
    amount = round(invoice["Balance"] / 2, 2)
    bus: CashReceiptsBus = sage.new_object("AR_CashReceipts_bus")
    receipt = {
        "DepositNo": "00001",
        "ARDivisionNo": invoice["ARDivisionNo"],
        "CustomerNo": invoice["CustomerNo"],
        "CheckNo": "10422",
    }
    assert _keyed(bus, **receipt) == NEW_RECORD
    _set(bus, PaymentType="CHECK", TransactionDate=date(2026, 11, 23), PostingAmt=amount)
    assert bus.lines.add_line() == SUCCESS
    _set(bus.lines, InvoiceNo=invoice["InvoiceNo"], AmountPosted=invoice["Balance"] * 2)
    assert bus.lines.write() == FAILURE  # more than is open
    assert f"is more than is open on invoice {invoice['InvoiceNo']}" in bus.lines.last_error_message
    _set(bus.lines, AmountPosted=amount)
    assert bus.lines.write() == SUCCESS, bus.lines.last_error_message
    assert bus.write() == SUCCESS, bus.last_error_message
    header = read_one(company_url, "AR_CashReceiptsHeader", **receipt)
    assert (header["PostingAmt"], header["PaymentType"], header["TransactionDate"]) == (
        amount,
        "CHECK",
        date(2026, 11, 23),
    )
    detail = read_one(company_url, "AR_CashReceiptsDetail", **receipt)
    assert (detail["InvoiceNo"], detail["AmountPosted"]) == (invoice["InvoiceNo"], amount)
    assert (
        read_one(company_url, "AR_CashReceiptsDeposit", DepositNo="00001")["DepositAmt"] == amount
    )
    key = {k: invoice[k] for k in ("ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType")}
    after = read_one(company_url, "AR_OpenInvoice", **key)
    assert after["PaymentsToday"] == round(invoice["PaymentsToday"] + amount, 2)


@pytest.mark.breaks_protocol
def test_a_value_set_before_the_key_is_refused(sage: SageSession, company_url: str) -> None:
    bus: CustomerBus = sage.new_object("AR_Customer_bus")
    assert bus.set_value("CustomerName$", "Too Early") == FAILURE
    assert "no current record" in bus.last_error_message
    assert bus.get_value("CustomerName$") is None
    number = bus.get_next_customer_no("00")
    assert _keyed(bus, ARDivisionNo="00", CustomerNo=number) == NEW_RECORD
    assert bus.get_value("CustomerName$") == ""  # nothing of the refused value was kept
    _set(bus, CustomerName="In Time")
    assert bus.write() == SUCCESS, bus.last_error_message
    assert read_one(company_url, "AR_Customer", CustomerNo=number)["CustomerName"] == "In Time"


def test_last_error_message_says_why_the_last_call_failed(
    sage: SageSession, company_url: str
) -> None:
    bus: CustomerBus = sage.new_object("AR_Customer_bus")
    number = bus.get_next_customer_no("00")
    assert _keyed(bus, ARDivisionNo="00", CustomerNo=number) == NEW_RECORD
    record = f"AR_Customer 00-{number}"
    assert bus.set_value("CreditHold", "X") == FAILURE
    assert bus.last_error_message == f"{record}: CreditHold$: 'X' is not one of Y/N"
    assert bus.set_value("ShipMethod", "OVERNITE") == FAILURE
    assert bus.last_error_message == (
        f"{record}: ShipMethod$: 'OVERNITE' is not a ship via (SO_ShippingRateHeader)"
    )
    assert bus.set_value("Nickname$", "Bob") == FAILURE
    assert bus.last_error_message == f"{record}: Nickname is not a field of AR_Customer"
    with pytest.raises(KeyError):
        bus.get_value("Nickname$")
    assert bus.write() == FAILURE
    assert bus.last_error_message == f"{record}: CustomerName$ is required for a new record"
    assert count(company_url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
    _set(bus, CustomerName="Late Name")
    assert bus.write() == SUCCESS
    assert read_one(company_url, "AR_Customer", CustomerNo=number)["CreditHold"] == "N"


def test_unknown_objects_and_a_closed_session_are_refused(sage: SageSession) -> None:
    with pytest.raises(ValueError, match="unknown business object 'AR_Vendor_bus'"):
        sage.new_object("AR_Vendor_bus")
    sage.close()
    with pytest.raises(RuntimeError, match="session is closed"):
        sage.new_object("AR_Customer_bus")


# --- the COM path only ----------------------------------------------------------------------
def _as_protocols(session: ComSession) -> list[object]:
    """The adapter typed as the interface: mypy checks that it conforms."""
    sage: SageSession = session
    customer: CustomerBus = sage.new_object("AR_Customer_bus")
    contact: ContactBus = sage.new_object("AR_CustomerContact_bus")
    order: SalesOrderBus = sage.new_object("SO_SalesOrder_bus")
    receipt: CashReceiptsBus = sage.new_object("AR_CashReceipts_bus")
    ship_to: BusinessObject = sage.new_object("SO_ShipToAddress_bus")
    lines: tuple[LineCollection, ...] = (order.lines, receipt.lines)
    return [customer, contact, order, receipt, ship_to, *lines]


def test_close_drops_every_object_and_cleans_up_the_session(
    fake: FakeProvideXScript, sage_password: str
) -> None:
    session = open_com_session(com_settings(), dispatch=fake)
    objects = _as_protocols(session)
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (5, 1, 1)
    made = len(fake.calls)
    session.close()
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)
    assert fake.calls[made:] == [
        "SO_ShipToAddress_bus.DropObject",
        "AR_CashReceipts_bus.DropObject",
        "SO_SalesOrder_bus.DropObject",
        "AR_CustomerContact_bus.DropObject",
        "AR_Customer_bus.DropObject",
        "SY_Session.nCleanup",
        "SY_Session.DropObject",
    ]
    session.close()  # idempotent: nothing is dropped twice
    assert len(fake.calls) == made + 7
    customer: Any = objects[0]
    with pytest.raises(RuntimeError, match="AR_Customer_bus was dropped"):
        customer.set_key()
    lines: Any = objects[-1]
    with pytest.raises(RuntimeError, match="the document was dropped"):
        lines.add_line()
    assert fake.protocol_errors == []


def test_an_exception_mid_write_still_releases_every_object_and_the_seat(
    fake: FakeProvideXScript, sage_password: str, company_url: str
) -> None:
    customer = taxed_customer(company_url)
    with (
        pytest.raises(FakeComError, match="the Sage server stopped"),
        open_com_session(com_settings(), dispatch=fake) as sage,
    ):
        order, number = _start_order(sage, customer)
        assert order.lines.add_line() == SUCCESS
        _set(order.lines, ItemCode=regular_items(company_url)[0]["ItemCode"], QuantityOrdered=1)
        assert order.lines.write() == SUCCESS
        fake.fail_next("SO_SalesOrder_bus.nWrite")
        order.write()
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)
    assert count(company_url, "SO_SalesOrderHeader", SalesOrderNo=number) == 0
    with (
        pytest.raises(KeyError, match="caller's own error"),
        open_com_session(com_settings(), dispatch=fake) as sage,
    ):
        sage.new_object("AR_Customer_bus").set_key()
        raise KeyError("the caller's own error")
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)
    assert fake.protocol_errors == []


def test_a_refused_logon_names_sages_message_and_never_the_password(
    fake: FakeProvideXScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "hunter2-not-the-password"
    monkeypatch.setenv(PASSWORD_ENV, wrong)
    with pytest.raises(ConnectionFailed) as caught:
        open_com_session(com_settings(), dispatch=fake)
    assert str(caught.value) == (
        f"Sage 100 refused the logon of user {USER!r}: Invalid User Logon or Password."
    )
    assert wrong not in repr(caught.value) and PASSWORD not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert (fake.live_sessions, fake.seats_in_use) == (0, 0)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with pytest.raises(ConnectionFailed, match="refused company XYZ: Company code XYZ does not"):
        open_com_session(com_settings(company="XYZ"), dispatch=fake)
    assert (fake.live_sessions, fake.seats_in_use) == (0, 0)  # released after SetCompany failed
    with pytest.raises(ValidationError, match="must be a reference"):
        com_settings(password=PASSWORD)
    with pytest.raises(ValidationError, match="session_date must be YYYYMMDD"):
        com_settings(session_date="2026-11-23")


def test_the_seat_is_released_so_the_next_session_can_log_on(
    company_url: str, sage_password: str
) -> None:
    fake = FakeProvideXScript(company_url, users={USER: PASSWORD}, seats=1, now=lambda: NOW)
    first = open_com_session(com_settings(), dispatch=fake)
    with pytest.raises(ConnectionFailed, match="There are no more users available"):
        open_com_session(com_settings(), dispatch=fake)
    assert (fake.live_sessions, fake.seats_in_use) == (1, 1)  # the refused one was dropped
    first.new_object("AR_Customer_bus")
    first.close()
    with open_com_session(com_settings(), dispatch=fake) as second:
        assert _new_customer(second, "After The Seat Was Free")
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)


def test_the_adapter_follows_the_documented_call_order(
    fake: FakeProvideXScript, sage_password: str
) -> None:
    with open_com_session(com_settings(), dispatch=fake) as sage:
        assert fake.calls == [
            "ProvideX.Script.Init",
            "ProvideX.Script.NewObject",
            "SY_Session.nSetUser",
            "SY_Session.nSetCompany",
            "SY_Session.nSetDate",
            "SY_Session.nSetDate",
        ]
        for name, (module, task) in BUS_OBJECT_TASKS.items():
            made = len(fake.calls)
            assert sage.new_object(name).name == name
            assert fake.calls[made:] == [
                "SY_Session.nSetModule",
                "SY_Session.nLookupTask",
                "SY_Session.nSetProgram",
                "ProvideX.Script.NewObject",
            ], (name, module, task)
    assert fake.protocol_errors == []


def test_a_wrong_task_or_module_fails_clearly(
    fake: FakeProvideXScript, sage_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_com_session(com_settings(), dispatch=fake) as sage:
        monkeypatch.setitem(BUS_OBJECT_TASKS, "SO_SalesOrder_bus", ("S/O", "SO_OrderEntry_ui"))
        with pytest.raises(ConnectionFailed, match=r"no task SO_OrderEntry_ui .*returned 0"):
            sage.new_object("SO_SalesOrder_bus")
        monkeypatch.setitem(BUS_OBJECT_TASKS, "SO_SalesOrder_bus", ("A/R", "SO_SalesOrder_ui"))
        with pytest.raises(ConnectionFailed, match=r"task SO_SalesOrder_ui .* is a S/O task"):
            sage.new_object("SO_SalesOrder_bus")
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)


def test_a_missing_pywin32_or_an_unregistered_com_class_says_what_to_install(
    company_url: str, sage_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unregistered = FakeProvideXScript(company_url, registered=False)
    with pytest.raises(ConnectionFailed) as caught:
        open_com_session(com_settings(), dispatch=unregistered)
    assert str(caught.value) == NOT_REGISTERED
    monkeypatch.setitem(sys.modules, "win32com", None)
    monkeypatch.setitem(sys.modules, "win32com.client", None)
    with pytest.raises(ConfigError, match="needs pywin32 on Windows"):
        open_com_session(com_settings())
    client = types.ModuleType("win32com.client")

    def dispatch(progid: str) -> object:
        assert progid == "ProvideX.Script"
        raise FakeComError(-2147221005, "Invalid class string")

    client.Dispatch = dispatch  # type: ignore[attr-defined]
    package = types.ModuleType("win32com")
    package.client = client  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "win32com", package)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    with pytest.raises(ConnectionFailed, match=r"ProvideX\.Script COM object not registered"):
        open_com_session(com_settings())


def test_the_fake_refuses_what_the_boi_refuses(fake: FakeProvideXScript) -> None:
    script = fake()
    with pytest.raises(FakeComError, match="before Init"):
        script.NewObject("SY_Session")
    script.Init(HOME)
    oSS: Any = script.NewObject("SY_Session")
    assert oSS.nSetCompany("ABC") == FAILURE
    assert oSS.sLastErrorMsg == "nSetCompany before nSetUser: no user is logged on"
    assert oSS.nSetUser(USER, "wrong") == FAILURE
    assert oSS.sLastErrorMsg == "Invalid User Logon or Password."
    assert (oSS.nSetUser(USER, PASSWORD), oSS.nSetCompany("ABC")) == (SUCCESS, SUCCESS)
    assert oSS.nSetModule("S/O") == FAILURE  # no S/O date yet
    assert oSS.nSetDate("S/O", "20261123") == SUCCESS and oSS.nSetModule("S/O") == SUCCESS
    with pytest.raises(FakeComError, match=r"before nSetProgram\(nLookupTask"):
        script.NewObject("SO_SalesOrder_bus", oSS)
    assert oSS.nLookupTask("SO_Nothing_ui") == FAILURE
    assert oSS.nSetProgram(0) == FAILURE
    assert oSS.nSetProgram(oSS.nLookupTask("AR_Customer_ui")) == FAILURE  # an A/R task
    assert oSS.nSetProgram(oSS.nLookupTask("SO_SalesOrder_ui")) == SUCCESS
    with pytest.raises(FakeComError, match="not allowed for program SO_SalesOrder_ui"):
        script.NewObject("AR_Customer_bus", oSS)
    oSO: Any = script.NewObject("SO_SalesOrder_bus", oSS)
    assert oSO.nSetValue("CustomerPONo$", "PO-1") == FAILURE
    assert "no current record; nSetKey must succeed before nSetValue" in oSO.sLastErrorMsg
    ret, number = oSO.nGetNextSalesOrderNo("")
    assert ret == SUCCESS and len(number) == 7
    assert oSO.nSetKeyValue("SalesOrderNo", number) == FAILURE
    assert "string columns carry '$': SalesOrderNo$" in oSO.sLastErrorMsg
    assert (oSO.nSetKeyValue("SalesOrderNo$", number), oSO.nSetKey()) == (SUCCESS, NEW_RECORD)
    assert oSO.nSetValue("FreightAmt$", 5.0) == FAILURE
    assert "numerics carry no '$': FreightAmt" in oSO.sLastErrorMsg
    assert oSO.nSetValue("OrderDate$", date(2026, 11, 23)) == FAILURE
    assert "OrderDate$ takes a string over COM, not date" in oSO.sLastErrorMsg
    assert oSO.nGetValue("OrderDate$", "") == (SUCCESS, "20261123")
    assert oSO.nGetValue("FreightAmt", 0.0) == (SUCCESS, 0.0)
    with pytest.raises(FakeComError, match="while its objects are alive: SO_SalesOrder_bus"):
        oSS.DropObject()
    assert (fake.live_objects, fake.seats_in_use) == (1, 1)
    script.DropObject(oSO)
    with pytest.raises(FakeComError, match="was dropped"):
        oSO.nSetKey()
    assert oSS.nCleanup() == SUCCESS
    oSS.DropObject()
    assert (fake.live_objects, fake.live_sessions, fake.seats_in_use) == (0, 0, 0)


def test_column_spelling_asks_sage_first_then_the_catalogue() -> None:
    class Bus:
        def __init__(self, columns: str | None) -> None:
            self.columns = columns

        def sGetColumns(self, kind: str) -> str:
            if self.columns is None:
                raise FakeComError(-2147352570, "Unknown name.")
            return self.columns

    sage = ColumnNames(Bus(SEP.join(["CustomerNo$", "CreditLimit", "UDF_REGION$"])), "AR_Customer")
    assert [sage.spell(c) for c in ("CustomerNo", "CreditLimit$", "UDF_REGION")] == [
        "CustomerNo$",
        "CreditLimit",
        "UDF_REGION$",
    ]
    assert sage.spell("CustomerName") == "CustomerName$"  # not listed: the catalogue
    assert (sage.spell("Nickname"), sage.knows("Nickname"), sage.knows("UDF_REGION")) == (
        "Nickname",
        False,
        True,
    )
    older = ColumnNames(Bus(None), "SO_SalesOrderDetail")
    assert [older.spell(c) for c in ("ItemCode", "QuantityOrdered$", "PromiseDate")] == [
        "ItemCode$",
        "QuantityOrdered",
        "PromiseDate$",
    ]
    unmarked = ColumnNames(Bus(SEP.join(["CustomerNo", "CustomerName"])), "AR_Customer")
    assert unmarked.spell("CustomerName") == "CustomerName$"  # a list without `$`: ignored
    raw = ColumnNames(Bus("ItemCode$\x8aQuantityOrdered"), "")
    assert (raw.spell("ItemCode"), raw.spell("QuantityOrdered$")) == (
        "ItemCode$",
        "QuantityOrdered",
    )
    assert byref((1, "0000042"), "nGetNextSalesOrderNo") == (1, "0000042")
    with pytest.raises(RuntimeError, match="not pywin32's \\(return value, out value\\) tuple"):
        byref(1, "nGetNextSalesOrderNo")
