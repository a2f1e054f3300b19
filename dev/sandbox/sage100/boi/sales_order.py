"""SO_SalesOrder_bus: sales orders, entered the way Sage's order entry does.

Setting CustomerNo (after ARDivisionNo) loads the customer's defaults: bill-to, terms,
tax schedule, salesperson, ship via, and the primary ship-to when there is one.
write() stores the header, its lines and Sage's side effects in one transaction
(order_write); a customer on credit hold still gets the order, on hold, with a warning.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa

from connectors.sage100.boi import SO_SALES_ORDER_BUS, SUCCESS, WARNING
from connectors.sage100.tables import Column
from sandbox.sage100.boi import order_write as ow
from sandbox.sage100.boi.numbers import highest_number
from sandbox.sage100.boi.order_lines import OrderLines
from sandbox.sage100.boi.record import BusRecord, Row
from sandbox.sage100.boi.rules import Rejected, cents, label, shown

if TYPE_CHECKING:
    from sandbox.sage100.boi.session import SandboxSession

__all__ = ["SalesOrderBusImpl"]

# Order field <- AR_Customer field, loaded when CustomerNo is set.
_FROM_CUSTOMER = {
    "BillToName": "CustomerName",
    "BillToAddress1": "AddressLine1",
    "BillToAddress2": "AddressLine2",
    "BillToAddress3": "AddressLine3",
    "BillToCity": "City",
    "BillToState": "State",
    "BillToZipCode": "ZipCode",
    "BillToCountryCode": "CountryCode",
    "ShipToName": "CustomerName",
    "ShipToAddress1": "AddressLine1",
    "ShipToAddress2": "AddressLine2",
    "ShipToAddress3": "AddressLine3",
    "ShipToCity": "City",
    "ShipToState": "State",
    "ShipToZipCode": "ZipCode",
    "ShipToCountryCode": "CountryCode",
    "ShipVia": "ShipMethod",
    "TermsCode": "TermsCode",
    "TaxSchedule": "TaxSchedule",
    "TaxExemptNo": "TaxExemptNo",
    "SalespersonDivisionNo": "SalespersonDivisionNo",
    "SalespersonNo": "SalespersonNo",
    "EmailAddress": "EmailAddress",
    "BillToDivisionNo": "BillToDivisionNo",
    "BillToCustomerNo": "BillToCustomerNo",
}
_SHIP_TO_ADDRESS = (
    "ShipToName",
    "ShipToAddress1",
    "ShipToAddress2",
    "ShipToAddress3",
    "ShipToCity",
    "ShipToState",
    "ShipToZipCode",
    "ShipToCountryCode",
)
# Ship-to fields that override the customer's only when the ship-to has them.
_SHIP_TO_OVERRIDES = (
    "ShipVia",
    "TaxSchedule",
    "TaxExemptNo",
    "WarehouseCode",
    "SalespersonDivisionNo",
    "SalespersonNo",
)


class SalesOrderBusImpl(BusRecord):
    name = SO_SALES_ORDER_BUS
    table_name = "SO_SalesOrderHeader"
    required = ("CustomerNo",)
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"TaxableAmt", "NonTaxableAmt", "SalesTaxAmt", "CurrentInvoiceNo"}
    )
    defaults: ClassVar[dict[str, object]] = {"OrderType": "S", "OrderStatus": "N"}

    def __init__(self, session: SandboxSession) -> None:
        super().__init__(session)
        self._lines = OrderLines(self)
        self._customer: Row | None = None

    # --- SalesOrderBus --------------------------------------------------------------------
    @property
    def lines(self) -> OrderLines:
        return self._lines

    def get_next_sales_order_no(self) -> str:
        """Above every number in SO_SalesOrderHeader and SO_SalesOrderHistoryHeader."""
        highest = 0
        with self._session.engine.connect() as conn:
            for name in ("SO_SalesOrderHeader", "SO_SalesOrderHistoryHeader"):
                table = self._session.table(name)
                highest = max(highest, highest_number(conn, table.c.SalesOrderNo))
        return f"{self._session.issue(('SalesOrderNo',), highest):07d}"

    # --- what OrderLines reads ------------------------------------------------------------
    @property
    def session(self) -> SandboxSession:
        return self._session

    @property
    def header(self) -> Row:
        return self._values or {}

    @property
    def customer(self) -> Row | None:
        return self._customer if self._values is not None else None

    # --- hooks ----------------------------------------------------------------------------
    def _check_key(self) -> None:
        number = self._record_key["SalesOrderNo"]
        key = {"SalesOrderNo": number}
        if not self._session.exists("SO_SalesOrderHeader", key) and self._session.exists(
            "SO_SalesOrderHistoryHeader", key
        ):
            raise Rejected(
                f"SalesOrderNo$: {shown(number)} was already used (SO_SalesOrderHistoryHeader)"
            )

    def _new_values(self) -> Row:
        today = self._session.now().date()
        return super()._new_values() | {"OrderDate": today, "ShipExpireDate": today}

    def _loaded(self) -> None:
        values = self._pending()
        self._customer = None
        first_key = 1
        if self._existing:
            self._customer = self._session.fetch(
                "AR_Customer",
                {"ARDivisionNo": values["ARDivisionNo"], "CustomerNo": values["CustomerNo"]},
            )
            with self._session.engine.connect() as conn:
                stored = ow.stored_lines(conn, self._session, values["SalesOrderNo"])
            first_key = max((int(line["LineKey"]) for line in stored), default=0) + 1
        self._lines.reset(first_key)

    def clear(self, *, keep_keys: bool = False) -> None:
        super().clear(keep_keys=keep_keys)
        self._customer = None
        self._lines.reset()

    def _apply(self, col: Column, value: object) -> int:
        values = self._pending()
        name = col.name
        if name == "ARDivisionNo" and values["CustomerNo"] and value != values["ARDivisionNo"]:
            raise Rejected(f"{label(col)}: cannot change once CustomerNo$ is set")
        if name == "OrderType" and self._existing and value != values["OrderType"]:
            # Allocation and the open order amount were booked for the type it was
            # written with.
            raise Rejected(f"{label(col)}: the type of an existing order cannot change")
        if name == "CustomerNo":
            return self._set_customer(col, str(value))
        if name == "ShipToCode" and value != "":
            self._set_ship_to(str(value))
            return SUCCESS
        return super()._apply(col, value)

    def _set_customer(self, col: Column, customer_no: str) -> int:
        values = self._pending()
        if self._existing:
            if customer_no == values["CustomerNo"]:
                return SUCCESS
            raise Rejected(f"{label(col)}: the customer of an existing order cannot change")
        if not values["ARDivisionNo"]:
            raise Rejected(f"{label(col)}: set ARDivisionNo$ first")
        customer = self._check_customer(values["ARDivisionNo"], customer_no)
        if customer["CustomerStatus"] == "I":
            raise Rejected(f"{label(col)}: {shown(customer_no)} is inactive (AR_Customer)")
        self._customer = customer
        self._assign("CustomerNo", customer_no)
        for field, source in _FROM_CUSTOMER.items():
            self._assign(field, customer[source])
        self._assign("ShipToCode", "")
        if customer["PrimaryShipToCode"]:
            self._set_ship_to(customer["PrimaryShipToCode"])
        return SUCCESS

    def _set_ship_to(self, code: str) -> None:
        values = self._pending()
        if self._customer is None:
            raise Rejected("ShipToCode$: set CustomerNo$ first")
        key = {"ARDivisionNo": values["ARDivisionNo"], "CustomerNo": values["CustomerNo"]}
        ship_to = self._session.fetch("SO_ShipToAddress", key | {"ShipToCode": code})
        if ship_to is None:
            raise Rejected(
                f"ShipToCode$: {shown(code)} is not a ship-to address of customer "
                f"{key['ARDivisionNo']}-{key['CustomerNo']} (SO_ShipToAddress)"
            )
        self._assign("ShipToCode", code)
        for field in _SHIP_TO_ADDRESS:
            self._assign(field, ship_to[field])
        for field in _SHIP_TO_OVERRIDES:
            if ship_to[field]:
                self._assign(field, ship_to[field])

    def _validate(self) -> None:
        pending = self._lines.pending_line
        if pending is not None:
            raise Rejected(f"line {pending} was neither written nor cleared (lines.write())")
        if not self._existing and not self._lines.written:
            raise Rejected("an order needs at least one line")
        super()._validate()

    def _store(self, conn: sa.Connection, moment: datetime) -> tuple[int, str]:
        session, values = self._session, self._pending()
        number = values["SalesOrderNo"]
        new_lines = self._lines.written
        ow.check_items(conn, session, new_lines)
        stored = ow.stored_lines(conn, session, number) if self._existing else []
        before = 0
        if self._existing:
            row = session.fetch(self.table_name, self._record_key, conn) or values
            before = cents(row["TaxableAmt"]) + cents(row["NonTaxableAmt"])
        totals = ow.order_totals(conn, session, values["TaxSchedule"], stored + new_lines)
        for field, amount in totals.items():
            self._assign(field, amount)
        warning = ""
        key = {"ARDivisionNo": values["ARDivisionNo"], "CustomerNo": values["CustomerNo"]}
        customer = session.fetch("AR_Customer", key, conn) or {}
        if not self._existing and customer.get("CreditHold") == "Y":
            self._assign("OrderStatus", "H")
            warning = (
                f"customer {key['ARDivisionNo']}-{key['CustomerNo']} is on credit hold; "
                f"order {number} was saved on hold (OrderStatus H)"
            )
        changed = sorted(self._changed)
        header = self._save(conn, moment)
        changes = {c: header[c] for c in changed} | session.stamps(moment, created=False)
        ow.write_history(conn, session, header, changes if self._existing else None)
        ow.insert_lines(conn, session, number, new_lines)
        if header["OrderType"] in ow.ALLOCATING_TYPES:
            ow.allocate(conn, session, new_lines, moment, 1)
            after = cents(header["TaxableAmt"]) + cents(header["NonTaxableAmt"])
            ow.add_open_order_amount(
                conn, session, key["ARDivisionNo"], key["CustomerNo"], after - before
            )
        return (WARNING, warning) if warning else (SUCCESS, "")

    def _remove(self, conn: sa.Connection, moment: datetime) -> None:
        ow.remove_order(conn, self._session, self._record_key["SalesOrderNo"], moment)
