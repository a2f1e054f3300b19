"""The state store's contract, on SQLite and on PostgreSQL: idempotent linkage writes,
watermarks, the run ledger and the quarantine."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from erpsync.errors import ConfigError
from erpsync.state import QuarantineEntry, RecordError, StateStore, StepOutcome
from erpsync.state import schema as t


def test_migrate_is_repeatable_and_refuses_a_newer_schema(state_url: str) -> None:
    store = StateStore(state_url, "ABC")
    store.migrate()
    store.migrate()
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ConfigError, match="revision 9999 is newer than this erpsync"):
        store.migrate()
    store.close()


def test_download_links_are_idempotent_and_carry_the_last_hash(store: StateStore) -> None:
    assert not store.has_links("items")
    store.link_downloads("items", [("A", "1", "h1"), ("B", "2", "h2")])
    store.link_downloads("items", [("A", "1", "h1"), ("B", "2", "h2")])  # a re-done batch
    store.link_downloads("items", [("B", "2", "h3")])
    assert store.has_links("items") and not store.has_links("customers")
    assert store.download_links("items", ["A", "B", "C"]) == {"A": "h1", "B": "h3"}
    with store.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(t.linkage)).scalar_one()
    assert n == 2


def test_a_refused_download_is_retried_once_per_run(store: StateStore) -> None:
    store.link_downloads("items", [("A", "1", "h1")])
    store.mark_download_failed("items", [("A", "too long"), ("N", "bad")], run_id="r1")
    # the platform has A (with an id): it is sent again (hash None); N it never had
    assert store.download_links("items", ["A", "N"]) == {"A": None}
    assert sorted(store.failed_downloads("items", run_id="r2")) == ["A", "N"]
    assert store.failed_downloads("items", run_id="r1") == []  # tried in this run already
    store.link_downloads("items", [("N", "7", "h7")])
    assert store.failed_downloads("items", run_id="r3") == ["A"]


def test_an_upload_link_joins_a_record_known_by_either_key(store: StateStore) -> None:
    store.mark_upload_failed("customers", [("p1", "Sage refused: name")])
    store.link_downloads("customers", [("00-0000042", None, "dh")])
    store.link_uploads("customers", [("p1", "00-0000042", "eh", "ph")])
    assert store.upload_links("customers", ["p1"]) == {"p1": ("00-0000042", "eh", "ph")}
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.linkage.c.erp_key, t.linkage.c.platform_id, t.linkage.c.status)
        ).all()
    assert [tuple(r) for r in rows] == [("00-0000042", "p1", "synced")]


def test_watermarks_and_frontiers_per_entity_and_direction(store: StateStore) -> None:
    assert store.get_watermark("items", "download") is None
    store.set_watermark("items", "download", "2026-11-22 14.53333", "r1", {"CI_Item": ["A@x"]})
    store.set_watermark("items", "upload", "2026-11-22T10:00:00Z", "r1")
    store.set_watermark("items", "download", "2026-11-23 1.00000", "r2", {"CI_Item": []})
    assert store.get_watermark("items", "download") == "2026-11-23 1.00000"
    assert store.get_frontier("items", "download") == {"CI_Item": []}
    assert store.watermarks() == {
        ("items", "download"): "2026-11-23 1.00000",
        ("items", "upload"): "2026-11-22T10:00:00Z",
    }


def test_the_run_ledger_and_an_interrupted_seed(store: StateStore) -> None:
    store.start_run("s1", "initial-seed", {"years": 3})
    store.record_step("s1", StepOutcome(1, "Download Countries", "countries", "download", read=3))
    store.record_step(
        "s1", StepOutcome(2, "Download GL Accounts", "gl_accounts", "download", state="FAILED")
    )
    store.record_errors("s1", [RecordError(2, "gl_accounts", "100", "AccountDesc", "too long")])
    assert store.interrupted("initial-seed") == ("s1", {1})
    # a new run of the same flow: the one left RUNNING is marked crashed
    store.start_run("s2", "initial-seed", {"years": 3})
    s1 = store.run_summary("s1")
    assert s1 is not None and s1.state == "CRASHED" and s1.steps[0].read == 3
    store.finish_run("s2", "COMPLETED", io={"erp_queries": 4})
    assert store.interrupted("initial-seed") is None
    assert [r.run_id for r in store.recent_runs()] == ["s2", "s1"]
    assert store.run_errors("s1")[0].field == "AccountDesc"


def test_quarantine_keeps_one_open_entry_per_record_until_resolved(store: StateStore) -> None:
    def entry(key: str, message: str) -> QuarantineEntry:
        failure = {"expectation": "x", "column": "CustomerName", "message": message}
        return QuarantineEntry(13, "customers", "upload", key, {"k": key}, [failure], key)

    store.quarantine("r1", [entry("p1", "too long"), entry("p2", "blank")])
    store.quarantine("r2", [entry("p1", "still too long")])
    open_now = store.open_quarantine()
    assert [(q["record_key"], q["failures"][0]["message"]) for q in open_now] == [
        ("p2", "blank"),
        ("p1", "still too long"),
    ]
    assert store.resolve_quarantine("customers", ["p1", "p9"], "r3") == 1
    assert [q["record_key"] for q in store.open_quarantine("customers")] == ["p2"]
