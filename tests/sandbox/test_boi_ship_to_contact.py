"""SO_ShipToAddress_bus and AR_CustomerContact_bus: the customer must exist, names are
required, references are checked, and contact codes follow the "1000 or the first free
number after it" rule."""

from __future__ import annotations

import pytest

from connectors.sage100.boi import (
    EXISTING_RECORD,
    FAILURE,
    NEW_RECORD,
    SUCCESS,
    BusinessObject,
    ContactBus,
    CustomerBus,
)
from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.boi import SandboxSession
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import NOW, count, new_customer, read, read_one

boi = boi_fixtures.boi


def _keyed(bus: BusinessObject, code_column: str, customer_no: str, code: str) -> int:
    bus.set_key_value("ARDivisionNo$", "00")
    bus.set_key_value("CustomerNo$", customer_no)
    bus.set_key_value(code_column, code)
    return bus.set_key()


@pytest.mark.parametrize(
    ("name", "code_column"),
    [("SO_ShipToAddress_bus", "ShipToCode$"), ("AR_CustomerContact_bus", "ContactCode$")],
)
def test_a_missing_customer_fails_at_set_key(
    boi: SandboxSession, name: str, code_column: str
) -> None:
    bus = boi.new_object(name)
    assert _keyed(bus, code_column, "9999999", "0001") == FAILURE
    assert (
        "CustomerNo$: '9999999' is not a customer in division '00' (AR_Customer)"
        in bus.last_error_message
    )
    assert bus.set_value("City$" if "Contact" in name else "ShipToCity$", "Dallas") == FAILURE


