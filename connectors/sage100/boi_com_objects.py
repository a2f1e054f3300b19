"""The business objects of the COM session: connectors.sage100.boi's Protocols as calls
on Sage's `*_bus` COM objects.

Column spelling. The Protocol takes "CustomerName" or "CustomerName$"; the BOI knows only
its own spelling (`$` on every string column, none on numerics) and fails anything else.
Each object asks Sage once, on first use, for its columns (`sGetColumns("MAIN")`: names
as Sage spells them, separated by ProvideX's SEP character) and spells a name the way
that list does, since the list comes from the installed Sage release and includes the
site's UDF_ columns. A list without a single `$` name is not in that format and is
ignored. A name the list lacks is spelled from erpsync's catalogue
(connectors.sage100.tables: `$` unless the column is numeric), and a name neither knows
is passed as given, so that Sage's own message says it does not exist.

Values. Dates travel as "YYYYMMDD" strings and numbers as doubles: a `datetime.date` or a
`Decimal` would reach ProvideX as a COM DATE or CURRENCY variant, which it does not read.
Methods with a ByRef out parameter (nGetValue, nGetNext...No) come back from pywin32's
late-bound dispatch as a (return value, out value) tuple.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from connectors.sage100.boi import EXISTING_RECORD, FAILURE
from connectors.sage100.tables import TABLES

__all__ = [
    "SEP",
    "ColumnNames",
    "ComBusinessObject",
    "ComCashReceiptsBus",
    "ComContactBus",
    "ComCustomerBus",
    "ComLines",
    "ComSalesOrderBus",
    "byref",
    "to_com",
]

# ProvideX's SEP ($8A$): U+0160 once COM has turned cp1252 into Unicode; raw 0x8A is
# accepted too in case a layer passes the byte through.
SEP = "\u0160"
_RAW_SEP = "\x8a"
# erpsync's contact codes (seed 003): "1000" or the first free number after it.
FIRST_CONTACT_CODE = 1000
# A guard, not a rule: a customer has a handful of contacts, never ten thousand.
_CONTACT_PROBES = 10_000

# Business object (or its lines) -> its table in erpsync's catalogue.
CATALOGUE_TABLES = {
    "AR_Customer_bus": "AR_Customer",
    "AR_CustomerContact_bus": "AR_CustomerContact",
    "SO_ShipToAddress_bus": "SO_ShipToAddress",
    "SO_SalesOrder_bus": "SO_SalesOrderHeader",
    "AR_CashReceipts_bus": "AR_CashReceiptsHeader",
    "SO_SalesOrder_bus.oLines": "SO_SalesOrderDetail",
    "AR_CashReceipts_bus.oLines": "AR_CashReceiptsDetail",
}


def _bare(column: str) -> str:
    return column[:-1] if column.endswith("$") else column


def to_com(value: object, *, numeric: bool) -> object:
    """A Protocol value as the COM variant the BOI reads."""
    if isinstance(value, date):  # a datetime too
        return value.strftime("%Y%m%d")
    if isinstance(value, Decimal):
        return float(value)
    if numeric and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def byref(result: object, method: str) -> tuple[int, Any]:
    """(return value, out value) of a ByRef call, or a clear error when pywin32 did not
    give the tuple (the out value would be lost)."""
    if isinstance(result, tuple) and len(result) == 2:
        return int(result[0]), result[1]
    raise RuntimeError(
        f"{method} returned {result!r}, not pywin32's (return value, out value) tuple; "
        "use late-bound win32com.client.Dispatch for ProvideX.Script"
    )


class ColumnNames:
    """How one object spells its columns: Sage's list first, then the catalogue."""

    def __init__(self, com: Any, catalogue_table: str) -> None:
        self._com = com
        self._table = TABLES.get(catalogue_table)
        self._sage: dict[str, str] | None = None

    def _from_sage(self) -> dict[str, str]:
        if self._sage is None:
            try:
                text = str(self._com.sGetColumns("MAIN") or "")
            except Exception:  # an older BOI without sGetColumns: the catalogue decides
                text = ""
            names = [n.strip() for n in text.replace(_RAW_SEP, SEP).split(SEP) if n.strip()]
            # Every table has string columns (its keys): a list without one `$` is not
            # in the format this reads, and the catalogue is the safer guide.
            if not any(n.endswith("$") for n in names):
                names = []
            self._sage = {_bare(n): n for n in names}
        return self._sage

    def spell(self, column: str) -> str:
        name = _bare(column)
        found = self._from_sage().get(name)
        if found is not None:
            return found
        if self._table is not None:
            try:
                kind = self._table.column(name).kind
            except KeyError:
                return column
            return name if kind == "dec" else f"{name}$"
        return column

    def knows(self, column: str) -> bool:
        name = _bare(column)
        if name in self._from_sage():
            return True
        return self._table is not None and name in self._table.column_names


