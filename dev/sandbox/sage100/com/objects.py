"""The fake's business objects: the COM face of the sandbox's `*_bus` objects and lines.

Each object checks what the COM protocol demands (column spelling with `$` exactly as
Sage spells it, the variant type of a value, a key before values, pywin32's ByRef tuples,
no call after DropObject) and hands everything else to the sandbox object, whose rules
and messages are the data rules of the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.sage100.boi import FAILURE, LineCollection
from sandbox.sage100.boi import (
    BusRecord,
    CashReceiptsBusImpl,
    CustomerBusImpl,
    SalesOrderBusImpl,
)
from sandbox.sage100.boi.rules import bare, label
from sandbox.sage100.com.base import Record
from sandbox.sage100.layout import TABLES

if TYPE_CHECKING:
    from sandbox.sage100.com.server import FakeProvideXScript, FakeSySession

__all__ = [
    "BusObject",
    "CashReceiptsBusObject",
    "CustomerBusObject",
    "Lines",
    "SalesOrderBusObject",
]


class BusObject(Record):
    """A `*_bus` object created by ProvideX.Script.NewObject(name, oSS)."""

    def __init__(self, server: FakeProvideXScript, session: FakeSySession, impl: BusRecord):
        super().__init__(server, TABLES[impl.table_name])
        self.com_name = impl.name
        self._session = session
        self._impl = impl
        self._keys: dict[str, str] = {}
        self._has_record = False

    def nSetKeyValue(self, column: str, value: object) -> int:
        self._enter("nSetKeyValue")
        if not (
            self._spelled("nSetKeyValue", column) and self._typed("nSetKeyValue", column, value)
        ):
            return FAILURE
        code = self._impl.set_key_value(column, str(value))
        self._error = self._impl.last_error_message
        if code != FAILURE:
            self._keys[bare(column)] = str(value)
        return code

    def nSetKey(self, *key: object) -> int:
        self._enter("nSetKey")
        if key:
            parts = self._spec.primary_key
            if len(key) != 1 or len(parts) != 1:
                return self._refuse("nSetKey(key): only for a one-part key; use nSetKeyValue")
            column = label(self._spec.column(parts[0]))
            if self.nSetKeyValue(column, key[0]) == FAILURE:
                return FAILURE
        code = self._impl.set_key()
        self._error = self._impl.last_error_message
        self._has_record = code != FAILURE
        return code

    def nSetValue(self, column: str, value: object) -> int:
        self._enter("nSetValue")
        if not self._spelled("nSetValue", column):
            return FAILURE
        if not self._has_record:
            return self._refuse(
                f"nSetValue {column}: no current record; nSetKey must succeed before nSetValue"
            )
        if not self._typed("nSetValue", column, value):
            return FAILURE
        code = self._impl.set_value(column, value)
        self._error = self._impl.last_error_message
        return code

    def nGetValue(self, column: str, value: object = "") -> tuple[int, object]:
        """ByRef out parameter: pywin32 returns (return value, out value)."""
        self._enter("nGetValue")
        if not self._spelled("nGetValue", column):
            return FAILURE, value
        if not self._has_record:
            return self._fail(f"nGetValue {column}: no current record; call nSetKey"), value
        try:
            found = self._impl.get_value(column)
        except KeyError:
            return self._fail(f"nGetValue: no column {column!r} in {self._spec.name}"), value
        return (FAILURE, value) if found is None else (1, found)

    def nWrite(self) -> int:
        self._enter("nWrite")
        code = self._impl.write()
        self._error = self._impl.last_error_message
        if code != FAILURE:
            self._has_record, self._keys = False, {}
        return code

    def nDelete(self) -> int:
        self._enter("nDelete")
        code = self._impl.delete()
        self._error = self._impl.last_error_message
        if code != FAILURE:
            self._has_record, self._keys = False, {}
        return code

    def nClear(self) -> int:
        self._enter("nClear")
        self._impl.clear()
        self._has_record, self._keys = False, {}
        self._error = ""
        return 1

    def nFind(self) -> int:
        """1 when a record with the key values set by nSetKeyValue exists; reads only."""
        self._enter("nFind")
        missing = [
            label(self._spec.column(k)) for k in self._spec.primary_key if k not in self._keys
        ]
        if missing:
            return self._fail(f"nFind: set {', '.join(missing)} with nSetKeyValue first")
        row = self._session.sandbox.fetch(self._spec.name, dict(self._keys))
        self._error = ""
        return 1 if row is not None else FAILURE

    def DropObject(self) -> None:
        self._enter("DropObject")
        self._dropped = True
        self._session.forget(self)


class CustomerBusObject(BusObject):
    _impl: CustomerBusImpl

    def nGetNextCustomerNo(self, number: object = "") -> tuple[int, object]:
        """ByRef: the next number of the division set with nSetKeyValue("ARDivisionNo$")."""
        self._enter("nGetNextCustomerNo")
        division = self._keys.get("ARDivisionNo")
        if division is None:
            return self._refuse("nGetNextCustomerNo: nSetKeyValue ARDivisionNo$ first"), number
        try:
            found = self._impl.get_next_customer_no(division)
        except ValueError as exc:
            return self._fail(str(exc)), number
        self._error = ""
        return 1, found


class _WithLines(BusObject):
    def __init__(self, server: FakeProvideXScript, session: FakeSySession, impl: BusRecord):
        super().__init__(server, session, impl)
        if not isinstance(impl, SalesOrderBusImpl | CashReceiptsBusImpl):
            raise TypeError(f"{impl.name} has no oLines")
        self._lines = Lines(server, self, impl.lines, _LINE_TABLES[impl.name])

    @property
    def oLines(self) -> Lines:
        self._enter("oLines")
        return self._lines


class SalesOrderBusObject(_WithLines):
    _impl: SalesOrderBusImpl

    def nGetNextSalesOrderNo(self, number: object = "") -> tuple[int, object]:
        """ByRef; the number is consumed whether or not an order is written with it."""
        self._enter("nGetNextSalesOrderNo")
        self._error = ""
        return 1, self._impl.get_next_sales_order_no()


class CashReceiptsBusObject(_WithLines):
    _impl: CashReceiptsBusImpl


_LINE_TABLES = {
    "SO_SalesOrder_bus": "SO_SalesOrderDetail",
    "AR_CashReceipts_bus": "AR_CashReceiptsDetail",
}


class Lines(Record):
    """oLines: owned by its document, dropped with it."""

    def __init__(
        self, server: FakeProvideXScript, owner: BusObject, impl: LineCollection, table: str
    ) -> None:
        super().__init__(server, TABLES[table])
        self.com_name = f"{table}_bus"
        self._owner = owner
        self._impl = impl

    def _alive(self, method: str) -> None:
        if self._owner.dropped:
            self._dropped = True
        super()._alive(method)

    def nAddLine(self) -> int:
        self._enter("nAddLine")
        code = self._impl.add_line()
        self._error = self._impl.last_error_message
        return code

    def nSetValue(self, column: str, value: object) -> int:
        self._enter("nSetValue")
        if not (self._spelled("nSetValue", column) and self._typed("nSetValue", column, value)):
            return FAILURE
        code = self._impl.set_value(column, value)
        self._error = self._impl.last_error_message
        return code

    def nGetValue(self, column: str, value: object = "") -> tuple[int, object]:
        self._enter("nGetValue")
        if not self._spelled("nGetValue", column):
            return FAILURE, value
        try:
            found = self._impl.get_value(column)
        except KeyError:
            return self._fail(f"nGetValue: no column {column!r} in {self._spec.name}"), value
        return (FAILURE, value) if found is None else (1, found)

    def nWrite(self) -> int:
        self._enter("nWrite")
        code = self._impl.write()
        self._error = self._impl.last_error_message
        return code

    def nClear(self) -> int:
        self._enter("nClear")
        self._impl.clear()
        self._error = ""
        return 1
