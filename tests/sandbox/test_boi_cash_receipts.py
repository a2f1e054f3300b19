"""AR_CashReceipts_bus: receipts apply only to the customer's own open invoices, never
beyond what is still open, must balance, and raise PaymentsToday."""

from __future__ import annotations

from typing import Any

from connectors.sage100.boi import (
    EXISTING_RECORD,
    FAILURE,
    NEW_RECORD,
    SUCCESS,
    CashReceiptsBus,
)
from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.boi import SandboxSession
from tests.sandbox import boi_fixtures
from tests.sandbox.boi_fixtures import NOW, count, read, read_one

boi = boi_fixtures.boi

Row = dict[str, Any]


def _invoices(url: str) -> list[Row]:
    rows = read(url, "AR_OpenInvoice", InvoiceType="IN")
    return sorted(rows, key=lambda r: (r["ARDivisionNo"], r["CustomerNo"], r["InvoiceNo"]))


def _invoice_key(invoice: Row) -> Row:
    return {k: invoice[k] for k in ("ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType")}


def _receipt(
    boi: SandboxSession, invoice: Row, check: str, deposit: str = "00001"
) -> CashReceiptsBus:
    bus: CashReceiptsBus = boi.new_object("AR_CashReceipts_bus")
    bus.set_key_value("DepositNo$", deposit)
    bus.set_key_value("ARDivisionNo$", invoice["ARDivisionNo"])
    bus.set_key_value("CustomerNo$", invoice["CustomerNo"])
    bus.set_key_value("CheckNo$", check)
    assert bus.set_key() == NEW_RECORD, bus.last_error_message
    assert bus.set_value("PaymentType$", "CHECK") == SUCCESS
    return bus


def _apply(bus: CashReceiptsBus, invoice_no: str, amount: float) -> int:
    assert bus.lines.add_line() == SUCCESS, bus.lines.last_error_message
    if bus.lines.set_value("InvoiceNo$", invoice_no) != SUCCESS:
        return FAILURE
    assert bus.lines.set_value("AmountPosted", amount) == SUCCESS
    return bus.lines.write()


