"""What the fake ProvideX.Script server knows about the BOI's COM surface: the tasks that
authorise each business object, the modules, the separator of column lists, and the COM
error pywin32 raises.

Kept apart from the production adapter's own tables on purpose: the fake plays the Sage
server, so a wrong module or task in the adapter shows up as a refusal here instead of
agreeing with itself.
"""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "CO_E_CLASSSTRING",
    "DISP_E_EXCEPTION",
    "MODULES",
    "SEP",
    "TASKS",
    "FakeComError",
    "valid_date",
]

# ProvideX's SEP character ($8A$), as it arrives over COM: cp1252 0x8A is U+0160 'Š'
# ("character number 352", sage100.md §5).
SEP = "\u0160"

# HRESULTs pywin32 reports: an unknown ProgID ("Invalid class string"), and an exception
# raised by the COM server inside a call.
CO_E_CLASSSTRING = -2147221005
DISP_E_EXCEPTION = -2147352567

MODULES = frozenset({"A/R", "S/O", "I/M", "G/L"})

# Task (the *_ui program SY_Session.nLookupTask finds) -> its module and the business
# objects a session whose program is that task may create.
TASKS: dict[str, tuple[str, frozenset[str]]] = {
    "AR_Customer_ui": ("A/R", frozenset({"AR_Customer_bus", "AR_CustomerContact_bus"})),
    "AR_CustomerContact_ui": ("A/R", frozenset({"AR_CustomerContact_bus"})),
    "AR_CashReceipts_ui": ("A/R", frozenset({"AR_CashReceipts_bus"})),
    "SO_ShipToAddress_ui": ("S/O", frozenset({"SO_ShipToAddress_bus"})),
    "SO_SalesOrder_ui": ("S/O", frozenset({"SO_SalesOrder_bus"})),
}


class FakeComError(Exception):
    """Shaped like pywintypes.com_error: args are (hresult, strerror, excepinfo, argerror)."""

    def __init__(self, hresult: int, strerror: str, description: str = "") -> None:
        excepinfo = (0, "ProvideX.Script", description, None, 0, hresult) if description else None
        super().__init__(hresult, strerror, excepinfo, None)
        self.hresult = hresult
        self.strerror = strerror
        self.excepinfo = excepinfo

    def __str__(self) -> str:
        detail = f": {self.excepinfo[2]}" if self.excepinfo else ""
        return f"({self.hresult}, {self.strerror!r}){detail}"


def valid_date(text: object) -> bool:
    """A "YYYYMMDD" string naming a real day."""
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return False
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return True
