"""RetryTransport cases the real sandbox cannot produce: an HTTP-date Retry-After, a 429
with only X-RateLimit-Reset, a connection refused once and then accepted, a malformed
answer. httpx.MockTransport stands in for the network only here; each handler fails the
test if it is called more often than the scenario allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pydantic import SecretStr

from connectors.platform import PlatformClient, PlatformError, RetryTransport
from tests.platform.conftest import Sleeps

Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*steps: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering each request with the next step; one request too many fails."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert len(seen) <= len(steps), f"unexpected request #{len(seen)}: {request.url.path}"
        step = steps[len(seen) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    return httpx.MockTransport(handle), seen


def client_for(transport: httpx.BaseTransport, sleeps: Sleeps, **kwargs: object) -> PlatformClient:
    return PlatformClient(
        "http://platform.test",
        SecretStr("psb_mock"),
        transport=transport,
        sleep=sleeps,
        **kwargs,  # type: ignore[arg-type]
    )


def test_http_date_retry_after() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    transport, seen = scripted(
        httpx.Response(503, headers={"Retry-After": when}),
        httpx.Response(200, json={"resources": [], "max_batch": 1000}),
    )
    sleeps = Sleeps()
    client_for(transport, sleeps).health()
    assert len(seen) == 2
    [wait] = sleeps.waits
    assert 17 <= wait <= 20  # the date's distance from now, give or take the test's own time


def test_429_without_retry_after_uses_x_ratelimit_reset() -> None:
    transport, seen = scripted(
        httpx.Response(429, headers={"X-RateLimit-Reset": "4"}),
        httpx.Response(200, json={"data": [], "next_cursor": None}),
    )
    sleeps = Sleeps()
    assert list(client_for(transport, sleeps).iter_changed("items")) == []
    assert sleeps.waits == [4.0] and len(seen) == 2


def test_refused_once_then_accepted() -> None:
    request = httpx.Request("GET", "http://platform.test/api/v1/resources")
    transport, seen = scripted(
        httpx.ConnectError("[Errno 111] Connection refused", request=request),
        httpx.Response(200, json={"resources": [], "max_batch": 1000}),
    )
    sleeps = Sleeps()
    client = client_for(transport, sleeps)
    client.health()
    assert len(seen) == 2 and len(sleeps.waits) == 1 and client.stats.retries == 1


def test_backoff_grows_exponentially_with_jitter() -> None:
    transport, _seen = scripted(*[httpx.Response(502) for _ in range(5)])
    sleeps = Sleeps()
    retry = RetryTransport(transport, max_retries=4, sleep=sleeps, jitter=lambda: 1.0)
    with pytest.raises(PlatformError, match="gave up after 4 retries"):
        retry.handle_request(httpx.Request("GET", "http://platform.test/api/v1/items"))
    assert sleeps.waits == [0.5, 1.0, 2.0, 4.0]  # full ceiling when the jitter draws 1.0
    low = Sleeps()
    transport, _seen = scripted(*[httpx.Response(502) for _ in range(3)])
    retry = RetryTransport(transport, max_retries=2, sleep=low, jitter=lambda: 0.0)
    with pytest.raises(PlatformError):
        retry.handle_request(httpx.Request("GET", "http://platform.test/api/v1/items"))
    assert low.waits == [0.25, 0.5]  # half the ceiling when it draws 0.0


def test_a_malformed_upsert_answer_is_a_clear_error() -> None:
    transport, _seen = scripted(httpx.Response(200, json={"results": [{"index": 0}]}))
    with pytest.raises(PlatformError, match="answered POST /api/v1/items unexpectedly"):
        client_for(transport, Sleeps()).upsert("items", [{"item_number": "A"}])
