"""Failure notifications through Prefect's own event machinery: a real server evaluates
the automations erpsync creates, and a webhook receives what ops would."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from erpsync.config import load_settings
from tests.service.conftest import free_port


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", free_port()), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Hook.received
    server.shutdown()


@pytest.fixture()
def prefect_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from erpsync.prefect_server import LocalPrefectServer

    (tmp_path / "server.toml").write_text("")
    settings = load_settings(tmp_path / "server.toml")
    server = LocalPrefectServer(settings, "127.0.0.1", free_port())
    server.start()
    try:
        yield server.api_url
    finally:
        server.stop()


def _wait(received: list[dict[str, Any]], needle: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in received:
            if needle in body.get("subject", "") + body.get("text", ""):
                return body
        time.sleep(0.5)
    pytest.fail(f"no notification with {needle!r} in {timeout}s; got {received}")


@pytest.mark.slow
def test_failed_and_overdue_runs_are_reported_to_the_webhook(
    tmp_path: Path,
    webhook: tuple[str, list[dict[str, Any]]],
    prefect_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect import tags
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from deployments.alerts import ensure_automations
    from flows import incremental_sync

    url, received = webhook
    monkeypatch.setenv("ERPSYNC_ALERT_HOOK", url)
    config = tmp_path / "erpsync.toml"
    config.write_text(
        '[erp]\nurl = "sqlite:////nonexistent/dir/company.db"\n'
        '[platform]\nurl = "http://127.0.0.1:9"\n'
        '[notifications]\nwebhook = "env:ERPSYNC_ALERT_HOOK"\noverdue_minutes = 0.2\n'
    )
    settings = load_settings(config)
    with temporary_settings({PREFECT_API_URL: prefect_server}):
        names = ensure_automations(settings)
        assert names == ["erpsync ABC: run failed", "erpsync ABC: run overdue"]
        assert ensure_automations(settings) == names  # replaced, not doubled
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            assert len(client.read_automations_by_name(names[0])) == 1

        # A real run of the company that fails (its ERP is not there).
        with tags("erpsync", "company:ABC"):
            state = incremental_sync(config=str(config), return_state=True)
        assert state.is_failed()
        body = _wait(received, "ended Failed")
        assert "incremental-sync" in body["text"]

        # A run that started and never ended, told to Prefect's events API as a worker
        # would: reported once it is overdue (12 s here).
        import httpx

        run_id = uuid.uuid4()
        running = {
            "id": str(uuid.uuid4()),
            "occurred": datetime.now(UTC).isoformat(),
            "event": "prefect.flow-run.Running",
            "resource": {"prefect.resource.id": f"prefect.flow-run.{run_id}"},
            "related": [
                {"prefect.resource.id": "prefect.tag.company:ABC", "prefect.resource.role": "tag"}
            ],
            "payload": {},
        }
        posted = httpx.post(f"{prefect_server}/events", json=[running], timeout=10)
        assert posted.status_code == 204, posted.text
        overdue = _wait(received, "overdue", timeout=150)
        assert "running for more than" in overdue["text"]
        # another company's failures are not ours
        assert not [b for b in received if "XYZ" in json.dumps(b)]
    assert os.environ.get("ERPSYNC_ALERT_HOOK") == url
