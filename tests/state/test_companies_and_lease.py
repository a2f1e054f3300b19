"""Several companies in one state database, the per-company run lease, and the migration
of a database written before either existed (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from erpsync.state import StateStore
from erpsync.state import schema as t
from erpsync.state.lease import LeaseHeld, LeaseLost


def test_two_companies_share_a_database_without_touching_each_other(state_url: str) -> None:
    abc, xyz = StateStore(state_url, "ABC"), StateStore(state_url, "XYZ")
    abc.migrate()
    xyz.migrate()
    abc.link_downloads("items", [("A", "1", "h-abc")])
    xyz.link_downloads("items", [("A", "1", "h-xyz")])  # same key, same platform id
    abc.set_watermark("items", "download", "2026-11-22 1.00000", "r-abc")
    xyz.set_watermark("items", "download", "2026-11-23 2.00000", "r-xyz")
    abc.start_run("r-abc", "incremental-sync", {})
    # XYZ's start marks crashed only XYZ's runs left RUNNING, never ABC's live one
    assert xyz.start_run("r-xyz", "incremental-sync", {}) == []
    assert abc.download_links("items", ["A"]) == {"A": "h-abc"}
    assert xyz.download_links("items", ["A"]) == {"A": "h-xyz"}
    assert abc.get_watermark("items", "download") == "2026-11-22 1.00000"
    assert xyz.watermarks() == {("items", "download"): "2026-11-23 2.00000"}
    assert [r.run_id for r in abc.recent_runs()] == ["r-abc"]
    summary = abc.run_summary("r-abc")
    assert summary is not None and summary.state == "RUNNING"
    assert xyz.run_summary("r-abc") is None
    abc.close()
    xyz.close()


def test_one_run_per_company_holds_the_lease(store: StateStore) -> None:
    other = StateStore(store.url, "XYZ")
    with store.lease("seed-1", "initial-seed", ttl_seconds=60):
        with pytest.raises(LeaseHeld, match="being synced by initial-seed run seed-1") as held:
            store.lease("sync-2", "incremental-sync", ttl_seconds=60).acquire()
        assert held.value.exit_code == 5
        with other.lease("sync-3", "incremental-sync", ttl_seconds=60):  # another company
            pass
    # released: the next run takes it
    with store.lease("sync-4", "incremental-sync", ttl_seconds=60):
        pass
    other.close()


def test_a_dead_runs_lease_expires_and_a_live_one_is_renewed(store: StateStore) -> None:
    dead = store.lease("killed-1", "initial-seed", ttl_seconds=0.3)
    dead.acquire()
    dead._stop.set()  # the process died: nobody renews
    live = store.lease("sync-2", "incremental-sync", ttl_seconds=0.3)
    with pytest.raises(LeaseHeld):
        live.acquire()
    time.sleep(0.5)
    live.acquire()  # expired: taken over
    time.sleep(0.7)  # longer than the TTL: the heartbeat keeps it
    with pytest.raises(LeaseHeld, match="sync-2"):
        store.lease("sync-3", "backfill", ttl_seconds=0.3).acquire()
    assert dead.renew() is False  # the dead holder cannot take it back by renewing
    with pytest.raises(LeaseLost):
        dead.check()
    live.release()
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.lease)).scalar_one() == 0


def test_a_database_from_before_migrations_is_upgraded_in_place(state_url: str) -> None:
    initial = importlib.import_module("erpsync.state.migrations.versions.0001_initial")
    engine = sa.create_engine(state_url)
    initial.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(initial.schema_info.insert().values(id=1, version=1))
        conn.execute(
            initial.linkage.insert().values(
                entity="items", erp_key="A", platform_id="1", platform_hash="h", updated_at=now
            )
        )
        conn.execute(
            initial.watermark.insert().values(
                entity="items", direction="download", value="2026-11-22 1.00000", updated_at=now
            )
        )
        conn.execute(
            initial.run.insert().values(
                run_id="old", flow="initial-seed", state="COMPLETED", started_at=now
            )
        )
    engine.dispose()

    store = StateStore(state_url, "ABC")
    store.migrate()
    assert store.download_links("items", ["A"]) == {"A": "h"}
    assert store.get_watermark("items", "download") == "2026-11-22 1.00000"
    assert [r.run_id for r in store.recent_runs()] == ["old"]
    assert not sa.inspect(store.engine).has_table("schema_info")
    # the keys are per company now: another company may hold the same key
    xyz = StateStore(state_url, "XYZ")
    xyz.link_downloads("items", [("A", "1", "other")])
    xyz.set_watermark("items", "download", "2026-11-30 1.00000", "r")
    assert store.download_links("items", ["A"]) == {"A": "h"}
    store.close()
    xyz.close()


def test_the_lease_of_a_killed_process_on_this_machine_is_taken_at_once(store: StateStore) -> None:
    import os
    import signal
    import subprocess
    import sys

    code = (
        "import sys, time; from erpsync.state import StateStore; "
        "s = StateStore(sys.argv[1], 'ABC'); "
        "s.lease('killed-seed', 'initial-seed', 600).acquire(); "
        "print('held', flush=True); time.sleep(600)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, store.url], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    with pytest.raises(LeaseHeld, match="killed-seed"):  # alive: it holds the company
        store.lease("resume", "initial-seed", ttl_seconds=600).acquire()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    lease = store.lease("resume", "initial-seed", ttl_seconds=600)
    lease.acquire()  # not 10 minutes later: its holder is gone
    lease.release()
