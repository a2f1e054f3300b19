"""The platform sandbox's HTTP JSON API (FastAPI), after CIMcloud's conventions.

POST is a batch upsert (by platform id, else by natural key) answering CIMcloud's
"DataImported" summary plus one result per record; GET pages records changed since a
time with a keyset cursor; every call but /health needs `Authorization: Bearer <token>`.

Bodies are parsed and written with orjson, never one pydantic model per record: the POST
endpoint carries the whole initial seed. Store work runs in the thread pool so the event
loop keeps answering (and rate-limiting) while a batch is written.

Rate limits: tokens with a limit get X-RateLimit-Limit/-Remaining/-Reset on every
authenticated response and 429 with Retry-After past the limit; unlimited tokens (the
default) get no X-RateLimit headers, as there is nothing to announce.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson
from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import Response

from connectors.platform.resources import RESOURCES
from sandbox.platform.faults import FaultBook, parse_fault
from sandbox.platform.ratelimit import FixedWindowLimiter
from sandbox.platform.records import RecordRejected
from sandbox.platform.store import PlatformStore, UnknownResource
from sandbox.platform.tokens import TokenInfo, hash_token

__all__ = ["ApiError", "create_app"]

MAX_PAGE = 10_000
T = TypeVar("T")


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.headers = headers or {}


@dataclass
class _Caller:
    token: TokenInfo
    headers: dict[str, str] = field(default_factory=dict)


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


class _TooLarge(ValueError):
    """A batch over max_batch: 413, not 400, so a client knows to send smaller ones."""


def _unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "invalid or missing bearer token")


class _Api:
    def __init__(self, store: PlatformStore, max_batch: int) -> None:
        self.store = store
        self.max_batch = max_batch
        self.limiter = FixedWindowLimiter()
        self.faults = FaultBook()

    def gate(self, request: Request, *, control: bool = False) -> _Caller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized()
        info = self.store.token(hash_token(token.strip()))
        if info is None:
            raise _unauthorized()
        caller = _Caller(info)
        if control:  # arming faults is neither faulted nor counted
            return caller
        limited = info.rate_limit_calls > 0
        fault = self.faults.take(info.token_sha256)
        decision = (
            self.limiter.hit(
                info.token_sha256,
                info.rate_limit_calls,
                info.rate_limit_window_seconds,
                count=fault is None,
            )
            if limited
            else None
        )
        if decision is not None:
            caller.headers.update(decision.headers())
        if fault is not None:
            headers = dict(caller.headers)
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            raise ApiError(
                fault.status, "sandbox_fault", f"fault injected ({fault.status})", headers
            )
        if decision is not None and not decision.allowed:
            raise ApiError(
                429,
                "rate_limited",
                f"rate limit of {decision.limit} calls per {info.rate_limit_window_seconds}s"
                f" reached; retry in {decision.reset_seconds}s",
                {**caller.headers, "Retry-After": str(decision.reset_seconds)},
            )
        return caller

    async def run(self, caller: _Caller, work: Callable[[], T]) -> T:
        """Store work in the thread pool, with its errors mapped to API errors."""
        try:
            return await to_thread.run_sync(work)
        except UnknownResource as exc:
            raise ApiError(404, "not_found", str(exc), caller.headers) from None
        except _TooLarge as exc:
            raise ApiError(413, "batch_too_large", str(exc), caller.headers) from None
        except (ValueError, RecordRejected) as exc:
            raise ApiError(400, "bad_request", str(exc), caller.headers) from None

    # --- work done in the thread pool ------------------------------------------------------
    def import_batch(self, resource: str, body: bytes, role: str) -> bytes:
        try:
            records = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"body is not valid JSON: {exc}") from None
        if not isinstance(records, list) or not records:
            raise ValueError(f"body must be a JSON array of 1 to {self.max_batch} objects")
        if len(records) > self.max_batch:
            raise _TooLarge(
                f"{len(records)} records in one request; this platform accepts at most "
                f"{self.max_batch} (max_batch)"
            )
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                raise ValueError(f"body must be a JSON array of objects; element {i} is not")
        results = self.store.upsert(resource, records, role)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for r in results:
            counts[r.status] += 1
        return orjson.dumps(
            {
                "action": "DataImported",
                "success": counts["failed"] == 0,
                "recordCountInRequest": len(records),
                "importedRecords": counts["created"],
                "updatedRecords": counts["updated"],
                "unchangedRecords": counts["unchanged"],
                "failedRecords": counts["failed"],
                "results": [
                    {"index": r.index, "id": r.id, "status": r.status, "error": r.error}
                    for r in results
                ],
            }
        )

    def page(self, resource: str, query: dict[str, str]) -> bytes:
        raw_limit = query.pop("limit", "1000")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE:
            raise ValueError(f"limit must be a whole number from 1 to {MAX_PAGE}")
        data, cursor = self.store.changed(
            resource,
            since=query.pop("changed_since", None) or None,
            cursor=query.pop("cursor", None) or None,
            limit=int(raw_limit),
            filters=query,
        )
        return orjson.dumps({"data": data, "next_cursor": cursor})


def create_app(
    store_path: str | Path, *, max_batch: int = 1000, allow_faults: bool = False
) -> FastAPI:
    if max_batch < 1:
        raise ValueError("max_batch must be at least 1")
    api = _Api(PlatformStore(store_path), max_batch)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        api.store.close()

    app = FastAPI(
        title="erpsync platform sandbox",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return _json({"error": exc.error, "message": exc.message}, exc.status, exc.headers)

    @app.get("/api/v1/health")
    async def health() -> Response:
        return _json({"status": "ok"})

    @app.get("/api/v1/resources")
    async def resources(request: Request) -> Response:
        caller = api.gate(request)
        listed = [
            {"name": r.name, "key": list(r.key), "key_optional": r.key_optional,
             "sync_status": r.sync_status, "custom_fields": list(r.custom_fields)}
            for r in RESOURCES.values()
        ]  # fmt: skip
        return _json({"resources": listed, "max_batch": max_batch}, headers=caller.headers)

    if allow_faults:

        @app.post("/api/v1/_sandbox/faults")
        async def faults(request: Request) -> Response:
            caller = api.gate(request, control=True)
            try:
                fault = parse_fault(orjson.loads(await request.body()))
            except (ValueError, orjson.JSONDecodeError) as exc:
                raise ApiError(400, "bad_request", str(exc)) from None
            api.faults.arm(caller.token.token_sha256, fault)
            return _json({"armed": fault.count, "status": fault.status})

    @app.get("/api/v1/{resource}")
    async def list_changed(resource: str, request: Request) -> Response:
        caller = api.gate(request)
        query = dict(request.query_params)
        body = await api.run(caller, lambda: api.page(resource, query))
        return _json(body, headers=caller.headers)

    @app.get("/api/v1/{resource}/{record_id}")
    async def get_record(resource: str, record_id: str, request: Request) -> Response:
        caller = api.gate(request)
        found = None
        if record_id.isdigit():
            found = await api.run(caller, lambda: api.store.get(resource, int(record_id)))
        elif resource not in RESOURCES:
            raise ApiError(404, "not_found", str(UnknownResource(resource)), caller.headers)
        if found is None:
            message = f"no {resource} record with id {record_id[:40]!r}"
            raise ApiError(404, "not_found", message, caller.headers)
        return _json(found, headers=caller.headers)

    @app.post("/api/v1/{resource}")
    async def upsert(resource: str, request: Request) -> Response:
        caller = api.gate(request)
        body = await request.body()
        result = await api.run(caller, lambda: api.import_batch(resource, body, caller.token.role))
        return _json(result, headers=caller.headers)

    @app.post("/api/v1/{resource}/delete")
    async def delete(resource: str, request: Request) -> Response:
        caller = api.gate(request)
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError as exc:
            raise ApiError(
                400, "bad_request", f"body is not valid JSON: {exc}", caller.headers
            ) from None
        if not isinstance(body, dict) or not (
            isinstance(body.get("ids", []), list) and isinstance(body.get("keys", []), list)
        ):
            message = 'body must be {"ids": [...]} and/or {"keys": [{...}]}'
            raise ApiError(400, "bad_request", message, caller.headers)
        deleted = await api.run(
            caller, lambda: api.store.delete(resource, body.get("ids"), body.get("keys"))
        )
        return _json({"deleted": deleted}, headers=caller.headers)

    return app
