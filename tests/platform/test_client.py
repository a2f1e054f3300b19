"""PlatformClient against the real sandbox process: writes, reads, errors, retries."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import httpx
import pytest

from connectors.platform import (
    PlatformAuthError,
    PlatformClient,
    PlatformError,
    PlatformRateLimited,
    PlatformSettings,
    PlatformUnavailable,
    UpsertResult,
)
from erpsync.errors import ConfigError, ConnectionFailed
from tests.platform.conftest import ClientFactory, Recorder, Sandbox, Sleeps


def arm(
    sandbox: Sandbox, token: str, status: int, count: int, retry_after: int | None = None
) -> None:
    response = httpx.post(
        f"{sandbox.url}/api/v1/_sandbox/faults",
        json={"status": status, "count": count, "retry_after": retry_after},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200


def ids_of(result: UpsertResult) -> list[int]:
    ids = [r.id for r in result.results if r.id is not None]
    assert len(ids) == len(result.results)
    return ids


def stored(client: PlatformClient, resource: str, rid: int | None) -> dict[str, Any]:
    assert rid is not None
    record = client.get(resource, rid)
    assert record is not None
    return {k: v for k, v in record.items() if k not in ("id", "created_at", "updated_at")}


# --- health ------------------------------------------------------------------------------
def test_health_ok(make_client: ClientFactory) -> None:
    client = make_client()
    client.health()
    assert client.stats.calls[("GET", "resources")] == 1


def test_health_with_a_wrong_token(make_client: ClientFactory) -> None:
    wrong = "psb_wrong-token-value-0123456789"
    client = make_client(wrong)
    with pytest.raises(PlatformAuthError) as caught:
        client.health()
    assert isinstance(caught.value, ConnectionFailed)
    assert caught.value.status == 401 and caught.value.fault == "config"
    assert "platform.token" in str(caught.value)
    assert wrong not in str(caught.value) and wrong not in repr(caught.value)
    assert client.stats.retries == 0  # a refused token is never retried


def test_health_names_the_token_reference(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERPSYNC_TEST_PLATFORM_TOKEN", "psb_not-issued-by-this-sandbox")
    settings = PlatformSettings.model_validate(
        {"url": sandbox.url, "token": "env:ERPSYNC_TEST_PLATFORM_TOKEN"}
    )
    with (
        PlatformClient.from_settings(settings) as client,
        pytest.raises(PlatformAuthError) as caught,
    ):
        client.health()
    assert "env:ERPSYNC_TEST_PLATFORM_TOKEN" in str(caught.value)
    assert "psb_not-issued-by-this-sandbox" not in str(caught.value)


def test_health_unreachable(make_client: ClientFactory, free_port: int) -> None:
    sleeps = Sleeps()
    client = make_client(url=f"http://127.0.0.1:{free_port}", sleep=sleeps)
    with pytest.raises(PlatformUnavailable) as caught:
        client.health()
    assert str(caught.value).startswith(
        f"platform at http://127.0.0.1:{free_port} is unreachable: connection refused"
    )
    assert isinstance(caught.value, ConnectionFailed)
    assert len(sleeps.waits) == 2  # a health check gives up after two quick retries


def test_health_checks_the_batch_size_against_the_platform(
    sandbox: Sandbox, make_client: ClientFactory
) -> None:
    with pytest.raises(PlatformError, match=f"accepts at most {sandbox.max_batch}") as caught:
        make_client(max_batch=sandbox.max_batch * 2).health()
    assert caught.value.fault == "config"


def test_from_settings(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERPSYNC_TEST_PLATFORM_TOKEN", sandbox.token())
    settings = PlatformSettings.model_validate(
        {"url": sandbox.url, "token": "env:ERPSYNC_TEST_PLATFORM_TOKEN", "max_batch": 10}
    )
    with PlatformClient.from_settings(settings) as client:
        client.health()
        assert client.max_batch == 10
    with pytest.raises(ConfigError, match="embedded"):
        PlatformClient.from_settings(PlatformSettings.model_validate({}))


# --- writes ------------------------------------------------------------------------------
def test_upsert_create_unchanged_updated_and_merge(
    make_client: ClientFactory, run_tag: str
) -> None:
    client = make_client()
    record = {"item_number": run_tag, "description": "Widget", "price": 9.5}
    first = client.upsert("items", [record])
    assert (first.created, first.updated, first.unchanged, first.failed) == (1, 0, 0, 0)
    rid = first.results[0].id

    again = client.upsert("items", [record])
    assert (again.unchanged, again.results[0].id) == (1, rid)

    changed = client.upsert("items", [{"item_number": run_tag, "price": 10.0, "description": None}])
    assert changed.updated == 1
    assert stored(client, "items", rid) == {"item_number": run_tag, "price": 10.0}
    assert client.stats.records_sent == 3
    assert client.stats.calls[("POST", "items")] == 3


def test_key_optional_and_missing_keys(make_client: ClientFactory, run_tag: str) -> None:
    client = make_client()
    customers = client.upsert("customers", [{"name": f"{run_tag} walk-in"}])
    assert customers.created == 1
    assert stored(client, "customers", customers.results[0].id) == {
        "name": f"{run_tag} walk-in",
        "erp_status": "empty",
    }
    result = client.upsert(
        "ship_vias",
        [{"ship_via": f"{run_tag}A"}, {"description": "no key"}, {"ship_via": f"{run_tag}B"}],
    )
    assert [r.status for r in result.results] == ["created", "failed", "created"]
    assert result.results[1].index == 1
    assert result.results[1].error == "record 1: missing key field ship_via"


def test_batches_over_the_limit(sandbox: Sandbox, make_client: ClientFactory, run_tag: str) -> None:
    client = make_client()
    records = [{"item_number": f"{run_tag}-{i}"} for i in range(sandbox.max_batch + 1)]
    with pytest.raises(ValueError, match=r"platform\.max_batch"):
        client.upsert("items", records)
    assert client.stats.total_calls == 0  # refused before any call
    generous = make_client(max_batch=sandbox.max_batch * 2)
    with pytest.raises(PlatformError, match="413") as caught:
        generous.upsert("items", records)
    assert caught.value.status == 413 and caught.value.fault == "config"


def test_upsert_encoded_sends_the_exact_bytes(make_client: ClientFactory, run_tag: str) -> None:
    recorder = Recorder()
    client = make_client(transport=recorder)
    # Odd but valid spacing and key order: re-encoding would normalise both.
    encoded = [
        f'{{"price": 1.50,   "item_number": "{run_tag}-1"}}'.encode(),
        f'{{ "item_number":"{run_tag}-2","description":"d\\u00e9j\\u00e0" }}'.encode(),
    ]
    result = client.upsert_encoded("items", encoded)
    assert result.created == 2
    [(request, _response)] = recorder.exchanges
    assert request.content == b"[" + b",".join(encoded) + b"]"
    assert request.headers["Content-Type"] == "application/json"
    assert stored(client, "items", result.results[1].id)["description"] == "déjà"


# --- reads -------------------------------------------------------------------------------
def test_changed_pages_survive_concurrent_edits(make_client: ClientFactory, run_tag: str) -> None:
    writer = make_client()
    created = writer.upsert(
        "items", [{"item_number": f"{run_tag}-{i:02d}", "run": run_tag, "n": i} for i in range(35)]
    )
    ids = ids_of(created)
    reader = make_client(page_size=10)
    seen: list[tuple[int, int]] = []
    for page_no, page in enumerate(reader.iter_changed("items", filters={"run": run_tag})):
        seen.extend((r["id"], r["n"]) for r in page)
        if page_no == 0:
            # Edit 5 records already read and 3 not read yet while the reader is paging.
            edits = [
                {"item_number": f"{run_tag}-{i:02d}", "n": 100 + i} for i in (*range(5), 31, 32, 33)
            ]
            assert writer.upsert("items", edits).updated == 8
    assert {rid for rid, _ in seen} == set(ids)  # nothing lost
    assert len(seen) == 35 + 5  # the 5 edited after being read come again, at the end
    final = dict(seen)
    assert [final[ids[i]] for i in (0, 31, 33)] == [100, 131, 133]
    assert reader.stats.calls[("GET", "items")] == 4


def test_changed_since_and_erp_status_filter(make_client: ClientFactory, run_tag: str) -> None:
    client = make_client()
    statuses = ["readyforfirstsync", "synced", "readyforfirstsync", "error", "empty"]
    client.upsert(
        "customers",
        [
            {"customer_no": f"{run_tag}{i}", "run": run_tag, "erp_status": s}
            for i, s in enumerate(statuses)
        ],
    )

    def read(**kwargs: Any) -> list[dict[str, Any]]:
        return [r for page in client.iter_changed("customers", **kwargs) for r in page]

    ready = read(filters={"run": run_tag, "erp_status": "readyforfirstsync"})
    assert [r["customer_no"] for r in ready] == [f"{run_tag}0", f"{run_tag}2"]
    client.upsert("customers", [{"customer_no": f"{run_tag}4", "name": "later"}])
    # since is inclusive: the first batch's own stamp brings all five back, the edited
    # one last (its stamp is newer); its new stamp brings only it
    everything = read(since=ready[0]["updated_at"], filters={"run": run_tag})
    assert [r["customer_no"] for r in everything] == [f"{run_tag}{i}" for i in range(5)]
    latest = read(since=everything[-1]["updated_at"], filters={"run": run_tag})
    assert [r["name"] for r in latest] == ["later"]
    as_datetime = datetime.fromisoformat(everything[-1]["updated_at"])  # sent as +00:00
    assert read(since=as_datetime, filters={"run": run_tag}) == latest
    with pytest.raises(ValueError, match="paging parameter"):
        read(filters={"cursor": "x"})


def test_user_edits_mark_synced_records(
    sandbox: Sandbox, make_client: ClientFactory, run_tag: str
) -> None:
    integration = make_client()
    user = make_client(sandbox.token(role="user"))
    made = integration.upsert(
        "contacts",
        [
            {"customer_no": run_tag, "contact_code": "1", "name": "Ann", "erp_status": "synced"},
            {"customer_no": run_tag, "contact_code": "2", "name": "Bob", "erp_status": "synced"},
        ],
    )
    user.upsert("contacts", [{"customer_no": run_tag, "contact_code": "1", "name": "Anne"}])
    integration.upsert(
        "contacts", [{"customer_no": run_tag, "contact_code": "2", "name": "Robert"}]
    )
    ids = ids_of(made)
    assert stored(integration, "contacts", ids[0])["erp_status"] == "updatesmade"
    assert stored(integration, "contacts", ids[1])["erp_status"] == "synced"
    flagged = [
        r["id"]
        for p in integration.iter_changed(
            "contacts", filters={"customer_no": run_tag, "erp_status": "updatesmade"}
        )
        for r in p
    ]
    assert flagged == [ids[0]]


def test_get_and_delete(make_client: ClientFactory, run_tag: str) -> None:
    client = make_client()
    made = client.upsert("terms", [{"terms_code": f"{run_tag}{i}", "days": i} for i in range(3)])
    ids = ids_of(made)
    assert client.delete("terms", ids[:1], keys=[{"terms_code": f"{run_tag}1"}]) == 2
    assert client.get("terms", ids[0]) is None
    assert stored(client, "terms", ids[2]) == {"terms_code": f"{run_tag}2", "days": 2}
    with pytest.raises(ValueError, match="unknown platform resource"):
        client.get("widgets", 1)


# --- retries -----------------------------------------------------------------------------
def test_429_waits_exactly_the_retry_after(sandbox: Sandbox, make_client: ClientFactory) -> None:
    sleeps = Sleeps(real=True)  # the window must really pass for the retry to get in
    recorder = Recorder()
    client = make_client(sandbox.token(calls=2, window=2), sleep=sleeps, transport=recorder)
    client.health()
    client.health()
    client.health()  # over the limit: 429, wait, then through
    statuses = [response.status_code for _, response in recorder.exchanges]
    assert statuses == [200, 200, 429, 200]
    limited = recorder.exchanges[2][1]
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert sleeps.waits == [float(limited.headers["Retry-After"])]
    assert client.stats.retries == 1


def test_503_is_retried_then_succeeds(
    sandbox: Sandbox, make_client: ClientFactory, run_tag: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = sandbox.token()
    sleeps = Sleeps()
    client = make_client(token, sleep=sleeps)
    arm(sandbox, token, 503, 2)
    with caplog.at_level(logging.WARNING, logger="erpsync.platform"):
        result = client.upsert("items", [{"item_number": run_tag}])
    assert result.created == 1  # the record was written exactly once
    assert len(sleeps.waits) == 2 and all(0 < w <= 30 for w in sleeps.waits)
    assert client.stats.retries == 2
    retries = [r.getMessage() for r in caplog.records if r.name == "erpsync.platform"]
    assert len(retries) == 2
    assert retries[0].startswith("platform POST /api/v1/items answered 503; retry 1 of 6 in ")


def test_a_retry_after_from_a_5xx_is_honoured(sandbox: Sandbox, make_client: ClientFactory) -> None:
    token = sandbox.token()
    sleeps = Sleeps()
    client = make_client(token, sleep=sleeps)
    arm(sandbox, token, 502, 1, retry_after=7)
    client.health()
    assert sleeps.waits == [7.0]


@pytest.mark.parametrize(
    ("status", "error", "fault"),
    [(503, PlatformUnavailable, "transient"), (500, PlatformError, "system")],
)
def test_retries_give_up(
    sandbox: Sandbox,
    make_client: ClientFactory,
    status: int,
    error: type[PlatformError],
    fault: str,
) -> None:
    token = sandbox.token()
    sleeps = Sleeps()
    client = make_client(token, sleep=sleeps, max_retries=2)
    arm(sandbox, token, status, 5)
    with pytest.raises(
        error, match=f"\\({status}\\) on GET /api/v1/items; gave up after 2 retries"
    ) as caught:
        list(client.iter_changed("items"))
    assert caught.value.fault == fault and caught.value.status == status
    assert len(sleeps.waits) == 2


@pytest.mark.parametrize(
    ("status", "error"), [(429, PlatformRateLimited), (503, PlatformUnavailable)]
)
def test_a_retry_after_above_the_maximum_fails_fast(
    sandbox: Sandbox, make_client: ClientFactory, status: int, error: type[PlatformError]
) -> None:
    token = sandbox.token()
    sleeps = Sleeps()
    client = make_client(token, sleep=sleeps, max_retry_wait=120)
    arm(sandbox, token, status, 1, retry_after=600)
    with pytest.raises(error, match=r"wait 600s, more than platform\.max_retry_wait_seconds"):
        client.health()
    assert sleeps.waits == []


@pytest.mark.parametrize("status", [401, 403, 404, 400])
def test_client_errors_are_never_retried(
    sandbox: Sandbox, make_client: ClientFactory, status: int
) -> None:
    token = sandbox.token()
    sleeps = Sleeps()
    client = make_client(token, sleep=sleeps)
    arm(sandbox, token, status, 1)
    with pytest.raises(PlatformError) as caught:
        client.upsert("items", [{"item_number": "never-written"}])
    assert caught.value.status == status and sleeps.waits == []
    assert isinstance(caught.value, PlatformAuthError) == (status in (401, 403))


# --- secrets -----------------------------------------------------------------------------
def test_the_token_never_leaks(
    sandbox: Sandbox,
    make_client: ClientFactory,
    free_port: int,
    caplog: pytest.LogCaptureFixture,
    run_tag: str,
) -> None:
    good = sandbox.token()
    wrong = "psb_wrong-but-secret-9f8e7d6c5b4a"
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):  # httpx's and httpcore's own loggers included
        client = make_client(good)
        arm(sandbox, good, 503, 1)
        client.upsert("items", [{"item_number": run_tag}])
        list(client.iter_changed("items", filters={"item_number": run_tag}))
        texts.append(repr(client))
        for bad in (make_client(wrong), make_client(good, url=f"http://127.0.0.1:{free_port}")):
            with pytest.raises(PlatformError) as caught:
                bad.health()
            texts += [str(caught.value), repr(caught.value), repr(bad)]
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # httpx did log
    for secret in (good, wrong):
        assert secret not in caplog.text
        assert all(secret not in text for text in texts)
    assert "Bearer" not in caplog.text


def test_wrong_typed_token_is_refused() -> None:
    with pytest.raises(TypeError, match="SecretStr"):
        PlatformClient("http://127.0.0.1:1", "plain-string")  # type: ignore[arg-type]


def test_upsert_refuses_unencodable_records(make_client: ClientFactory) -> None:
    with pytest.raises(ValueError, match="record 1 for items cannot be sent as JSON"):
        make_client().upsert("items", [{"item_number": "a"}, {"item_number": object()}])


def test_stats_count_calls_per_resource(make_client: ClientFactory, run_tag: str) -> None:
    client = make_client()
    client.upsert("countries", [{"country_code": run_tag[:3]}])
    list(client.iter_changed("countries", filters={"country_code": run_tag[:3]}))
    client.get("countries", 1)
    assert dict(client.stats.calls) == {("POST", "countries"): 1, ("GET", "countries"): 2}
    assert client.stats.records_sent == 1 and client.stats.total_calls == 3
