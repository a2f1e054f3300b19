"""`FakeProvideXScript`: a strict fake of Sage 100's COM server over a sandbox company.

An instance plays one Sage installation: calling it is `Dispatch("ProvideX.Script")` and
returns a new script object, so it is the `dispatch` factory of
`connectors.sage100.boi_com.open_com_session`. The installation holds what outlives one
script object and what tests assert on: user seats, the live SY_Session and business
objects (every one must be dropped), the call log, the protocol errors seen, and faults
to inject. The session bootstrap is enforced in the documented order (sage100.md §5):
Init, NewObject("SY_Session"), nSetUser, nSetCompany, nSetDate, then per object
nSetModule, nSetProgram(nLookupTask(task)) and NewObject(name, oSS); release is DropObject
of every object, nCleanup, DropObject of the session. Data work is the sandbox BOI's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from connectors.sage100.boi import SUCCESS
from sandbox.sage100.boi import SandboxSession, open_session
from sandbox.sage100.com.base import ComObject
from sandbox.sage100.com.objects import (
    BusObject,
    CashReceiptsBusObject,
    CustomerBusObject,
    SalesOrderBusObject,
)
from sandbox.sage100.com.protocol import (
    CO_E_CLASSSTRING,
    DISP_E_EXCEPTION,
    MODULES,
    TASKS,
    FakeComError,
    valid_date,
)

__all__ = ["FakeProvideXScript", "FakeScript", "FakeSySession"]

_TASK_IDS = {task: 4100 + n for n, task in enumerate(TASKS)}
_OBJECT_CLASSES: dict[str, type[BusObject]] = {
    "AR_Customer_bus": CustomerBusObject,
    "SO_SalesOrder_bus": SalesOrderBusObject,
    "AR_CashReceipts_bus": CashReceiptsBusObject,
}


class FakeProvideXScript:
    """One fake Sage installation with one company (`company`) on the sandbox database
    at `company_url`. `users` maps user codes to passwords; `seats` limits how many
    sessions may be logged on at once (None: no limit)."""

    def __init__(
        self,
        company_url: str,
        *,
        company: str = "ABC",
        users: Mapping[str, str] | None = None,
        seats: int | None = None,
        home: str | None = None,
        now: Callable[[], datetime] = datetime.now,
        user_key: str = "0000000099",
        registered: bool = True,
    ) -> None:
        self.company_url = company_url
        self.company = company
        self.users = {k.casefold(): v for k, v in (users or {"erpsync": "erpsync"}).items()}
        self.seats = seats
        self.home = home
        self.now = now
        self.user_key = user_key
        self.registered = registered
        self.sessions: list[FakeSySession] = []
        self.calls: list[str] = []
        self.protocol_errors: list[str] = []
        self._faults: dict[str, str] = {}

    def __call__(self) -> FakeScript:
        """Dispatch("ProvideX.Script"): pywin32 raises com_error when it is not registered."""
        if not self.registered:
            raise FakeComError(CO_E_CLASSSTRING, "Invalid class string")
        return FakeScript(self)

    # --- what tests read ------------------------------------------------------------------
    @property
    def live_sessions(self) -> int:
        return sum(not s.dropped for s in self.sessions)

    @property
    def live_objects(self) -> int:
        return sum(len(s.objects) for s in self.sessions)

    @property
    def seats_in_use(self) -> int:
        return sum(s.logged_on for s in self.sessions)

    def fail_next(self, method: str, description: str = "the Sage server stopped") -> None:
        """The next call of `method` ("nWrite", "SO_SalesOrder_bus.nWrite") raises a COM
        error, the way a call fails when the server process dies."""
        self._faults[method] = description

    def record(self, call: str) -> None:
        self.calls.append(call)
        for key in (call, call.rsplit(".", 1)[-1]):
            if key in self._faults:
                raise FakeComError(DISP_E_EXCEPTION, "Exception occurred.", self._faults.pop(key))


class FakeScript(ComObject):
    """The ProvideX.Script object: Init, NewObject, DropObject."""

    com_name = "ProvideX.Script"

    def __init__(self, server: FakeProvideXScript) -> None:
        super().__init__(server)
        self._home: str | None = None

    def Init(self, home: str) -> None:
        self._enter("Init")
        wanted = self._server.home
        if not isinstance(home, str) or not home or (wanted is not None and home != wanted):
            raise FakeComError(
                DISP_E_EXCEPTION, "Exception occurred.", f"Init: {home!r} is not a MAS90 home"
            )
        self._home = home

    def NewObject(self, name: str, *args: object) -> ComObject:
        self._enter("NewObject")
        if self._home is None:
            raise self._protocol(f"NewObject({name!r}) before Init(<MAS90 home>)")
        if name == "SY_Session":
            if args:
                raise self._protocol("NewObject('SY_Session') takes no session")
            session = FakeSySession(self._server)
            self._server.sessions.append(session)
            return session
        session_arg = args[0] if len(args) == 1 else None
        if not isinstance(session_arg, FakeSySession) or session_arg.dropped:
            raise self._protocol(f"NewObject({name!r}, oSS) needs a live SY_Session")
        return session_arg.create(name)

    def DropObject(self, obj: object) -> None:
        self._enter("DropObject")
        drop = getattr(obj, "DropObject", None)
        if not isinstance(obj, ComObject) or drop is None:
            raise self._protocol(f"DropObject({obj!r}): not an object of this server")
        drop()

    def _protocol(self, message: str) -> FakeComError:
        self._refuse(message)
        return FakeComError(DISP_E_EXCEPTION, "Exception occurred.", message)


class FakeSySession(ComObject):
    """SY_Session: logon, company, module dates, module and program, then objects."""

    com_name = "SY_Session"

    def __init__(self, server: FakeProvideXScript) -> None:
        super().__init__(server)
        self.logged_on = False
        self.objects: list[BusObject] = []
        self._cleaned = False
        self._company: str | None = None
        self._sandbox: SandboxSession | None = None
        self._dates: dict[str, str] = {}
        self._module: str | None = None
        self._program: str | None = None

    @property
    def sandbox(self) -> SandboxSession:
        if self._sandbox is None:
            raise RuntimeError("SY_Session has no company")
        return self._sandbox

    @property
    def sCompanyCode(self) -> str:
        self._alive("sCompanyCode")
        return self._company or ""

    def nLogon(self) -> int:
        """Windows-integrated logon: the fake has none, so callers must use nSetUser."""
        self._enter("nLogon")
        return self._fail("nLogon: no integrated security; use nSetUser")

    def nSetUser(self, user: str, password: str) -> int:
        self._enter("nSetUser")
        if self._cleaned or self.logged_on:
            return self._refuse("nSetUser: the session is already logged on or cleaned up")
        if self._server.users.get(str(user).casefold()) != password:
            return self._fail("Invalid User Logon or Password.")
        seats = self._server.seats
        if seats is not None and self._server.seats_in_use >= seats:
            return self._fail(
                f"There are no more users available: {seats} of {seats} Sage 100 user "
                "licenses are in use."
            )
        self.logged_on = True
        self._error = ""
        return SUCCESS

    def nSetCompany(self, company: str) -> int:
        self._enter("nSetCompany")
        if not self.logged_on:
            return self._refuse("nSetCompany before nSetUser: no user is logged on")
        if str(company).upper() != self._server.company.upper():
            return self._fail(f"Company code {company} does not exist.")
        if self._sandbox is None:
            self._sandbox = open_session(
                self._server.company_url,
                company=self._server.company,
                user_key=self._server.user_key,
                now=self._server.now,
            )
        self._company = self._server.company
        self._error = ""
        return SUCCESS

    def nSetDate(self, module: str, date: str) -> int:
        self._enter("nSetDate")
        if self._company is None:
            return self._refuse("nSetDate before nSetCompany")
        if module not in MODULES:
            return self._fail(f"nSetDate: {module!r} is not a module")
        if not valid_date(date):
            return self._fail(f"nSetDate: {date!r} is not a date (YYYYMMDD)")
        self._dates[module] = date
        self._error = ""
        return SUCCESS

    def nSetModule(self, module: str) -> int:
        self._enter("nSetModule")
        if self._company is None:
            return self._refuse("nSetModule before nSetCompany")
        if module not in self._dates:
            return self._refuse(f"nSetModule({module!r}) before nSetDate({module!r}, <date>)")
        self._module, self._program = module, None
        self._error = ""
        return SUCCESS

    def nLookupTask(self, task: str) -> int:
        self._enter("nLookupTask")
        if self._company is None:
            return self._refuse("nLookupTask before nSetCompany")
        if task not in _TASK_IDS:
            return self._fail(f"nLookupTask: task {task!r} not found")
        self._error = ""
        return _TASK_IDS[task]

    def nSetProgram(self, task_id: int) -> int:
        self._enter("nSetProgram")
        if self._module is None:
            return self._refuse("nSetProgram before nSetModule")
        task = next((t for t, n in _TASK_IDS.items() if n == task_id), None)
        if task is None:
            return self._refuse(f"nSetProgram({task_id!r}): not a task id from nLookupTask")
        module = TASKS[task][0]
        if module != self._module:
            return self._refuse(
                f"nSetProgram: {task} is a {module} task; the module is {self._module}"
            )
        self._program = task
        self._error = ""
        return SUCCESS

    def nCleanup(self) -> int:
        """Logs the user off (the seat is free) and closes the company."""
        self._enter("nCleanup")
        self.logged_on, self._cleaned = False, True
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
        self._company = self._module = self._program = None
        return SUCCESS

    def DropObject(self) -> None:
        self._enter("DropObject")
        if self.objects:
            names = ", ".join(o.com_name for o in self.objects)
            message = f"DropObject of SY_Session while its objects are alive: {names}"
            self._refuse(message)
            raise FakeComError(DISP_E_EXCEPTION, "Exception occurred.", message)
        # A session dropped without nCleanup keeps its user logged on: the seat leaks.
        self._dropped = True

    # --- for FakeScript and the business objects -----------------------------------------
    def create(self, name: str) -> BusObject:
        """NewObject(name, oSS): only what the current program (task) may create."""
        if not self.logged_on or self._sandbox is None:
            reason = f"NewObject({name!r}, oSS): the session has no user and company"
        elif self._program is None:
            reason = f"NewObject({name!r}, oSS) before nSetProgram(nLookupTask(<its task>))"
        elif name not in TASKS[self._program][1]:
            reason = f"NewObject({name!r}, oSS): not allowed for program {self._program}"
        else:
            impl = self._sandbox.new_object(name)
            obj = _OBJECT_CLASSES.get(name, BusObject)(self._server, self, impl)
            self.objects.append(obj)
            return obj
        self._refuse(reason)
        raise FakeComError(DISP_E_EXCEPTION, "Exception occurred.", reason)

    def forget(self, obj: BusObject) -> None:
        self.objects.remove(obj)
