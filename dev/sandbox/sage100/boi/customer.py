"""AR_Customer_bus: customers, with Sage's next-number counter per division."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa

from connectors.sage100.boi import AR_CUSTOMER_BUS
from connectors.sage100.tables import Column
from sandbox.sage100.boi.numbers import highest_number
from sandbox.sage100.boi.record import BusRecord
from sandbox.sage100.boi.rules import Rejected, label, shown

__all__ = ["CustomerBusImpl"]


class CustomerBusImpl(BusRecord):
    name = AR_CUSTOMER_BUS
    table_name = "AR_Customer"
    required = ("CustomerName",)
    # Posting and order entry keep these; nobody types them.
    read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "CurrentBalance",
            "AgingCategory1",
            "AgingCategory2",
            "AgingCategory3",
            "AgingCategory4",
            "OpenOrderAmt",
            "LastPaymentAmt",
            "HighestStmntBalance",
            "DateLastActivity",
            "DateLastPayment",
        }
    )
    defaults: ClassVar[dict[str, object]] = {"CustomerStatus": "A"}

    def get_next_customer_no(self, division: str) -> str:
        """nGetNextCustomerNo: the next free 7-digit number in the division."""
        if not self._session.exists("AR_Division", {"ARDivisionNo": division}):
            raise ValueError(f"ARDivisionNo$: {division!r} is not an A/R division (AR_Division)")
        table = self._session.table("AR_Customer")
        with self._session.engine.connect() as conn:
            highest = highest_number(conn, table.c.CustomerNo, [table.c.ARDivisionNo == division])
        return f"{self._session.issue(('CustomerNo', division), highest):07d}"

    def _new_values(self) -> dict[str, object]:
        values = super()._new_values()
        values["DateEstablished"] = self._session.now().date()
        return values

    def _apply(self, col: Column, value: object) -> int:
        if col.name == "PrimaryShipToCode" and value != "":
            key = {**self._record_key, "ShipToCode": value}
            if not self._session.exists("SO_ShipToAddress", key):
                raise Rejected(
                    f"{label(col)}: {shown(value)} is not a ship-to address of this customer "
                    "(SO_ShipToAddress)"
                )
        return super()._apply(col, value)

    def _remove(self, conn: sa.Connection, moment: datetime) -> None:
        """Sage refuses to delete a customer with open documents; its ship-tos and
        contacts go with it."""
        for name, what in (
            ("SO_SalesOrderHeader", "open sales orders"),
            ("AR_OpenInvoice", "open invoices"),
        ):
            table = self._session.table(name)
            found = conn.execute(
                sa.select(table.c.CustomerNo).where(*self._key_filter(table)).limit(1)
            ).first()
            if found is not None:
                raise Rejected(f"cannot delete a customer with {what} ({name})")
        for name in ("SO_ShipToAddress", "AR_CustomerContact", "AR_Customer"):
            table = self._session.table(name)
            conn.execute(sa.delete(table).where(*self._key_filter(table)))
