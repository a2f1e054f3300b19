"""The sandbox's HTTP API on its real socket, spoken to with plain httpx."""

from __future__ import annotations

import httpx
import orjson
import pytest

from connectors.platform.resources import RESOURCES
from tests.platform.conftest import Sandbox


def http(sandbox: Sandbox, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=sandbox.url, headers=headers, timeout=10)


def test_health_needs_no_token(sandbox: Sandbox) -> None:
    with http(sandbox, None) as c:
        assert c.get("/api/v1/health").json() == {"status": "ok"}


@pytest.mark.parametrize("token", [None, "psb_not-a-real-token"])
def test_other_routes_need_a_valid_token(sandbox: Sandbox, token: str | None) -> None:
    with http(sandbox, token) as c:
        for response in (c.get("/api/v1/resources"), c.post("/api/v1/items", json=[{}])):
            assert response.status_code == 401
            assert response.json() == {
                "error": "unauthorized",
                "message": "invalid or missing bearer token",
            }
            if token:
                assert token not in response.text


def test_resources_lists_the_catalogue(sandbox: Sandbox) -> None:
    with http(sandbox, sandbox.token()) as c:
        body = c.get("/api/v1/resources").json()
    assert body["max_batch"] == sandbox.max_batch
    listed = {r["name"]: r for r in body["resources"]}
    assert set(listed) == set(RESOURCES)
    assert listed["item_locations"]["key"] == ["item_number", "location_code"]
    assert listed["customers"]["key_optional"] and listed["customers"]["sync_status"]
    assert not listed["items"]["sync_status"]


def test_post_answers_a_data_imported_summary(sandbox: Sandbox, run_tag: str) -> None:
    with http(sandbox, sandbox.token()) as c:
        body = [{"item_number": f"{run_tag}-1"}, {"description": "no key"}]
        first = c.post("/api/v1/items", json=body).json()
        second = c.post("/api/v1/items", json=body[:1]).json()
    assert first["action"] == "DataImported" and first["success"] is False
    assert (first["recordCountInRequest"], first["importedRecords"], first["failedRecords"]) == (
        2,
        1,
        1,
    )
    assert first["results"][1] == {
        "index": 1,
        "id": None,
        "status": "failed",
        "error": "record 1: missing key field item_number",
    }
    assert second["success"] is True and second["unchangedRecords"] == 1
    assert second["results"][0]["id"] == first["results"][0]["id"]


def test_oversized_batch_is_413_naming_the_limit(sandbox: Sandbox, run_tag: str) -> None:
    records = [{"item_number": f"{run_tag}-{i}"} for i in range(sandbox.max_batch + 1)]
    with http(sandbox, sandbox.token()) as c:
        response = c.post("/api/v1/items", json=records)
        count = len(c.get("/api/v1/items", params={"item_number": f"{run_tag}-0"}).json()["data"])
    assert response.status_code == 413
    assert f"at most {sandbox.max_batch}" in response.json()["message"]
    assert count == 0  # nothing of a refused batch is written


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[{", "not valid JSON"),
        (b'{"item_number": "A"}', "JSON array"),
        (b"[]", "JSON array"),
        (b'[{"item_number": "A"}, 7]', "element 1"),
    ],
)
def test_malformed_bodies_are_400(sandbox: Sandbox, body: bytes, says: str) -> None:
    with http(sandbox, sandbox.token()) as c:
        response = c.post("/api/v1/items", content=body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request" and says in response.json()["message"]


def test_unknown_resources_and_records_are_404(sandbox: Sandbox) -> None:
    with http(sandbox, sandbox.token()) as c:
        assert c.get("/api/v1/widgets").status_code == 404
        assert c.post("/api/v1/widgets", json=[{}]).status_code == 404
        assert c.get("/api/v1/items/987654321").status_code == 404
        assert c.get("/api/v1/items/abc").status_code == 404
        bad = c.get("/api/v1/items", params={"limit": "0"})
        assert bad.status_code == 400 and "limit" in bad.json()["message"]


def test_rate_limit_headers_and_429(sandbox: Sandbox) -> None:
    with http(sandbox, sandbox.token(calls=2, window=60)) as c:
        first = c.get("/api/v1/resources")
        second = c.get("/api/v1/resources")
        third = c.get("/api/v1/resources")
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert [first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]] == [
        "1",
        "0",
    ]
    assert third.status_code == 429 and third.json()["error"] == "rate_limited"
    retry_after = int(third.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert int(third.headers["X-RateLimit-Reset"]) == retry_after
    with http(sandbox, sandbox.token()) as c:  # unlimited tokens: no rate-limit headers
        assert "X-RateLimit-Limit" not in c.get("/api/v1/resources").headers


def test_faults_answer_the_next_requests_of_that_token_only(sandbox: Sandbox) -> None:
    token = sandbox.token()
    with http(sandbox, token) as c, http(sandbox, sandbox.token()) as other:
        armed = c.post(
            "/api/v1/_sandbox/faults", json={"status": 503, "count": 2, "retry_after": 3}
        )
        assert armed.status_code == 200
        assert other.get("/api/v1/resources").status_code == 200
        faulted = [c.get("/api/v1/resources") for _ in range(3)]
        bad = c.post("/api/v1/_sandbox/faults", json={"status": 200, "count": 1})
    assert [r.status_code for r in faulted] == [503, 503, 200]
    assert faulted[0].headers["Retry-After"] == "3"
    assert bad.status_code == 400 and "status" in bad.json()["message"]


def test_delete_by_ids_and_keys(sandbox: Sandbox, run_tag: str) -> None:
    with http(sandbox, sandbox.token()) as c:
        made = c.post("/api/v1/ship_vias", json=[{"ship_via": f"{run_tag}{i}"} for i in range(3)])
        ids = [r["id"] for r in made.json()["results"]]
        gone = c.post(
            "/api/v1/ship_vias/delete", json={"ids": ids[:1], "keys": [{"ship_via": f"{run_tag}1"}]}
        )
        assert gone.json() == {"deleted": 2}
        assert c.get(f"/api/v1/ship_vias/{ids[2]}").status_code == 200
        assert c.get(f"/api/v1/ship_vias/{ids[0]}").status_code == 404
        bad = c.post("/api/v1/ship_vias/delete", content=orjson.dumps({"ids": "all"}))
        assert bad.status_code == 400
