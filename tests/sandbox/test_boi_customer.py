"""AR_Customer_bus on the sandbox: numbers, stamps, updates, and every rejection."""

from __future__ import annotations

import pytest

from connectors.sage100.boi import (
    EXISTING_RECORD,
    FAILURE,
    NEW_RECORD,
    SUCCESS,
    CustomerBus,
)
from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.boi import SandboxSession
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import NOW, count, customer_with, new_customer, read, read_one

boi = boi_fixtures.boi


def _highest(url: str, division: str) -> int:
    numbers = [r["CustomerNo"] for r in read(url, "AR_Customer", ARDivisionNo=division)]
    return max(int(n) for n in numbers if len(n) == 7 and n.isdigit())


def _new(boi: SandboxSession, division: str = "00") -> tuple[CustomerBus, str]:
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    number = bus.get_next_customer_no(division)
    bus.set_key_value("ARDivisionNo$", division)
    bus.set_key_value("CustomerNo$", number)
    assert bus.set_key() == NEW_RECORD, bus.last_error_message
    return bus, number


def test_next_customer_no_is_per_division_and_consumed(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    top00, top01 = _highest(url, "00"), _highest(url, "01")
    assert bus.get_next_customer_no("00") == f"{top00 + 1:07d}"
    # Sage's counter: a number handed out is gone even if never written.
    assert bus.get_next_customer_no("00") == f"{top00 + 2:07d}"
    assert bus.get_next_customer_no("01") == f"{top01 + 1:07d}"
    with pytest.raises(ValueError, match="'77' is not an A/R division"):
        bus.get_next_customer_no("77")


def test_new_customer_is_written_on_write_only_with_creation_stamps(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    bus, number = _new(boi)
    assert bus.set_value("CustomerName$", "Northwind Traders") == SUCCESS
    assert bus.set_value("ShipMethod", "UPS GROUND") == SUCCESS  # without the `$` too
    assert bus.set_value("CreditLimit", "2500.456") == SUCCESS
    assert bus.get_value("CustomerName") == "Northwind Traders"
    assert bus.get_value("CreditLimit") == 2500.46
    assert count(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
    assert bus.write() == SUCCESS, bus.last_error_message
    row = read_one(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number)
    assert (row["CustomerName"], row["ShipMethod"], row["CreditLimit"]) == (
        "Northwind Traders",
        "UPS GROUND",
        2500.46,
    )
    assert (row["CustomerStatus"], row["CreditHold"], row["DateEstablished"]) == (
        "A",
        "N",
        NOW.date(),
    )
    for label in ("Created", "Updated"):
        assert row[f"Date{label}"] == NOW.date()
        assert row[f"Time{label}"] == format_sage_time(NOW)
        assert row[f"User{label}Key"] == "0000000099"


def test_update_keeps_unchanged_fields_and_restamps(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    before = customer_with(url, ARDivisionNo="00")
    key = {"ARDivisionNo": "00", "CustomerNo": before["CustomerNo"]}
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    bus.set_key_value("ARDivisionNo$", "00")
    bus.set_key_value("CustomerNo$", before["CustomerNo"])
    assert bus.set_key() == EXISTING_RECORD
    assert bus.get_value("CustomerName$") == before["CustomerName"]
    assert bus.get_value("DateCreated$") == before["DateCreated"].strftime("%Y%m%d")
    assert bus.set_value("TelephoneNo$", "(555) 010-0199") == SUCCESS
    assert bus.write() == SUCCESS, bus.last_error_message
    after = read_one(url, "AR_Customer", **key)
    assert after["TelephoneNo"] == "(555) 010-0199"
    restamped = {"TelephoneNo", "DateUpdated", "TimeUpdated", "UserUpdatedKey"}
    assert {c: v for c, v in after.items() if c not in restamped} == {
        c: v for c, v in before.items() if c not in restamped
    }
    assert (after["DateUpdated"], after["TimeUpdated"], after["UserUpdatedKey"]) == (
        NOW.date(),
        format_sage_time(NOW),
        "0000000099",
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "CustomerName$",
            "x" * 51,
            # the value is shortened in the message
            f"CustomerName$: '{'x' * 35}...' is 51 characters; the field holds 50",
        ),
        (
            "ShipMethod$",
            "OVERNITE",
            "ShipMethod$: 'OVERNITE' is not a ship via (SO_ShippingRateHeader)",
        ),
        ("TermsCode$", "99", "TermsCode$: '99' is not a terms code (AR_TermsCode)"),
        (
            "TaxSchedule$",
            "NOWHERE",
            "TaxSchedule$: 'NOWHERE' is not a tax schedule (SY_SalesTaxSchedule)",
        ),
        ("CountryCode$", "ZZZ", "CountryCode$: 'ZZZ' is not a country (SY_Country)"),
        (
            "DefaultPaymentType$",
            "BTC",
            "DefaultPaymentType$: 'BTC' is not a payment type (AR_PaymentType)",
        ),
        ("CreditHold$", "X", "CreditHold$: 'X' is not one of Y/N"),
        ("CustomerStatus$", "Z", "CustomerStatus$: 'Z' is not one of A/I"),
        ("City$", "Dallas\x07", "City$: 'Dallas\\x07' contains the control character '\\x07'"),
        ("AddressLine1$", "1 Main\nSt", "contains the control character '\\n'"),
        ("CustomerName$", 42, "CustomerName$: 42 is not text"),
        ("CreditLimit", "lots", "CreditLimit: 'lots' is not a number"),
        ("CreditLimit", 1e12, "CreditLimit: 1000000000000.0 does not fit 13.2"),
        ("DateEstablished$", "20261341", "DateEstablished$: '20261341' is not a date (YYYYMMDD)"),
        ("DateEstablished$", "2026-11-01", "is not a date (YYYYMMDD)"),
        ("CurrentBalance", 10, "CurrentBalance is read-only"),
        ("DateUpdated$", "20261101", "DateUpdated$ is read-only"),
        ("CustomerNo$", "0000001", "CustomerNo$ is a key field"),
        ("Nickname$", "Bob", "Nickname is not a field of AR_Customer"),
    ],
)
def test_rejected_values_name_the_record_field_and_value(
    boi: SandboxSession, column: str, value: object, message: str
) -> None:
    bus, number = _new(boi)
    before = bus.get_value(column) if not column.startswith("Nickname") else None
    assert bus.set_value(column, value) == FAILURE
    assert bus.last_error_message.startswith(f"AR_Customer 00-{number}: ")
    assert message in bus.last_error_message
    if before is not None:
        assert bus.get_value(column) == before  # the pending value is unchanged


def test_salesperson_pair_is_checked_when_both_halves_are_set(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    bus, number = _new(boi)
    bus.set_value("CustomerName$", "Pair Test")
    assert bus.set_value("SalespersonDivisionNo$", "00") == SUCCESS
    assert bus.set_value("SalespersonNo$", "9999") == FAILURE
    assert "SalespersonNo$: '9999' is not a salesperson in division '00' (AR_Salesperson)" in (
        bus.last_error_message
    )
    assert bus.set_value("SalespersonDivisionNo$", "42") == FAILURE
    assert "'42' is not an A/R division (AR_Division)" in bus.last_error_message
    # Number first, division later: the pair is checked at write() at the latest.
    bus, number = _new(boi)
    bus.set_value("CustomerName$", "Pair Test")
    assert bus.set_value("SalespersonNo$", "0003") == SUCCESS
    assert bus.write() == FAILURE
    assert "SalespersonNo$: '0003' needs SalespersonDivisionNo$" in bus.last_error_message
    assert bus.set_value("SalespersonDivisionNo$", "01") == SUCCESS
    assert bus.write() == FAILURE
    assert "'0003' is not a salesperson in division '01'" in bus.last_error_message
    assert count(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
    person = read(url, "AR_Salesperson", SalespersonDivisionNo="01")[0]
    assert bus.set_value("SalespersonNo$", person["SalespersonNo"]) == SUCCESS
    assert bus.write() == SUCCESS, bus.last_error_message
    assert (
        read_one(url, "AR_Customer", CustomerNo=number, ARDivisionNo="00")["SalespersonNo"]
        == (person["SalespersonNo"])
    )


def test_missing_name_fails_the_write_and_writes_nothing(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    bus, number = _new(boi)
    assert bus.set_value("City$", "Dallas") == SUCCESS
    assert bus.set_value("CustomerName$", "   ") == SUCCESS
    assert bus.write() == FAILURE
    assert bus.last_error_message == (
        f"AR_Customer 00-{number}: CustomerName$ is required for a new record"
    )
    assert count(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
    # The record stays pending: fixing it and writing again works.
    assert bus.set_value("CustomerName$", "Late Name") == SUCCESS
    assert bus.write() == SUCCESS
    assert read_one(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number)["City"] == "Dallas"


def test_sql_looking_text_round_trips_exactly(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    texts = {
        "CustomerName$": "O'Brien; DROP TABLE x;--",
        "AddressLine1$": "1 Main St'); DELETE FROM y",
        "AddressLine2$": 'Suite "B" -- /* % _ \\ */',
        "URLAddress$": "http://x.test/?q=';--",
        "UDF_INDUSTRY$": "Robert'); --",
    }
    customers_before = count(url, "AR_Customer")
    number = new_customer(boi, **texts)
    row = read_one(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number)
    for column, text in texts.items():
        assert row[column.rstrip("$")] == text
    assert count(url, "AR_Customer") == customers_before + 1
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    bus.set_key_value("ARDivisionNo$", "00")
    bus.set_key_value("CustomerNo$", number)
    assert bus.set_key() == EXISTING_RECORD
    assert {c: bus.get_value(c) for c in texts} == texts


def test_key_rules(boi: SandboxSession) -> None:
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    assert bus.set_value("CustomerName$", "No Record") == FAILURE
    assert "call set_key first" in bus.last_error_message
    assert bus.set_key() == FAILURE
    assert "set ARDivisionNo$, CustomerNo$ before set_key" in bus.last_error_message
    assert bus.set_key_value("CustomerNo$", "1" * 21) == FAILURE
    assert "CustomerNo$: '111111111111111111111' is 21 characters; the field holds 20" in (
        bus.last_error_message
    )
    assert bus.set_key_value("CustomerName$", "x") == FAILURE
    assert "CustomerName$ is not a key field" in bus.last_error_message
    bus.set_key_value("ARDivisionNo$", "77")
    bus.set_key_value("CustomerNo$", "0000001")
    assert bus.set_key() == FAILURE
    assert bus.last_error_message == (
        "AR_Customer 77-0000001: ARDivisionNo$: '77' is not an A/R division (AR_Division)"
    )
    with pytest.raises(KeyError, match="AR_Customer has no column 'Nickname'"):
        bus.get_value("Nickname$")


def test_delete_refuses_a_customer_with_open_documents(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    busy = read(url, "SO_SalesOrderHeader")[0]
    bus: CustomerBus = boi.new_object("AR_Customer_bus")
    bus.set_key_value("ARDivisionNo$", busy["ARDivisionNo"])
    bus.set_key_value("CustomerNo$", busy["CustomerNo"])
    assert bus.set_key() == EXISTING_RECORD
    assert bus.delete() == FAILURE
    assert "cannot delete a customer with open sales orders" in bus.last_error_message
    number = new_customer(boi)
    bus.set_key_value("ARDivisionNo$", "00")
    bus.set_key_value("CustomerNo$", number)
    assert bus.set_key() == EXISTING_RECORD
    assert bus.delete() == SUCCESS
    assert count(url, "AR_Customer", ARDivisionNo="00", CustomerNo=number) == 0
