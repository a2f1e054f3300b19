"""The failure table, the exception classes, Retry-After parsing, the paginator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from connectors.platform import errors
from connectors.platform.errors import (
    EXCEPTION_RULES,
    STATUS_RULES,
    PaginationLoop,
    PlatformAuthError,
    PlatformError,
    PlatformRateLimited,
    PlatformUnavailable,
    classify_exception,
    classify_status,
)
from connectors.platform.paginator import CursorPaginator
from connectors.platform.transport import parse_retry_after
from erpsync.errors import ConnectionFailed, ErpsyncError

# What each row must say; written out here so a changed row is a visible decision.
EXPECTED_STATUS = {
    400: ("fail", "data"),
    401: ("fail", "config"),
    403: ("fail", "config"),
    404: ("fail", "config"),
    409: ("fail", "data"),
    413: ("fail", "config"),
    422: ("fail", "data"),
    429: ("rate_limited", "transient"),
    500: ("retry", "system"),
    502: ("retry", "transient"),
    503: ("retry", "transient"),
    504: ("retry", "transient"),
}


@pytest.mark.parametrize("status", sorted(STATUS_RULES))
def test_every_status_row(status: int) -> None:
    rule = classify_status(status)
    assert (rule.action, rule.fault) == EXPECTED_STATUS[status]
    assert f"({status})" in rule.reason


def test_the_table_has_no_row_this_test_does_not_pin() -> None:
    assert set(STATUS_RULES) == set(EXPECTED_STATUS)


def test_auth_rows_name_the_token_setting() -> None:
    for status in (401, 403):
        assert "platform.token" in classify_status(status).reason


def test_statuses_outside_the_table() -> None:
    assert (classify_status(418).action, classify_status(418).fault) == ("fail", "data")
    assert (classify_status(507).action, classify_status(507).fault) == ("fail", "system")
    assert "(507)" in classify_status(507).reason


_REQUEST = httpx.Request("GET", "http://platform.test/api/v1/items")
EXPECTED_EXCEPTION = {
    httpx.ConnectTimeout: ("retry", "transient"),
    httpx.ConnectError: ("retry", "transient"),
    httpx.ReadTimeout: ("retry", "transient"),
    httpx.WriteTimeout: ("retry", "transient"),
    httpx.PoolTimeout: ("retry", "transient"),
    httpx.RemoteProtocolError: ("retry", "transient"),
    httpx.ReadError: ("retry", "transient"),
    httpx.WriteError: ("retry", "transient"),
    httpx.UnsupportedProtocol: ("fail", "config"),
    httpx.InvalidURL: ("fail", "config"),
    httpx.TransportError: ("fail", "system"),
}


@pytest.mark.parametrize("kind", [k for k, _ in EXCEPTION_RULES], ids=lambda k: k.__name__)
def test_every_exception_row(kind: type[Exception]) -> None:
    exc = kind("boom") if kind is httpx.InvalidURL else kind("boom", request=_REQUEST)  # type: ignore[call-arg]
    rule = classify_exception(exc)
    assert rule is not None
    assert (rule.action, rule.fault) == EXPECTED_EXCEPTION[kind]


def test_exception_rows_are_pinned_and_ordered_specific_first() -> None:
    kinds = [k for k, _ in EXCEPTION_RULES]
    assert set(kinds) == set(EXPECTED_EXCEPTION)
    for i, kind in enumerate(kinds):
        # No row may be shadowed by a more general one listed before it.
        assert not any(issubclass(kind, earlier) for earlier in kinds[:i])


def test_non_transport_exceptions_are_not_classified() -> None:
    assert classify_exception(ValueError("x")) is None


def test_exception_classes() -> None:
    auth = PlatformAuthError("no", status=401)
    down = PlatformUnavailable("down")
    assert isinstance(auth, ConnectionFailed) and isinstance(auth, PlatformError)
    assert isinstance(down, ConnectionFailed) and isinstance(down, PlatformError)
    assert auth.fault == "config" and down.fault == "transient"
    assert auth.exit_code == ConnectionFailed.exit_code == down.exit_code
    assert isinstance(PlatformRateLimited("slow", retry_after=3), ErpsyncError)
    assert PlatformRateLimited("slow", retry_after=3).status == 429
    assert not isinstance(PlatformError("x"), ConnectionFailed)
    assert set(errors.__all__) >= {"PlatformError", "PlatformAuthError", "PlatformUnavailable"}


def test_retry_after_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None


def test_paginator_walks_cursors_then_stops() -> None:
    pager = CursorPaginator("reading items")
    assert pager.has_more and pager.next is None
    pager.advance("c1")
    assert pager.has_more and pager.next == "c1"
    pager.advance("c2")
    assert pager.next == "c2"
    pager.advance(None)
    assert not pager.has_more and pager.pages == 3
    with pytest.raises(RuntimeError):
        pager.advance("c3")


def test_paginator_detects_a_repeated_cursor() -> None:
    pager = CursorPaginator("reading items")
    pager.advance("c1")
    pager.advance("c2")
    with pytest.raises(PaginationLoop, match=r"reading items: .*'c1' again after 3 pages"):
        pager.advance("c1")