def test_ship_to_is_checked_and_written_with_stamps(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    customer_no = new_customer(boi)
    bus = boi.new_object("SO_ShipToAddress_bus")
    assert _keyed(bus, "ShipToCode$", customer_no, "0001") == NEW_RECORD
    for column, value, message in (
        ("WarehouseCode$", "999", "WarehouseCode$: '999' is not a warehouse (IM_Warehouse)"),
        ("ShipVia$", "CARRIER PIGEON", "'CARRIER PIGEON' is not a ship via"),
        ("ShipToCountryCode$", "XX", "'XX' is not a country (SY_Country)"),
        ("TaxSchedule$", "MOON", "'MOON' is not a tax schedule"),
        ("ResidentialAddress$", "maybe", "ResidentialAddress$: 'maybe' is not one of Y/N"),
        ("ShipToName$", "n" * 51, "is 51 characters; the field holds 50"),
    ):
        assert bus.set_value(column, value) == FAILURE, column
        assert f"SO_ShipToAddress 00-{customer_no}-0001: " in bus.last_error_message
        assert message in bus.last_error_message
    assert bus.set_value("ShipToCity$", "Austin") == SUCCESS
    assert bus.write() == FAILURE
    assert "ShipToName$ is required for a new record" in bus.last_error_message
    assert count(url, "SO_ShipToAddress", CustomerNo=customer_no) == 0
    assert bus.set_value("ShipToName$", "Dock 4") == SUCCESS
    assert bus.set_value("WarehouseCode$", "001") == SUCCESS
    assert bus.set_value("ShipVia$", "UPS GROUND") == SUCCESS
    assert bus.write() == SUCCESS, bus.last_error_message
    row = read_one(url, "SO_ShipToAddress", ARDivisionNo="00", CustomerNo=customer_no)
    assert (row["ShipToName"], row["ShipToCity"], row["WarehouseCode"], row["ShipVia"]) == (
        "Dock 4",
        "Austin",
        "001",
        "UPS GROUND",
    )
    assert (row["DateCreated"], row["TimeCreated"]) == (NOW.date(), format_sage_time(NOW))


def test_primary_ship_to_must_be_one_of_the_customers(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    customer_no = new_customer(boi)
    ship_to = boi.new_object("SO_ShipToAddress_bus")
    _keyed(ship_to, "ShipToCode$", customer_no, "WH1")
    ship_to.set_value("ShipToName$", "Warehouse one")
    assert ship_to.write() == SUCCESS
    customer: CustomerBus = boi.new_object("AR_Customer_bus")
    customer.set_key_value("ARDivisionNo$", "00")
    customer.set_key_value("CustomerNo$", customer_no)
    assert customer.set_key() == EXISTING_RECORD
    assert customer.set_value("PrimaryShipToCode$", "WH2") == FAILURE
    assert "PrimaryShipToCode$: 'WH2' is not a ship-to address of this customer" in (
        customer.last_error_message
    )
    assert customer.set_value("PrimaryShipToCode$", "WH1") == SUCCESS
    assert customer.write() == SUCCESS
    row = read_one(url, "AR_Customer", ARDivisionNo="00", CustomerNo=customer_no)
    assert row["PrimaryShipToCode"] == "WH1"


def _add_contact(boi: SandboxSession, customer_no: str, code: str, name: str) -> None:
    bus: ContactBus = boi.new_object("AR_CustomerContact_bus")
    assert _keyed(bus, "ContactCode$", customer_no, code) == NEW_RECORD
    assert bus.set_value("ContactName$", name) == SUCCESS
    assert bus.write() == SUCCESS, bus.last_error_message


def test_next_contact_code_is_1000_then_1001(boi: SandboxSession) -> None:
    customer_no = new_customer(boi)
    bus: ContactBus = boi.new_object("AR_CustomerContact_bus")
    assert bus.get_next_contact_code("00", customer_no) == "1000"
    _add_contact(boi, customer_no, bus.get_next_contact_code("00", customer_no), "Ann Lee")
    assert bus.get_next_contact_code("00", customer_no) == "1001"
    _add_contact(boi, customer_no, "1001", "Bo Chan")
    assert bus.get_next_contact_code("00", customer_no) == "1002"
    rows = read(str(boi.engine.url), "AR_CustomerContact", CustomerNo=customer_no)
    assert sorted((r["ContactCode"], r["ContactName"]) for r in rows) == [
        ("1000", "Ann Lee"),
        ("1001", "Bo Chan"),
    ]


def test_next_contact_code_is_the_first_free_one_after_1000(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    generated = read(url, "AR_CustomerContact", ARDivisionNo="00")[0]
    bus: ContactBus = boi.new_object("AR_CustomerContact_bus")
    # Codes the generator gave ("HE001") are not numbers: the customer starts at 1000.
    assert bus.get_next_contact_code("00", generated["CustomerNo"]) == "1000"
    customer_no = new_customer(boi)
    _add_contact(boi, customer_no, "1000", "First")
    _add_contact(boi, customer_no, "1002", "Third")
    assert bus.get_next_contact_code("00", customer_no) == "1001"
    _add_contact(boi, customer_no, "1001", "Second")
    assert bus.get_next_contact_code("00", customer_no) == "1003"
    # Another customer's codes do not count.
    assert bus.get_next_contact_code("00", new_customer(boi)) == "1000"


def test_contact_needs_a_name_and_updates_keep_other_fields(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    customer_no = new_customer(boi)
    bus: ContactBus = boi.new_object("AR_CustomerContact_bus")
    assert _keyed(bus, "ContactCode$", customer_no, "1000") == NEW_RECORD
    assert bus.set_value("EmailAddress$", "ann@example.test") == SUCCESS
    assert bus.set_value("ContactNotes$", "Line one\nLine two\tend") == SUCCESS  # memo text
    assert bus.write() == FAILURE
    assert "ContactName$ is required for a new record" in bus.last_error_message
    assert count(url, "AR_CustomerContact", CustomerNo=customer_no) == 0
    assert bus.set_value("ContactName$", "Ann Lee") == SUCCESS
    assert bus.write() == SUCCESS
    assert _keyed(bus, "ContactCode$", customer_no, "1000") == EXISTING_RECORD
    assert bus.set_value("ContactTitle$", "Buyer") == SUCCESS
    assert bus.write() == SUCCESS
    row = read_one(url, "AR_CustomerContact", CustomerNo=customer_no, ContactCode="1000")
    assert (row["ContactName"], row["EmailAddress"], row["ContactTitle"]) == (
        "Ann Lee",
        "ann@example.test",
        "Buyer",
    )
    assert row["ContactNotes"] == "Line one\nLine two\tend"
