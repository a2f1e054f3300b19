"""Small helpers for flow tests: run a flow, read its ledger entry, count platform rows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from erpsync.config import Settings
from erpsync.state import RunSummary, StateStore


def run_flow(flow: Any, settings: Settings, params: Any = None) -> RunSummary:
    state = flow(params, return_state=True)
    store = StateStore(settings.state_url)
    try:
        summary = store.run_summary(str(state.state_details.flow_run_id))
    finally:
        store.close()
    assert summary is not None, f"no ledger entry: {state.message}"
    assert (summary.state == "COMPLETED") == state.is_completed(), (summary.state, state)
    return summary


def by_step(summary: RunSummary) -> dict[int, Any]:
    return {s.step: s for s in summary.steps}


def erp_count(settings: Settings, table: str, where: str = "") -> int:
    engine = sa.create_engine(settings.erp_url)
    with engine.connect() as conn:
        n = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table} {where}")).scalar_one()
    engine.dispose()
    return int(n)


def erp_execute(settings: Settings, sql: str, **params: Any) -> None:
    engine = sa.create_engine(settings.erp_url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    engine.dispose()


def platform_count(settings: Settings, resource: str) -> int:
    from sandbox.platform.store import PlatformStore

    store = PlatformStore(settings.sandbox_platform_path)
    try:
        return store.count(resource)
    finally:
        store.close()
