"""The Sage 100 write path as erpsync sees it: the Business Object Interface (BOI).

Sage 100 is never written with SQL. In production every write goes through the BOI over
COM on the Sage server (SY_Session, then one `*_bus` object per entity), which applies
Sage's business rules: validation, defaults, totals, history and inventory allocation.
erpsync's upload steps talk to the Protocols below and nothing else, so a production
implementation that drives the real BOI can replace the sandbox one without touching
the engine.

Conventions kept from the BOI (../shared/reference/sage100.md §5):
    * methods return Sage's numeric codes: 1 success, -1 warning (done, read the
      message), 0 failure (nothing done, read `last_error_message`);
    * `set_key` returns 2 for a new record and 1 for an existing one;
    * column names may carry the string suffix `$` ("CustomerName$"); both forms work;
    * dates travel as "YYYYMMDD" strings (a `datetime.date` is accepted too);
    * nothing reaches the database before `write()`, which commits the record, its
      lines and Sage's side effects together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, overload

__all__ = [
    "AR_CASH_RECEIPTS_BUS",
    "AR_CUSTOMER_BUS",
    "AR_CUSTOMER_CONTACT_BUS",
    "BUSINESS_OBJECTS",
    "EXISTING_RECORD",
    "FAILURE",
    "NEW_RECORD",
    "SO_SALES_ORDER_BUS",
    "SO_SHIP_TO_ADDRESS_BUS",
    "SUCCESS",
    "WARNING",
    "BoiResult",
    "BusinessObject",
    "CashReceiptsBus",
    "ContactBus",
    "CustomerBus",
    "LineCollection",
    "SageSession",
    "SalesOrderBus",
]

# Return codes of nSetValue / nWrite / nDelete.
SUCCESS, WARNING, FAILURE = 1, -1, 0
# Return codes of nSetKey besides FAILURE.
NEW_RECORD, EXISTING_RECORD = 2, 1

AR_CUSTOMER_BUS = "AR_Customer_bus"
SO_SHIP_TO_ADDRESS_BUS = "SO_ShipToAddress_bus"
AR_CUSTOMER_CONTACT_BUS = "AR_CustomerContact_bus"
SO_SALES_ORDER_BUS = "SO_SalesOrder_bus"
AR_CASH_RECEIPTS_BUS = "AR_CashReceipts_bus"
BUSINESS_OBJECTS: tuple[str, ...] = (
    AR_CUSTOMER_BUS,
    SO_SHIP_TO_ADDRESS_BUS,
    AR_CUSTOMER_CONTACT_BUS,
    SO_SALES_ORDER_BUS,
    AR_CASH_RECEIPTS_BUS,
)

Status = Literal["success", "warning", "failure"]
_STATUS_OF_CODE: dict[int, Status] = {SUCCESS: "success", WARNING: "warning", FAILURE: "failure"}


@dataclass(frozen=True)
class BoiResult:
    """A BOI return code with the message Sage gave for it."""

    status: Status
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the call took effect (a warning still writes the record)."""
        return self.status != "failure"

    @classmethod
    def from_code(cls, code: int, message: str = "") -> BoiResult:
        try:
            return cls(_STATUS_OF_CODE[code], message)
        except KeyError:
            raise ValueError(f"{code!r} is not a BOI return code (1, -1 or 0)") from None


class BusinessObject(Protocol):
    """One `*_bus` object: one pending record at a time."""

    name: str  # "AR_Customer_bus"

    def set_key_value(self, column: str, value: str) -> int:
        """nSetKeyValue: one part of the record's key."""
        ...

    def set_key(self) -> int:
        """nSetKey: NEW_RECORD (2), EXISTING_RECORD (1, its values loaded) or FAILURE."""
        ...

    def set_value(self, column: str, value: object) -> int:
        """nSetValue: SUCCESS, WARNING or FAILURE (the pending value is then unchanged)."""
        ...

    def get_value(self, column: str) -> object:
        """nGetValue: the pending value ("YYYYMMDD" for dates, float for numerics)."""
        ...

    def write(self) -> int:
        """nWrite: commits the record, its lines and side effects in one transaction."""
        ...

    def delete(self) -> int:
        """nDelete: removes the current (existing) record and its lines."""
        ...

    def clear(self) -> None:
        """nClear: forgets the pending record."""
        ...

    @property
    def last_error_message(self) -> str:
        """sLastErrorMsg: why the last call failed or warned."""
        ...


class CustomerBus(BusinessObject, Protocol):
    def get_next_customer_no(self, division: str) -> str:
        """nGetNextCustomerNo: the next free customer number in that division."""
        ...


class ContactBus(BusinessObject, Protocol):
    def get_next_contact_code(self, division: str, customer_no: str) -> str:
        """erpsync's rule (seed 003): "1000", or the first free number after it for that
        customer."""
        ...


class LineCollection(Protocol):
    """oLines of a sales order or a cash receipt: one pending line at a time."""

    def add_line(self) -> int: ...

    def set_value(self, column: str, value: object) -> int: ...

    def get_value(self, column: str) -> object: ...

    def write(self) -> int:
        """Keeps the line on its document; only the document's write() commits it."""
        ...

    def clear(self) -> None: ...

    @property
    def last_error_message(self) -> str: ...


class SalesOrderBus(BusinessObject, Protocol):
    def get_next_sales_order_no(self) -> str:
        """nGetNextSalesOrderNo: a number is consumed even if the order is never written."""
        ...

    @property
    def lines(self) -> LineCollection: ...


class CashReceiptsBus(BusinessObject, Protocol):
    @property
    def lines(self) -> LineCollection: ...


class SageSession(Protocol):
    """SY_Session after logon, SetCompany, SetDate and SetModule."""

    company: str

    @overload
    def new_object(self, name: Literal["AR_Customer_bus"]) -> CustomerBus: ...
    @overload
    def new_object(self, name: Literal["AR_CustomerContact_bus"]) -> ContactBus: ...
    @overload
    def new_object(self, name: Literal["SO_SalesOrder_bus"]) -> SalesOrderBus: ...
    @overload
    def new_object(self, name: Literal["AR_CashReceipts_bus"]) -> CashReceiptsBus: ...
    @overload
    def new_object(self, name: str) -> BusinessObject: ...
    def new_object(self, name: str) -> BusinessObject:
        """A business object by its Sage name; an unknown name raises ValueError."""
        ...

    def close(self) -> None: ...
