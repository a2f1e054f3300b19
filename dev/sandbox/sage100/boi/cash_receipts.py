"""AR_CashReceipts_bus: unposted cash receipts, applied to open invoices.

Keyed by DepositNo + ARDivisionNo + CustomerNo + CheckNo. write() refuses a receipt whose
lines do not add up to its PostingAmt; otherwise, in one transaction, it creates the
deposit if need be (and adds to its DepositAmt), stores the header and the lines, and
adds each line to its invoice's AR_OpenInvoice.PaymentsToday, so what later receipts can
still apply shrinks before the batch is posted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from connectors.sage100.boi import AR_CASH_RECEIPTS_BUS, SUCCESS
from sandbox.sage100.boi.receipt_lines import ReceiptLines, check_application
from sandbox.sage100.boi.record import BusRecord, Row
from sandbox.sage100.boi.rules import Rejected, cents, shown

if TYPE_CHECKING:
    from sandbox.sage100.boi.session import SandboxSession

__all__ = ["CashReceiptsBusImpl"]

_RECEIPT_KEY = ("DepositNo", "ARDivisionNo", "CustomerNo", "CheckNo")


class CashReceiptsBusImpl(BusRecord):
    name = AR_CASH_RECEIPTS_BUS
    table_name = "AR_CashReceiptsHeader"
    needs_customer = True

    def __init__(self, session: SandboxSession) -> None:
        super().__init__(session)
        self._lines = ReceiptLines(self)

    @property
    def lines(self) -> ReceiptLines:
        return self._lines

    @property
    def session(self) -> SandboxSession:
        return self._session

    @property
    def customer_key(self) -> tuple[str, str] | None:
        if self._values is None:
            return None
        return self._record_key["ARDivisionNo"], self._record_key["CustomerNo"]

    # --- hooks ----------------------------------------------------------------------------
    def _new_values(self) -> Row:
        values = super()._new_values()
        key = {k: self._record_key[k] for k in ("ARDivisionNo", "CustomerNo")}
        customer = self._session.fetch("AR_Customer", key) or {}
        values["TransactionDate"] = self._session.now().date()
        values["PaymentType"] = customer.get("DefaultPaymentType", "")
        return values

    def _loaded(self) -> None:
        stored: set[str] = set()
        if self._existing:
            with self._session.engine.connect() as conn:
                stored = {line["InvoiceNo"] for line in self._stored_lines(conn)}
        self._lines.reset(stored)

    def clear(self, *, keep_keys: bool = False) -> None:
        super().clear(keep_keys=keep_keys)
        self._lines.reset()

    def _validate(self) -> None:
        values = self._pending()
        if self._lines.pending:
            raise Rejected("a line was neither written nor cleared (lines.write())")
        if cents(values["PostingAmt"]) <= 0:
            raise Rejected(f"PostingAmt: {shown(values['PostingAmt'])} must be greater than zero")
        if not values["PaymentType"]:
            raise Rejected("PaymentType$ is required")
        super()._validate()

    def _store(self, conn: sa.Connection, moment: datetime) -> tuple[int, str]:
        session, values = self._session, self._pending()
        stored = self._stored_lines(conn)
        new_lines = self._lines.written
        posting = cents(values["PostingAmt"])
        applied = sum(cents(line["AmountPosted"]) for line in stored + new_lines)
        if applied != posting:
            raise Rejected(
                f"out of balance: PostingAmt {posting / 100:.2f} but the lines total "
                f"{applied / 100:.2f}"
            )
        before = 0
        if self._existing:
            row = session.fetch(self.table_name, self._record_key, conn) or values
            before = cents(row["PostingAmt"])
        invoices = session.table("AR_OpenInvoice")
        division, customer_no = self._record_key["ARDivisionNo"], self._record_key["CustomerNo"]
        for line in new_lines:
            # Locked: another receipt may be applying to the same invoice right now.
            current = (
                conn.execute(
                    sa.select(invoices)
                    .where(*self._invoice_filter(invoices, line))
                    .with_for_update()
                )
                .mappings()
                .first()
            )
            check_application(
                dict(current) if current is not None else None, line, f"{division}-{customer_no}"
            )
        self._save(conn, moment)
        if new_lines:
            receipt = {k: self._record_key[k] for k in _RECEIPT_KEY}
            conn.execute(
                sa.insert(session.table("AR_CashReceiptsDetail")),
                [receipt | line for line in new_lines],
            )
            self._add_payments_today(conn, new_lines, moment, 1)
        self._add_to_deposit(conn, values, moment, posting - before)
        return SUCCESS, ""

    def _remove(self, conn: sa.Connection, moment: datetime) -> None:
        row = self._session.fetch(self.table_name, self._record_key, conn)
        if row is None:
            raise Rejected("the receipt was deleted by another session")
        self._add_payments_today(conn, self._stored_lines(conn), moment, -1)
        for name in ("AR_CashReceiptsDetail", "AR_CashReceiptsHeader"):
            table = self._session.table(name)
            conn.execute(sa.delete(table).where(*self._key_filter(table)))
        self._add_to_deposit(conn, row, moment, -cents(row["PostingAmt"]))

    # --- side effects ---------------------------------------------------------------------
    def _stored_lines(self, conn: sa.Connection) -> list[Row]:
        table = self._session.table("AR_CashReceiptsDetail")
        stmt = sa.select(table).where(*self._key_filter(table))
        return [dict(r) for r in conn.execute(stmt).mappings()]

    def _invoice_filter(self, table: sa.Table, line: Row) -> list[sa.ColumnElement[bool]]:
        return [
            table.c.ARDivisionNo == self._record_key["ARDivisionNo"],
            table.c.CustomerNo == self._record_key["CustomerNo"],
            table.c.InvoiceNo == line["InvoiceNo"],
            table.c.InvoiceType == line["InvoiceType"],
        ]

    def _add_payments_today(
        self, conn: sa.Connection, lines: list[Row], moment: datetime, sign: int
    ) -> None:
        if not lines:
            return
        table = self._session.table("AR_OpenInvoice")
        stmt = (
            sa.update(table)
            .where(
                table.c.ARDivisionNo == self._record_key["ARDivisionNo"],
                table.c.CustomerNo == self._record_key["CustomerNo"],
                table.c.InvoiceNo == sa.bindparam("k_invoice"),
                table.c.InvoiceType == sa.bindparam("k_type"),
            )
            .values(
                PaymentsToday=sa.func.coalesce(table.c.PaymentsToday, 0) + sa.bindparam("k_amt"),
                **self._session.stamps(moment, created=False),
            )
        )
        conn.execute(
            stmt,
            [
                {
                    "k_invoice": line["InvoiceNo"],
                    "k_type": line["InvoiceType"],
                    "k_amt": sign * line["AmountPosted"],
                }
                for line in lines
            ],
        )

    def _add_to_deposit(
        self, conn: sa.Connection, header: Row, moment: datetime, delta: int
    ) -> None:
        table = self._session.table("AR_CashReceiptsDeposit")
        number = self._record_key["DepositNo"]
        if self._session.fetch("AR_CashReceiptsDeposit", {"DepositNo": number}, conn) is None:
            row: Row = {c.name: None for c in table.columns} | {
                "DepositNo": number,
                "DepositDate": header["TransactionDate"],
                "DepositDesc": "",
                "BankCode": "",
                "DepositAmt": delta / 100,
            }
            row |= self._session.stamps(moment, created=True)
            conn.execute(sa.insert(table), [row])
            return
        if delta:
            conn.execute(
                sa.update(table)
                .where(table.c.DepositNo == number)
                .values(
                    DepositAmt=table.c.DepositAmt + delta / 100,
                    **self._session.stamps(moment, created=False),
                )
            )
