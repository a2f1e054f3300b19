"""The platform connector: batch upserts, changed-since reads, deletes, a health check.

httpx underneath, with `RetryTransport` as the only retry layer and the transport
injectable. The token is held as a SecretStr and only ever placed in the Authorization
header: it is not in this client's repr, in any error message, or in any log line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx
import orjson
from pydantic import SecretStr

from connectors.platform.errors import (
    PlatformAuthError,
    PlatformError,
    PlatformUnavailable,
    classify_exception,
    classify_status,
)
from connectors.platform.models import ClientStats, Page, UpsertResult
from connectors.platform.paginator import CursorPaginator
from connectors.platform.resources import RESOURCES
from connectors.platform.settings import PlatformSettings
from connectors.platform.transport import MAX_RETRIES_EXTENSION, RetryTransport
from erpsync.errors import ConfigError

__all__ = ["PlatformClient"]

_API = "/api/v1"
_RESERVED_PARAMS = frozenset({"changed_since", "limit", "cursor"})
# A health check answers the operator within seconds, not after a full retry budget.
_HEALTH_RETRIES = 2


def _path(resource: str, *rest: str) -> str:
    if resource not in RESOURCES:
        raise ValueError(f"unknown platform resource {resource!r}")
    return "/".join((_API, resource, *rest))


def _iso(since: str | datetime) -> str:
    if isinstance(since, str):
        return since
    return (since if since.tzinfo else since.replace(tzinfo=UTC)).isoformat()


def _server_message(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.read())
    except (orjson.JSONDecodeError, httpx.HTTPError):
        return response.reason_phrase
    message = body.get("message") if isinstance(body, dict) else None
    return str(message)[:200] if message else response.reason_phrase


class PlatformClient:
    def __init__(
        self,
        base_url: str,
        token: SecretStr,
        *,
        timeout: float = 30.0,
        max_batch: int = 1000,
        page_size: int = 1000,
        max_retries: int = 6,
        max_retry_wait: float = 120.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        token_ref: str | None = None,
    ) -> None:
        if not isinstance(token, SecretStr):
            raise TypeError("token must be a pydantic SecretStr")
        self.base_url = base_url.rstrip("/")
        self.max_batch = max_batch
        self.page_size = page_size
        # Where the token came from (e.g. env:ERPSYNC_PLATFORM_TOKEN), for messages.
        self._token_ref = token_ref
        self._retry = RetryTransport(
            transport, max_retries=max_retries, max_retry_wait=max_retry_wait, sleep=sleep
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=self._retry,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={
                "Authorization": f"Bearer {token.get_secret_value()}",
                "Accept": "application/json",
                "User-Agent": "erpsync",
            },
        )
        self._stats = ClientStats()
        self._definitions: Any = None

    @classmethod
    def from_settings(
        cls,
        settings: PlatformSettings,
        *,
        base_url: str | None = None,
        token: SecretStr | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> PlatformClient:
        url = base_url or settings.url
        if url == "embedded":
            raise ConfigError("platform.url is 'embedded': start the platform sandbox first")
        return cls(
            url,
            token if token is not None else settings.token.resolve(),
            timeout=settings.timeout_seconds,
            max_batch=settings.max_batch,
            page_size=settings.page_size,
            max_retries=settings.max_retries,
            max_retry_wait=settings.max_retry_wait_seconds,
            transport=transport,
            token_ref=settings.token.describe(),
        )

    def __repr__(self) -> str:
        return f"PlatformClient({self.base_url!r})"

    @property
    def stats(self) -> ClientStats:
        self._stats.retries = self._retry.retries
        return self._stats

    # --- the one place a request is made ---------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        resource: str,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        records: int = 0,
        max_retries: int | None = None,
    ) -> httpx.Response:
        call = f"{method} {path}"
        self._stats.count(method, resource, records)
        try:
            response = self._http.request(
                method,
                path,
                params=params,
                content=content,
                headers={"Content-Type": "application/json"} if content is not None else None,
                extensions={MAX_RETRIES_EXTENSION: max_retries} if max_retries is not None else {},
            )
        except httpx.TransportError as exc:  # the ones the transport does not retry
            rule = classify_exception(exc)
            reason = rule.reason if rule else type(exc).__name__
            error = PlatformUnavailable if rule and rule.fault == "transient" else PlatformError
            raise error(f"{reason} ({call} at {self.base_url})") from None
        if response.status_code >= 400:
            self._raise_for(response, call)
        return response

    def _raise_for(self, response: httpx.Response, call: str) -> None:
        status = response.status_code
        rule = classify_status(status)
        if status in (401, 403):
            where = f" ({self._token_ref})" if self._token_ref else ""
            raise PlatformAuthError(f"{rule.reason}{where}", status=status)
        raise PlatformError(
            f"{rule.reason} on {call}: {_server_message(response)}", status=status, fault=rule.fault
        )

    def _json(self, response: httpx.Response, call: str) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise PlatformError(f"platform answered {call} with a body that is not JSON") from None

    # --- calls -----------------------------------------------------------------------------
    def health(self) -> None:
        """Check the platform is reachable and accepts the token (an authenticated call)."""
        call = f"GET {_API}/resources"
        response = self._request(
            "GET",
            f"{_API}/resources",
            resource="resources",
            max_retries=min(_HEALTH_RETRIES, self._retry.max_retries),
        )
        body = self._json(response, call)
        self._definitions = body
        limit = body.get("max_batch") if isinstance(body, dict) else None
        if isinstance(limit, int) and self.max_batch > limit:
            raise PlatformError(
                f"platform.max_batch is {self.max_batch} but the platform accepts at most "
                f"{limit} records per call",
                fault="config",
            )

    def resources(self) -> dict[str, dict[str, Any]]:
        """The platform's resource definitions (keys, custom fields) by name; the answer of
        the health check is reused, so this costs no call after health()."""
        body = self._definitions
        if body is None:
            call = f"GET {_API}/resources"
            body = self._json(self._request("GET", f"{_API}/resources", resource="resources"), call)
            self._definitions = body
        listed = body.get("resources") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            raise PlatformError("platform answered GET /resources without a resource list")
        return {str(r["name"]): r for r in listed if isinstance(r, dict) and "name" in r}

    def upsert(self, resource: str, records: Sequence[Mapping[str, Any]]) -> UpsertResult:
        encoded: list[bytes] = []
        for i, record in enumerate(records):
            try:
                encoded.append(orjson.dumps(record))
            except TypeError as exc:  # orjson.JSONEncodeError
                raise ValueError(
                    f"record {i} for {resource} cannot be sent as JSON: {exc}"
                ) from None
        return self.upsert_encoded(resource, encoded)

    def upsert_encoded(self, resource: str, encoded: Sequence[bytes]) -> UpsertResult:
        """Send records already encoded as JSON objects, byte for byte (no re-encoding)."""
        path = _path(resource)
        sent = len(encoded)
        if sent == 0:
            return UpsertResult(0, 0, 0, 0, [])
        if sent > self.max_batch:
            raise ValueError(
                f"{sent} {resource} records in one call; platform.max_batch is "
                f"{self.max_batch}: send them in batches"
            )
        body = b"[" + b",".join(encoded) + b"]"
        response = self._request("POST", path, resource=resource, content=body, records=sent)
        try:
            return UpsertResult.from_response(self._json(response, f"POST {path}"), sent)
        except ValueError as exc:
            raise PlatformError(f"platform answered POST {path} unexpectedly: {exc}") from None

    def iter_changed(
        self,
        resource: str,
        *,
        since: str | datetime | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of records changed at or after `since` (all when None), oldest first."""
        path = _path(resource)
        params = {"limit": str(self.page_size)}
        if since is not None:
            params["changed_since"] = _iso(since)
        for field, value in (filters or {}).items():
            if field in _RESERVED_PARAMS:
                raise ValueError(f"{field!r} is a paging parameter, not a filter field")
            params[field] = str(value)
        pager = CursorPaginator(f"reading {resource}")
        while pager.has_more:
            cursor = pager.next
            query = params if cursor is None else {**params, "cursor": cursor}
            response = self._request("GET", path, resource=resource, params=query)
            page = self._page(response, f"GET {path}")
            pager.advance(page.next_cursor)
            if page.data:
                yield page.data

    def _page(self, response: httpx.Response, call: str) -> Page:
        body = self._json(response, call)
        data = body.get("data") if isinstance(body, dict) else None
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if not isinstance(data, list) or not (cursor is None or isinstance(cursor, str)):
            raise PlatformError(f"platform answered {call} without a data list and cursor")
        return Page(data, cursor)

    def get(self, resource: str, record_id: int) -> dict[str, Any] | None:
        path = _path(resource, str(int(record_id)))
        try:
            response = self._request("GET", path, resource=resource)
        except PlatformError as exc:
            if exc.status == 404:
                return None
            raise
        found: dict[str, Any] = self._json(response, f"GET {path}")
        return found

    def delete(
        self,
        resource: str,
        ids: Sequence[int] = (),
        *,
        keys: Sequence[Mapping[str, Any]] = (),
    ) -> int:
        """Delete records by platform id and/or natural key; returns how many went."""
        path = _path(resource, "delete")
        body = orjson.dumps({"ids": [int(i) for i in ids], "keys": list(keys)})
        response = self._request("POST", path, resource=resource, content=body)
        return int(self._json(response, f"POST {path}").get("deleted", 0))

    # --- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
