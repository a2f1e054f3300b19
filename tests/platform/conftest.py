"""One real platform sandbox per test session (a child process on a real socket), and
fresh tokens per test: faults and rate limits belong to a token, so tests cannot disturb
each other through the shared server."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from connectors.platform import PlatformClient
from connectors.platform.transport import default_transport
from sandbox.platform import PlatformSandbox, issue_token

MAX_BATCH = 50


@dataclass
class Sandbox:
    url: str
    store: Path
    max_batch: int

    def token(self, role: str = "integration", calls: int = 0, window: int = 900) -> str:
        return issue_token(
            self.store,
            f"test-{uuid.uuid4().hex[:10]}",
            role=role,  # type: ignore[arg-type]
            rate_limit_calls=calls,
            rate_limit_window_seconds=window,
        )


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    store = tmp_path_factory.mktemp("platform") / "platform.db"
    with PlatformSandbox(store, max_batch=MAX_BATCH, allow_faults=True) as running:
        yield Sandbox(running.url, store, MAX_BATCH)


@dataclass
class Sleeps:
    """An injected sleep: records every wait, and really waits only when asked to."""

    real: bool = False
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.real:
            time.sleep(seconds)


class Recorder(httpx.BaseTransport):
    """A pass-through spy on the real transport: every exchange still goes to the sandbox
    over a socket; this only keeps what was sent and what came back."""

    def __init__(self) -> None:
        self._inner = default_transport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self._inner.close()


ClientFactory = Callable[..., PlatformClient]


@pytest.fixture()
def make_client(sandbox: Sandbox) -> Iterator[ClientFactory]:
    made: list[PlatformClient] = []

    def make(
        token: str | None = None, *, url: str | None = None, **kwargs: object
    ) -> PlatformClient:
        kwargs.setdefault("max_batch", sandbox.max_batch)
        kwargs.setdefault("sleep", Sleeps())
        client = PlatformClient(
            url or sandbox.url,
            SecretStr(token or sandbox.token()),
            **kwargs,  # type: ignore[arg-type]
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture()
def run_tag() -> str:
    """A value no other test writes: records tagged with it can be read back exactly."""
    return uuid.uuid4().hex[:12]


@pytest.fixture()
def free_port() -> int:
    """A port nothing listens on (bound, then released): connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
