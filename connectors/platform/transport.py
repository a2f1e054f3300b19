"""The one retry layer of the platform connector, as an httpx transport.

Every erpsync call to the platform is idempotent (GET, or a POST that upserts by key), so
429, 500/502/503/504 and dropped or refused connections are retried. The wait is the
server's Retry-After (seconds or HTTP-date), or for a 429 without one X-RateLimit-Reset
(CIMcloud's header), else exponential backoff with jitter. A server asking for a longer
wait than `max_retry_wait` fails the call at once: stalling a sync run for an hour
helps nobody.

Retries are logged at WARNING on "erpsync.platform" with the method, path, status and
wait, never headers (the token), query strings or bodies (records).
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from connectors.platform.errors import (
    PlatformError,
    PlatformRateLimited,
    PlatformUnavailable,
    Rule,
    classify_exception,
    classify_status,
)

__all__ = [
    "MAX_RETRIES_EXTENSION",
    "RetryTransport",
    "default_transport",
    "parse_retry_after",
]

logger = logging.getLogger("erpsync.platform")
# The library convention: records still reach whatever handlers the application (the CLI,
# Prefect's run logs) configures, but an application that configures none gets no stray
# lines on stderr from logging's last-resort handler.
logger.addHandler(logging.NullHandler())

# A request may lower its own retry budget (health checks fail fast) via this extension.
MAX_RETRIES_EXTENSION = "erpsync.max_retries"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def default_transport() -> httpx.HTTPTransport:
    """Pooled keep-alive connections with Nagle off: httpx writes a POST's headers and body
    separately, and with Nagle on the body waits for a delayed ACK (~40 ms a call)."""
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


def _origin(url: httpx.URL) -> str:
    # Scheme, host and port only: never userinfo, never a query string.
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


def _why(exc: Exception, rule: Rule) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    return rule.reason


class RetryTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        max_retries: int = 6,
        max_retry_wait: float = 120.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._inner = inner if inner is not None else default_transport()
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._base = backoff_base
        self._cap = backoff_cap
        self._sleep = sleep
        self._jitter = jitter
        self._lock = threading.Lock()
        self._retries = 0

    @property
    def retries(self) -> int:
        """Retries made so far by every request through this transport."""
        return self._retries

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._cap, self._base * 2**attempt)
        # "Equal jitter": at least half the ceiling, so retries still spread out in time.
        return ceiling / 2 + self._jitter() * ceiling / 2

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limit = int(request.extensions.get(MAX_RETRIES_EXTENSION, self.max_retries))
        call = f"{request.method} {request.url.path}"
        attempt = 0
        while True:
            try:
                response = self._inner.handle_request(request)
            except Exception as exc:
                rule = classify_exception(exc)
                if rule is None or rule.action != "retry":
                    raise
                if attempt >= limit:
                    raise PlatformUnavailable(
                        f"platform at {_origin(request.url)} is unreachable: {_why(exc, rule)}"
                        f" ({call}, {attempt} retries)"
                    ) from None
                wait, what = self._backoff(attempt), f"failed ({type(exc).__name__})"
            else:
                status = response.status_code
                if status < 400:
                    return response
                rule = classify_status(status)
                if rule.action == "fail":
                    return response  # the client turns it into the right exception
                hint = parse_retry_after(response.headers.get("Retry-After"))
                if hint is None and status == 429:
                    hint = parse_retry_after(response.headers.get("X-RateLimit-Reset"))
                response.close()
                if hint is not None and hint > self.max_retry_wait:
                    raise self._too_long(rule, status, call, hint)
                if attempt >= limit:
                    raise self._exhausted(rule, status, call, attempt, hint)
                wait = hint if hint is not None else self._backoff(attempt)
                what = f"answered {status}"
            attempt += 1
            with self._lock:
                self._retries += 1
            logger.warning(
                "platform %s %s; retry %d of %d in %.2fs", call, what, attempt, limit, wait
            )
            self._sleep(wait)

    def _too_long(self, rule: Rule, status: int, call: str, wait: float) -> PlatformError:
        message = (
            f"{rule.reason} on {call}: the platform asks to wait {wait:.0f}s, more than "
            f"platform.max_retry_wait_seconds ({self.max_retry_wait:g}s)"
        )
        if status == 429:
            return PlatformRateLimited(message, retry_after=wait)
        return PlatformUnavailable(message, status=status)

    def _exhausted(
        self, rule: Rule, status: int, call: str, attempts: int, hint: float | None
    ) -> PlatformError:
        message = f"{rule.reason} on {call}; gave up after {attempts} retries"
        if status == 429:
            return PlatformRateLimited(message, retry_after=hint)
        if rule.fault == "transient":
            return PlatformUnavailable(message, status=status)
        return PlatformError(message, status=status, fault=rule.fault)

    def close(self) -> None:
        self._inner.close()
