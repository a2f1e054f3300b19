"""What every fake COM object shares: the server's call log and injected faults, no call
after DropObject, sLastErrorMsg, and the strict column spelling and variant types of
objects that hold a record (business objects and their lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.sage100.boi import FAILURE
from connectors.sage100.tables import Table
from sandbox.sage100.boi.rules import bare, label
from sandbox.sage100.com.protocol import DISP_E_EXCEPTION, SEP, FakeComError

if TYPE_CHECKING:
    from sandbox.sage100.com.server import FakeProvideXScript

__all__ = ["ComObject", "Record"]


class ComObject:
    """What every fake COM object shares: the server's call log and injected faults, the
    refusal of any call after DropObject, and sLastErrorMsg."""

    com_name: str = ""

    def __init__(self, server: FakeProvideXScript) -> None:
        self._server = server
        self._dropped = False
        self._error = ""

    @property
    def dropped(self) -> bool:
        return self._dropped

    @property
    def sLastErrorMsg(self) -> str:
        self._alive("sLastErrorMsg")
        return self._error

    def _alive(self, method: str) -> None:
        if self._dropped:
            message = f"{self.com_name}.{method}: the object was dropped (DropObject)"
            self._server.protocol_errors.append(message)
            raise FakeComError(DISP_E_EXCEPTION, "Exception occurred.", message)

    def _enter(self, method: str) -> None:
        """Every COM call starts here: dropped objects raise, the call is logged, and a
        fault injected with `fail_next` raises as a failing COM server would."""
        self._alive(method)
        self._server.record(f"{self.com_name}.{method}")

    def _refuse(self, message: str) -> int:
        """A call out of the documented order or spelling: 0, and the server keeps it."""
        self._error = message
        self._server.protocol_errors.append(f"{self.com_name}: {message}")
        return FAILURE

    def _fail(self, message: str) -> int:
        """A refusal on the data (Sage's business rules), not on the protocol."""
        self._error = message
        return FAILURE


class Record(ComObject):
    """Column spelling and value types, shared by business objects and their lines."""

    def __init__(self, server: FakeProvideXScript, spec: Table) -> None:
        super().__init__(server)
        self._spec = spec
        self._labels = {c.name: label(c) for c in spec.columns}

    def sGetColumns(self, kind: str = "MAIN") -> str:
        """The MAIN record's columns as Sage spells them, SEP-separated."""
        self._enter("sGetColumns")
        if kind != "MAIN":
            self._fail(f"sGetColumns: unknown column set {kind!r}")
            return ""
        return SEP.join(self._labels.values())

    def _spelled(self, method: str, column: object) -> bool:
        """True when `column` is spelled exactly as Sage spells it (unknown names pass:
        the sandbox refuses them with its own message)."""
        if not isinstance(column, str):
            self._refuse(f"{method}: the column name must be a string, not {column!r}")
            return False
        spelled = self._labels.get(bare(column))
        if spelled is None or spelled == column:
            return True
        rule = "string columns carry '$'" if spelled.endswith("$") else "numerics carry no '$'"
        self._refuse(f"{method}: no column {column!r} in {self._spec.name} ({rule}: {spelled})")
        return False

    def _typed(self, method: str, column: str, value: object) -> bool:
        """True when `value` is a COM variant the column takes: a string (BSTR) for `$`
        columns, a number for numerics; a date object or a Decimal would reach ProvideX
        as VT_DATE / VT_CY, which it does not read as "YYYYMMDD" or a double."""
        spelled = self._labels.get(bare(column))
        if spelled is None:
            return True
        if spelled.endswith("$"):
            ok = isinstance(value, str)
            wanted = "a string"
        else:
            ok = not isinstance(value, bool) and isinstance(value, int | float | str)
            wanted = "a number"
        if not ok:
            kind = type(value).__name__
            self._refuse(f"{method}: {spelled} takes {wanted} over COM, not {kind} {value!r}")
        return ok
