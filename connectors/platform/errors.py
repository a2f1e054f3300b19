"""Every way a platform call can fail, classified in one table.

Each HTTP status or transport exception maps to an action for the retry layer
(transport.RetryTransport) and a fault class for the operator:

    retry         transient; the transport tries again with backoff
    rate_limited  the platform asked us to slow down; wait Retry-After, then try again
    fail          retrying cannot help; raise at once

    config     fix a setting (URL, token, batch size)
    transient  the platform or network is briefly unavailable
    system     the platform is broken
    data       a request or record the platform refuses

401/403/404 are never retried: a wrong token or URL does not heal itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import httpx

from erpsync.errors import ConnectionFailed, ErpsyncError

__all__ = [
    "EXCEPTION_RULES",
    "STATUS_RULES",
    "Action",
    "Fault",
    "PaginationLoop",
    "PlatformAuthError",
    "PlatformError",
    "PlatformRateLimited",
    "PlatformUnavailable",
    "Rule",
    "classify_exception",
    "classify_status",
]

Action = Literal["retry", "rate_limited", "fail"]
Fault = Literal["config", "transient", "system", "data"]


@dataclass(frozen=True)
class Rule:
    action: Action
    fault: Fault
    reason: str


_TOKEN = "check the platform.token setting"

STATUS_RULES: dict[int, Rule] = {
    400: Rule("fail", "data", "platform refused the request as malformed (400)"),
    401: Rule("fail", "config", f"platform token rejected (401): {_TOKEN}"),
    403: Rule("fail", "config", f"platform token not allowed this call (403): {_TOKEN}"),
    404: Rule("fail", "config", "platform has no such resource (404): check platform.url"),
    409: Rule("fail", "data", "platform refused a conflicting write (409)"),
    413: Rule(
        "fail", "config", "batch larger than the platform accepts (413): lower platform.max_batch"
    ),
    422: Rule("fail", "data", "platform refused the records (422)"),
    429: Rule("rate_limited", "transient", "platform rate limit reached (429)"),
    500: Rule("retry", "system", "platform internal error (500)"),
    502: Rule("retry", "transient", "bad gateway in front of the platform (502)"),
    503: Rule("retry", "transient", "platform unavailable (503)"),
    504: Rule("retry", "transient", "gateway timeout in front of the platform (504)"),
}
_OTHER_CLIENT_ERROR = Rule("fail", "data", "platform refused the request")
_OTHER_SERVER_ERROR = Rule("fail", "system", "platform failed")

# Most specific first: the first isinstance match wins.
EXCEPTION_RULES: tuple[tuple[type[Exception], Rule], ...] = (
    (httpx.ConnectTimeout, Rule("retry", "transient", "connection timed out")),
    (httpx.ConnectError, Rule("retry", "transient", "connection refused or host unreachable")),
    (httpx.ReadTimeout, Rule("retry", "transient", "no answer within platform.timeout_seconds")),
    (httpx.WriteTimeout, Rule("retry", "transient", "request could not be sent in time")),
    (httpx.PoolTimeout, Rule("retry", "transient", "no free connection in time")),
    (httpx.RemoteProtocolError, Rule("retry", "transient", "connection dropped by the platform")),
    (httpx.ReadError, Rule("retry", "transient", "connection broken while reading")),
    (httpx.WriteError, Rule("retry", "transient", "connection broken while sending")),
    (httpx.UnsupportedProtocol, Rule("fail", "config", "platform.url is not an http(s) URL")),
    (httpx.InvalidURL, Rule("fail", "config", "platform.url is not a valid URL")),
    (httpx.TransportError, Rule("fail", "system", "transport failure")),
)


def classify_status(status: int) -> Rule:
    rule = STATUS_RULES.get(status)
    if rule is not None:
        return rule
    base = _OTHER_SERVER_ERROR if status >= 500 else _OTHER_CLIENT_ERROR
    return Rule(base.action, base.fault, f"{base.reason} ({status})")


def classify_exception(exc: BaseException) -> Rule | None:
    """The rule for a transport exception, or None for anything that is not one."""
    for kind, rule in EXCEPTION_RULES:
        if isinstance(exc, kind):
            return rule
    return None


class PlatformError(ErpsyncError):
    """A platform call failed; `str(exc)` is one line naming the call, never the token."""

    def __init__(self, message: str, *, status: int | None = None, fault: Fault = "system"):
        super().__init__(message)
        self.status = status
        self.fault = fault


class PlatformAuthError(PlatformError, ConnectionFailed):
    """The platform refused the token (401/403): a configuration fault."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, status=status, fault="config")


class PlatformUnavailable(PlatformError, ConnectionFailed):
    """The platform could not be reached, or stayed unavailable through every retry."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, status=status, fault="transient")


class PlatformRateLimited(PlatformError):
    """Rate-limited for longer than platform.max_retry_wait_seconds, or through every retry."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429, fault="transient")
        self.retry_after = retry_after


class PaginationLoop(PlatformError):
    """The platform handed back a cursor it had already given: paging would never end."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fault="system")