class _ComRecord:
    """set_value / get_value / write / clear, shared by documents and their lines."""

    name: str

    def __init__(self, com: Any, catalogue_table: str) -> None:
        self._com = com
        self._columns = ColumnNames(com, catalogue_table)

    def _target(self) -> Any:
        return self._com

    def set_value(self, column: str, value: object) -> int:
        spelled = self._columns.spell(column)
        sent = to_com(value, numeric=not spelled.endswith("$"))
        return int(self._target().nSetValue(spelled, sent))

    def get_value(self, column: str) -> object:
        """None when there is no current record; KeyError for a column Sage lacks."""
        spelled = self._columns.spell(column)
        numeric = not spelled.endswith("$")
        code, value = byref(self._target().nGetValue(spelled, 0.0 if numeric else ""), "nGetValue")
        if code == FAILURE:
            if not self._columns.knows(column):
                raise KeyError(f"{self.name} has no column {column!r}: {self.last_error_message}")
            return None
        if numeric and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def write(self) -> int:
        return int(self._target().nWrite())

    def clear(self) -> None:
        self._target().nClear()

    @property
    def last_error_message(self) -> str:
        return str(self._target().sLastErrorMsg or "")


class ComBusinessObject(_ComRecord):
    """One `*_bus` COM object created by ComSession.new_object; see BusinessObject."""

    def __init__(self, name: str, com: Any) -> None:
        super().__init__(com, CATALOGUE_TABLES.get(name, ""))
        self.name = name
        self._dropped = False

    def _target(self) -> Any:
        if self._dropped:
            raise RuntimeError(f"{self.name} was dropped: its Sage 100 COM session is closed")
        return self._com

    def set_key_value(self, column: str, value: str) -> int:
        spelled = self._columns.spell(column)
        return int(self._target().nSetKeyValue(spelled, to_com(value, numeric=False)))

    def set_key(self) -> int:
        return int(self._target().nSetKey())

    def delete(self) -> int:
        return int(self._target().nDelete())

    @property
    def dropped(self) -> bool:
        return self._dropped

    def drop(self) -> None:
        """DropObject once: marked first, so a failing drop is not retried on close."""
        if not self._dropped:
            self._dropped = True
            self._com.DropObject()

    def _set_keys(self, **values: str) -> None:
        for column, value in values.items():
            if self.set_key_value(f"{column}$", value) == FAILURE:
                raise ValueError(f"{column}$: {value!r}: {self.last_error_message}")


class ComCustomerBus(ComBusinessObject):
    def get_next_customer_no(self, division: str) -> str:
        """nGetNextCustomerNo numbers within the division set as the key first."""
        self._set_keys(ARDivisionNo=division)
        code, number = byref(self._target().nGetNextCustomerNo(""), "nGetNextCustomerNo")
        if code == FAILURE:
            raise ValueError(self.last_error_message or f"no next customer number in {division}")
        return str(number)


class ComContactBus(ComBusinessObject):
    def get_next_contact_code(self, division: str, customer_no: str) -> str:
        """The BOI has no counter for contacts: erpsync's rule, probed with nFind (read
        only, no lock) from "1000" up until a code is free."""
        self._set_keys(ARDivisionNo=division, CustomerNo=customer_no)
        for code in range(FIRST_CONTACT_CODE, FIRST_CONTACT_CODE + _CONTACT_PROBES):
            self._set_keys(ContactCode=str(code))
            if int(self._target().nFind()) != EXISTING_RECORD:
                return str(code)
        raise ValueError(f"customer {division}-{customer_no}: no free contact code found")


class ComLines(_ComRecord):
    """oLines of a document: valid as long as the document is not dropped."""

    def __init__(self, owner: ComBusinessObject, com: Any) -> None:
        super().__init__(com, CATALOGUE_TABLES.get(f"{owner.name}.oLines", ""))
        self.name = f"{owner.name}.oLines"
        self._owner = owner

    def _target(self) -> Any:
        if self._owner.dropped:
            raise RuntimeError(f"{self.name}: the document was dropped; the session is closed")
        return self._com

    def add_line(self) -> int:
        return int(self._target().nAddLine())


class _WithLines(ComBusinessObject):
    _lines: ComLines | None = None

    @property
    def lines(self) -> ComLines:
        if self._lines is None:
            self._lines = ComLines(self, self._target().oLines)
        return self._lines


class ComSalesOrderBus(_WithLines):
    def get_next_sales_order_no(self) -> str:
        """nGetNextSalesOrderNo: the number is consumed even if no order is written."""
        code, number = byref(self._target().nGetNextSalesOrderNo(""), "nGetNextSalesOrderNo")
        if code == FAILURE:
            raise RuntimeError(f"nGetNextSalesOrderNo failed: {self.last_error_message}")
        return str(number)


class ComCashReceiptsBus(_WithLines):
    pass
