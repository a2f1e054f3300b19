"""The production Sage 100 write path: the Business Object Interface over COM.

`open_com_session(settings)` creates `ProvideX.Script` on the Sage server (or on a
workstation with the Sage 100 workstation components), logs on one SY_Session, and
returns a `SageSession` (connectors.sage100.boi) whose business objects are Sage's own
`*_bus` COM objects (connectors.sage100.boi_com_objects). The call order is the one the
BOI documents (../shared/reference/sage100.md §5):

    oScript.Init(<MAS90 home>); oSS = oScript.NewObject("SY_Session")
    oSS.nSetUser(user, password); oSS.nSetCompany(company); oSS.nSetDate(module, date)
    per object: oSS.nSetModule(module); oSS.nSetProgram(oSS.nLookupTask(task))
                oScript.NewObject(name, oSS)

Every live session holds a Sage user seat, so `close()` drops every object, then runs
nCleanup and drops the session, whatever failed before; it is idempotent, and the
session is a context manager. win32com is imported only when a session is opened: the
module imports on any platform, and tests pass their own `dispatch` factory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from types import TracebackType
from typing import Any, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.sage100.boi import (
    AR_CASH_RECEIPTS_BUS,
    AR_CUSTOMER_BUS,
    AR_CUSTOMER_CONTACT_BUS,
    FAILURE,
    SO_SALES_ORDER_BUS,
    SO_SHIP_TO_ADDRESS_BUS,
)
from connectors.sage100.boi_com_objects import (
    ComBusinessObject,
    ComCashReceiptsBus,
    ComContactBus,
    ComCustomerBus,
    ComSalesOrderBus,
)
from erpsync.errors import ConfigError, ConnectionFailed, ErpsyncError
from erpsync.secrets import SecretRef, require_reference

__all__ = ["BUS_OBJECT_TASKS", "NOT_REGISTERED", "BoiComSettings", "ComSession", "open_com_session"]

log = logging.getLogger("erpsync.sage100")

PROGID = "ProvideX.Script"
NOT_REGISTERED = (
    "ProvideX.Script COM object not registered: install the Sage 100 workstation components "
    "on this machine"
)
# HRESULTs of Dispatch for a ProgID nobody registered: CO_E_CLASSSTRING ("Invalid class
# string") and REGDB_E_CLASSNOTREG.
_NOT_REGISTERED_HRESULTS = frozenset({-2147221005, -2147221164})

# Business object -> the module and the task (UI program) Sage checks before creating it.
BUS_OBJECT_TASKS: dict[str, tuple[str, str]] = {
    AR_CUSTOMER_BUS: ("A/R", "AR_Customer_ui"),
    AR_CUSTOMER_CONTACT_BUS: ("A/R", "AR_Customer_ui"),
    SO_SHIP_TO_ADDRESS_BUS: ("S/O", "SO_ShipToAddress_ui"),
    SO_SALES_ORDER_BUS: ("S/O", "SO_SalesOrder_ui"),
    AR_CASH_RECEIPTS_BUS: ("A/R", "AR_CashReceipts_ui"),
}
_MODULES = tuple(dict.fromkeys(module for module, _ in BUS_OBJECT_TASKS.values()))
_CLASSES: dict[str, type[ComBusinessObject]] = {
    AR_CUSTOMER_BUS: ComCustomerBus,
    AR_CUSTOMER_CONTACT_BUS: ComContactBus,
    SO_SALES_ORDER_BUS: ComSalesOrderBus,
    AR_CASH_RECEIPTS_BUS: ComCashReceiptsBus,
}


class BoiComSettings(BaseModel):
    """Where and as whom the COM session logs on. The password is a reference only."""

    model_config = ConfigDict(extra="forbid")

    # The MAS90 home folder as the Sage server sees it: r"\\SAGE01\Sage\MAS90\Home".
    home: str = Field(min_length=1)
    user: str = Field(min_length=1)
    password: SecretRef
    company: str = Field("ABC", pattern=r"^[A-Za-z0-9]{3}$")
    # The module date of A/R and S/O, "YYYYMMDD"; None = the day the session opens.
    session_date: str | None = None

    _password_by_reference = field_validator("password")(require_reference)

    @field_validator("session_date")
    @classmethod
    def _yyyymmdd(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ok = len(value) == 8 and bool(datetime.strptime(value, "%Y%m%d"))
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"session_date must be YYYYMMDD, not {value!r}")
        return value


def open_com_session(
    settings: BoiComSettings, *, dispatch: Callable[[], Any] | None = None
) -> ComSession:
    """A logged-on SY_Session. `dispatch` returns the ProvideX.Script object (default:
    win32com.client.Dispatch("ProvideX.Script")). Anything that fails on the way releases
    what was created and raises ConnectionFailed with Sage's message."""
    password = settings.password.resolve().get_secret_value()
    session = ComSession(_create_script(dispatch or _providex_script), company=settings.company)
    try:
        session._start(settings, password)
    except BaseException as exc:
        session.close()
        if isinstance(exc, ErpsyncError) or not isinstance(exc, Exception):
            raise
        raise ConnectionFailed(
            f"Sage 100: the session could not be opened: {_scrub(_describe(exc), password)}"
        ) from None
    return session


