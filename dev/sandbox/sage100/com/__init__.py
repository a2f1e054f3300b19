"""A strict fake of Sage 100's Business Object Interface over COM, on the sandbox company.

`FakeProvideXScript(company_url)` is the `dispatch` factory of
`connectors.sage100.boi_com.open_com_session`: it answers like `ProvideX.Script` would
(the call order, the `$` spelling of string columns, return codes, pywin32's ByRef
tuples, user seats, DropObject) and delegates the data work to `sandbox.sage100.boi`, so
the business rules are the sandbox's and the fake adds only the COM protocol. It counts
live sessions, objects and seats so tests can assert that everything was released.
"""

from sandbox.sage100.com.protocol import SEP, TASKS, FakeComError
from sandbox.sage100.com.server import FakeProvideXScript, FakeScript, FakeSySession

__all__ = ["SEP", "TASKS", "FakeComError", "FakeProvideXScript", "FakeScript", "FakeSySession"]