def test_receipt_applies_to_an_open_invoice_of_its_customer(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    amount = round(invoice["Balance"] / 2, 2)
    bus = _receipt(boi, invoice, "10422")
    assert bus.set_value("TransactionDate$", "20261123") == SUCCESS
    assert bus.set_value("PostingAmt", amount) == SUCCESS
    assert bus.set_value("UDF_PLATFORM_PAYMENT_ID$", "pay_'; --") == SUCCESS
    assert _apply(bus, invoice["InvoiceNo"], amount) == SUCCESS, bus.lines.last_error_message
    assert count(url, "AR_CashReceiptsHeader") == 0  # nothing before write()
    assert bus.write() == SUCCESS, bus.last_error_message
    receipt = {
        "DepositNo": "00001",
        "ARDivisionNo": invoice["ARDivisionNo"],
        "CustomerNo": invoice["CustomerNo"],
        "CheckNo": "10422",
    }
    header = read_one(url, "AR_CashReceiptsHeader", **receipt)
    assert (header["PostingAmt"], header["PaymentType"], header["TransactionDate"]) == (
        amount,
        "CHECK",
        NOW.date(),
    )
    assert header["UDF_PLATFORM_PAYMENT_ID"] == "pay_'; --"
    assert (header["DateCreated"], header["TimeCreated"]) == (NOW.date(), format_sage_time(NOW))
    detail = read_one(url, "AR_CashReceiptsDetail", **receipt)
    assert (detail["InvoiceNo"], detail["InvoiceType"], detail["AmountPosted"]) == (
        invoice["InvoiceNo"],
        "IN",
        amount,
    )
    deposit = read_one(url, "AR_CashReceiptsDeposit", DepositNo="00001")
    assert (deposit["DepositAmt"], deposit["DepositDate"]) == (amount, NOW.date())
    after = read_one(url, "AR_OpenInvoice", **_invoice_key(invoice))
    assert after["PaymentsToday"] == round(invoice["PaymentsToday"] + amount, 2)
    assert after["Balance"] == invoice["Balance"]  # posting, not entry, lowers the balance
    assert (after["DateUpdated"], after["TimeUpdated"]) == (NOW.date(), format_sage_time(NOW))


def test_payments_today_limits_later_receipts_and_deposits_add_up(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    first = round(invoice["Balance"] - 10, 2)
    bus = _receipt(boi, invoice, "1")
    bus.set_value("PostingAmt", first)
    assert _apply(bus, invoice["InvoiceNo"], first) == SUCCESS
    assert bus.write() == SUCCESS
    second = _receipt(boi, invoice, "2")
    assert _apply(second, invoice["InvoiceNo"], 10.01) == FAILURE
    assert (
        f"AmountPosted: 10.01 is more than is open on invoice {invoice['InvoiceNo']}"
        in second.lines.last_error_message
    )
    assert second.lines.set_value("AmountPosted", 10) == SUCCESS
    assert second.lines.write() == SUCCESS
    second.set_value("PostingAmt", 10)
    assert second.write() == SUCCESS
    assert read_one(url, "AR_CashReceiptsDeposit", DepositNo="00001")["DepositAmt"] == round(
        first + 10, 2
    )
    after = read_one(url, "AR_OpenInvoice", **_invoice_key(invoice))
    assert after["PaymentsToday"] == round(invoice["PaymentsToday"] + first + 10, 2)


def test_another_customers_invoice_is_refused(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    mine = _invoices(url)[0]
    theirs = next(i for i in _invoices(url) if i["CustomerNo"] != mine["CustomerNo"])
    bus = _receipt(boi, mine, "77")
    assert bus.lines.add_line() == SUCCESS
    assert bus.lines.set_value("InvoiceNo$", theirs["InvoiceNo"]) == FAILURE
    assert (
        f"InvoiceNo$: '{theirs['InvoiceNo']}' is not an open invoice of customer "
        f"{mine['ARDivisionNo']}-{mine['CustomerNo']} (AR_OpenInvoice)"
    ) in bus.lines.last_error_message
    assert bus.lines.set_value("InvoiceNo$", mine["InvoiceNo"]) == SUCCESS
    assert bus.lines.set_value("InvoiceType$", "CM") == SUCCESS
    assert bus.lines.set_value("AmountPosted", 1) == SUCCESS
    assert bus.lines.write() == FAILURE  # no such credit memo is open
    assert "(type CM) is not an open invoice" in bus.lines.last_error_message


def test_more_than_the_open_balance_is_refused(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    bus = _receipt(boi, invoice, "88")
    too_much = round(invoice["Balance"] - invoice["PaymentsToday"] + 0.01, 2)
    assert _apply(bus, invoice["InvoiceNo"], too_much) == FAILURE
    message = bus.lines.last_error_message
    assert f"AmountPosted: {too_much:.2f} is more than is open on invoice" in message
    assert f"Balance {invoice['Balance']:.2f}" in message
    assert bus.lines.set_value("AmountPosted", 0) == SUCCESS
    assert bus.lines.write() == FAILURE
    assert "AmountPosted: 0.0 must be greater than zero" in bus.lines.last_error_message
    assert bus.lines.set_value("AmountPosted", 5) == SUCCESS
    assert bus.lines.write() == SUCCESS
    assert _apply(bus, invoice["InvoiceNo"], 1) == FAILURE
    assert "is already applied on this receipt" in bus.lines.last_error_message


def test_out_of_balance_receipt_writes_nothing(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    bus = _receipt(boi, invoice, "99")
    assert bus.set_value("PostingAmt", 50) == SUCCESS
    assert _apply(bus, invoice["InvoiceNo"], 40) == SUCCESS
    assert bus.write() == FAILURE
    assert "out of balance: PostingAmt 50.00 but the lines total 40.00" in bus.last_error_message
    for name in ("AR_CashReceiptsHeader", "AR_CashReceiptsDetail", "AR_CashReceiptsDeposit"):
        assert count(url, name) == 0, name
    assert read_one(url, "AR_OpenInvoice", **_invoice_key(invoice)) == invoice


def test_header_rules(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    bus = _receipt(boi, invoice, "5")
    assert bus.set_value("PaymentType$", "BTC") == FAILURE
    assert "PaymentType$: 'BTC' is not a payment type (AR_PaymentType)" in bus.last_error_message
    assert bus.set_value("CashAcctKey$", "999999999") == FAILURE
    assert "'999999999' is not a G/L account key (GL_Account)" in bus.last_error_message
    assert _apply(bus, invoice["InvoiceNo"], 5) == SUCCESS
    assert bus.write() == FAILURE
    assert "PostingAmt: 0.0 must be greater than zero" in bus.last_error_message
    other: CashReceiptsBus = boi.new_object("AR_CashReceipts_bus")
    for column, value in (("DepositNo$", "1"), ("ARDivisionNo$", "00"), ("CheckNo$", "1")):
        other.set_key_value(column, value)
    other.set_key_value("CustomerNo$", "9999999")
    assert other.set_key() == FAILURE
    assert "'9999999' is not a customer in division '00'" in other.last_error_message


def test_delete_gives_the_amount_back_to_the_invoice(boi: SandboxSession) -> None:
    url = str(boi.engine.url)
    invoice = _invoices(url)[0]
    bus = _receipt(boi, invoice, "6")
    bus.set_value("PostingAmt", 12.34)
    assert _apply(bus, invoice["InvoiceNo"], 12.34) == SUCCESS
    assert bus.write() == SUCCESS
    for column, value in (
        ("DepositNo$", "00001"),
        ("ARDivisionNo$", invoice["ARDivisionNo"]),
        ("CustomerNo$", invoice["CustomerNo"]),
        ("CheckNo$", "6"),
    ):
        bus.set_key_value(column, value)
    assert bus.set_key() == EXISTING_RECORD
    assert bus.get_value("PostingAmt") == 12.34
    assert bus.delete() == SUCCESS
    assert count(url, "AR_CashReceiptsHeader") == count(url, "AR_CashReceiptsDetail") == 0
    after = read_one(url, "AR_OpenInvoice", **_invoice_key(invoice))
    assert after["PaymentsToday"] == invoice["PaymentsToday"]
    assert read_one(url, "AR_CashReceiptsDeposit", DepositNo="00001")["DepositAmt"] == 0
