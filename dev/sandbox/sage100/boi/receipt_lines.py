"""AR_CashReceipts_bus.oLines: how a receipt is applied to the customer's open invoices.

A line names an invoice (InvoiceNo, InvoiceType "IN" unless set) that is open in
AR_OpenInvoice for the receipt's customer, and an AmountPosted above zero and no more
than the invoice's Balance less the PaymentsToday that unposted receipts already hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from connectors.sage100.boi import FAILURE, SUCCESS
from sandbox.sage100.boi.record import Row
from sandbox.sage100.boi.rules import Rejected, bare, cents, coerce, label, shown, to_boi
from sandbox.sage100.layout import TABLES

if TYPE_CHECKING:
    from sandbox.sage100.boi.cash_receipts import CashReceiptsBusImpl

__all__ = ["ReceiptLines", "check_application"]

_SPEC = TABLES["AR_CashReceiptsDetail"]
_SETTABLE = ("InvoiceNo", "InvoiceType", "AmountPosted")


def check_application(invoice: Row | None, line: Row, customer: str, already: int = 0) -> None:
    """Rejected unless `line` may be applied to `invoice` (its AR_OpenInvoice row), given
    `already` cents applied to it elsewhere on the same receipt."""
    number = line["InvoiceNo"]
    if invoice is None:
        raise Rejected(
            f"InvoiceNo$: {shown(number)} (type {line['InvoiceType']}) is not an open invoice "
            f"of customer {customer} (AR_OpenInvoice)"
        )
    amount = cents(line["AmountPosted"])
    if amount <= 0:
        raise Rejected(f"AmountPosted: {shown(line['AmountPosted'])} must be greater than zero")
    balance, today = cents(invoice["Balance"]), cents(invoice["PaymentsToday"] or 0.0)
    if amount + already > balance - today:
        raise Rejected(
            f"AmountPosted: {amount / 100:.2f} is more than is open on invoice {number}: "
            f"Balance {balance / 100:.2f} less PaymentsToday {today / 100:.2f}"
            + (f" less {already / 100:.2f} on this receipt" if already else "")
        )


class ReceiptLines:
    """See connectors.sage100.boi.LineCollection."""

    def __init__(self, receipt: CashReceiptsBusImpl) -> None:
        self._receipt = receipt
        self._line: Row | None = None
        self._written: list[Row] = []
        self._stored: set[str] = set()
        self._error = ""

    @property
    def last_error_message(self) -> str:
        return self._error

    @property
    def written(self) -> list[Row]:
        return self._written

    @property
    def pending(self) -> bool:
        return self._line is not None

    def reset(self, stored: set[str] | None = None) -> None:
        """Forget every line; `stored` are the invoices the receipt already applies to."""
        self._line = None
        self._written = []
        self._stored = stored or set()

    def add_line(self) -> int:
        if self._receipt.customer_key is None:
            return self._fail("no current receipt; call set_key first")
        if self._line is not None:
            return self._fail("a line is pending; write() or clear() it first")
        self._line = {"InvoiceNo": "", "InvoiceType": "IN", "AmountPosted": 0.0}
        return self._ok()

    def set_value(self, column: str, value: object) -> int:
        if self._line is None:
            return self._fail("no current line; call add_line first")
        name = bare(column)
        if name not in _SETTABLE:
            return self._fail(f"{column} is not a field you can set on a receipt line")
        col = _SPEC.column(name)
        try:
            coerced = coerce(col, value)
            if name == "InvoiceNo" and coerced != "":
                self._check_invoice_exists(str(coerced))
        except Rejected as exc:
            return self._fail(str(exc))
        self._line[name] = coerced
        return self._ok()

    def get_value(self, column: str) -> object:
        name = bare(column)
        col = _SPEC.column(name)
        return None if self._line is None else to_boi(col, self._line.get(name))

    def write(self) -> int:
        line = self._line
        if line is None:
            return self._fail("no current line; call add_line first")
        number = line["InvoiceNo"]
        if number == "":
            return self._fail(f"{label(_SPEC.column('InvoiceNo'))} is required")
        if number in self._stored or any(w["InvoiceNo"] == number for w in self._written):
            return self._fail(f"InvoiceNo$: {shown(number)} is already applied on this receipt")
        division, customer_no = self._receipt.customer_key or ("", "")
        key = {"ARDivisionNo": division, "CustomerNo": customer_no, "InvoiceNo": number}
        invoice = self._receipt.session.fetch(
            "AR_OpenInvoice", key | {"InvoiceType": line["InvoiceType"]}
        )
        try:
            check_application(invoice, line, f"{division}-{customer_no}")
        except Rejected as exc:
            return self._fail(str(exc))
        self._written.append(line)
        self._line = None
        return self._ok()

    def clear(self) -> None:
        self._line = None

    def _check_invoice_exists(self, number: str) -> None:
        division, customer_no = self._receipt.customer_key or ("", "")
        table = self._receipt.session.table("AR_OpenInvoice")
        stmt = sa.select(table.c.InvoiceNo).where(
            table.c.ARDivisionNo == division,
            table.c.CustomerNo == customer_no,
            table.c.InvoiceNo == number,
        )
        with self._receipt.session.engine.connect() as conn:
            if conn.execute(stmt.limit(1)).first() is None:
                raise Rejected(
                    f"InvoiceNo$: {shown(number)} is not an open invoice of customer "
                    f"{division}-{customer_no} (AR_OpenInvoice)"
                )

    def _fail(self, message: str) -> int:
        self._error = f"{self._receipt.record_label}: {message}"
        return FAILURE

    def _ok(self) -> int:
        self._error = ""
        return SUCCESS