class ComSession:
    """SY_Session over COM; see connectors.sage100.boi.SageSession."""

    def __init__(self, script: Any, *, company: str) -> None:
        self.company = company
        self._script = script
        self._oSS: Any = None
        self._objects: list[ComBusinessObject] = []
        self._closed = False

    def _start(self, settings: BoiComSettings, password: str) -> None:
        try:
            self._script.Init(settings.home)
            self._oSS = self._script.NewObject("SY_Session")
        except Exception as exc:
            raise ConnectionFailed(
                f"Sage 100: ProvideX.Script cannot start a session from MAS90 home "
                f"{settings.home!r}: {_describe(exc)}"
            ) from None
        if int(self._oSS.nSetUser(settings.user, password)) == FAILURE:
            raise ConnectionFailed(
                f"Sage 100 refused the logon of user {settings.user!r}: "
                f"{_scrub(self._last_error(), password)}"
            )
        self._require(self._oSS.nSetCompany(self.company), f"company {self.company}")
        when = settings.session_date or date.today().strftime("%Y%m%d")
        for module in _MODULES:
            self._require(self._oSS.nSetDate(module, when), f"the {module} date {when}")

    # --- SY_Session -----------------------------------------------------------------------
    @overload
    def new_object(self, name: Literal["AR_Customer_bus"]) -> ComCustomerBus: ...
    @overload
    def new_object(self, name: Literal["AR_CustomerContact_bus"]) -> ComContactBus: ...
    @overload
    def new_object(self, name: Literal["SO_SalesOrder_bus"]) -> ComSalesOrderBus: ...
    @overload
    def new_object(self, name: Literal["AR_CashReceipts_bus"]) -> ComCashReceiptsBus: ...
    @overload
    def new_object(self, name: str) -> ComBusinessObject: ...
    def new_object(self, name: str) -> ComBusinessObject:
        """nSetModule and nSetProgram for the object's task, then NewObject(name, oSS)."""
        if self._closed or self._oSS is None:
            raise RuntimeError("the Sage 100 COM session is closed")
        try:
            module, task = BUS_OBJECT_TASKS[name]
        except KeyError:
            known = ", ".join(BUS_OBJECT_TASKS)
            raise ValueError(f"unknown business object {name!r}; known: {known}") from None
        oSS = self._oSS
        self._require(oSS.nSetModule(module), f"module {module} for {name}")
        task_id = int(oSS.nLookupTask(task))
        if task_id == 0:
            raise ConnectionFailed(
                f"Sage 100 has no task {task} for {name} (nLookupTask returned 0): "
                f"{self._last_error()}"
            )
        self._require(oSS.nSetProgram(task_id), f"task {task} for {name} (nSetProgram)")
        try:
            com = self._script.NewObject(name, oSS)
        except Exception as exc:
            reason = self._last_error() or _describe(exc)
            raise ConnectionFailed(f"Sage 100 cannot create {name}: {reason}") from None
        if com is None:
            raise ConnectionFailed(f"Sage 100 cannot create {name}: {self._last_error()}")
        obj = _CLASSES.get(name, ComBusinessObject)(name, com)
        self._objects.append(obj)
        return obj

    def close(self) -> None:
        """Drop every object, nCleanup, drop the session: each step even if one before
        failed, so the user seat is released. A second call does nothing."""
        if self._closed:
            return
        self._closed = True
        problems: list[str] = []
        for obj in reversed(self._objects):
            try:
                obj.drop()
            except Exception as exc:
                problems.append(f"DropObject {obj.name}: {_describe(exc)}")
        self._objects.clear()
        oSS, self._oSS = self._oSS, None
        if oSS is not None:
            for step in ("nCleanup", "DropObject"):
                try:
                    getattr(oSS, step)()
                except Exception as exc:
                    problems.append(f"SY_Session.{step}: {_describe(exc)}")
        self._script = None
        if problems:
            log.warning("Sage 100 COM session closed with errors: %s", "; ".join(problems))

    def __enter__(self) -> ComSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- helpers --------------------------------------------------------------------------
    def _last_error(self) -> str:
        try:
            return str(self._oSS.sLastErrorMsg or "")
        except Exception as exc:
            return f"(sLastErrorMsg unreadable: {_describe(exc)})"

    def _require(self, code: Any, what: str) -> None:
        if int(code) == FAILURE:
            raise ConnectionFailed(f"Sage 100 refused {what}: {self._last_error()}")


def _providex_script() -> Any:
    """win32com.client.Dispatch("ProvideX.Script"), imported here: Windows only."""
    try:
        import win32com.client
    except ImportError:
        raise ConfigError(
            "erp: the Sage 100 Business Object Interface over COM needs pywin32 on Windows "
            "(pip install 'erpsync[windows]' on the Sage server)"
        ) from None
    return win32com.client.Dispatch(PROGID)


def _create_script(dispatch: Callable[[], Any]) -> Any:
    try:
        return dispatch()
    except ErpsyncError:
        raise
    except Exception as exc:
        hresult = getattr(exc, "hresult", None)
        if hresult is None and exc.args and isinstance(exc.args[0], int):
            hresult = exc.args[0]
        if hresult in _NOT_REGISTERED_HRESULTS:
            raise ConnectionFailed(NOT_REGISTERED) from None
        raise ConnectionFailed(f"cannot create {PROGID}: {_describe(exc)}") from None


def _describe(exc: BaseException) -> str:
    """One line for a COM error: pywintypes.com_error carries (hresult, text, excepinfo,
    argerror), and excepinfo[2] is the server's own description."""
    args = exc.args
    if len(args) == 4 and isinstance(args[0], int):
        text = str(args[1])
        info = args[2]
        if isinstance(info, tuple) and len(info) > 2 and info[2]:
            text = f"{text} {info[2]}"
        return f"{text} (HRESULT {args[0] & 0xFFFFFFFF:#010x})"
    return f"{type(exc).__name__}: {exc}"


def _scrub(text: str, secret: str) -> str:
    """Sage's text with the password masked, should a message ever echo it."""
    return text.replace(secret, "***") if secret else text
