"""Deployments as ops see them: one set per company, the schedule, plain typed run forms,
and one run per company at a time across all three flows."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client

from deployments import build_deployments
from erpsync.config import Settings
from tests.flows.conftest import Project

ROOT = Path(__file__).resolve().parents[2]


def _apply(settings: Settings, config: Path | None = None) -> dict[str, Any]:
    out = {}
    for d in build_deployments(settings, config):
        deployment_id = d.apply()
        with get_client(sync_client=True) as client:
            dep = client.read_deployment(deployment_id)
            flow = client.read_flow(dep.flow_id)
        out[f"{flow.name}/{dep.name}"] = dep
    return out


def test_three_deployments_per_company_with_the_configured_schedule(project: Project) -> None:
    config = project.root / "erpsync.toml"
    settings = project.settings.model_copy(
        update={
            "prefect": project.settings.prefect.model_copy(
                update={"incremental_interval_seconds": 90}
            )
        }
    )
    deps = _apply(settings, config)
    assert set(deps) == {"incremental-sync/abc", "initial-seed/abc", "backfill/abc"}
    incremental = deps["incremental-sync/abc"]
    (schedule,) = incremental.schedules
    assert schedule.schedule.interval == timedelta(seconds=90)
    assert not deps["initial-seed/abc"].schedules and not deps["backfill/abc"].schedules
    for dep in deps.values():  # each run is told which company's configuration to use
        assert dep.parameters == {"config": str(config.resolve())}
        assert "company:ABC" in dep.tags
        # one run per company is the lease's job, not a deployment limit
        assert dep.global_concurrency_limit is None


def test_run_forms_are_plain_typed_parameters(project: Project) -> None:
    deps = _apply(project.settings)
    backfill = deps["backfill/abc"].parameter_openapi_schema
    assert backfill["required"] == ["entities"]
    props = backfill["properties"]
    assert props["start"]["anyOf"][0]["format"] == "date" and props["start"]["default"] is None
    assert props["dry_run"]["type"] == "boolean"
    entity_ref = props["entities"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert "item_locations" in backfill["definitions"][entity_ref]["enum"]
    assert "Report what would change" in props["dry_run"]["description"]
    incremental = deps["incremental-sync/abc"].parameter_openapi_schema
    assert set(incremental["properties"]) == {"dry_run", "config"}
    seed = deps["initial-seed/abc"].parameter_openapi_schema["properties"]
    assert (seed["years"]["minimum"], seed["years"]["maximum"]) == (0, 50)


def _execute(flow_run_id: Any) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    return subprocess.run(
        [sys.executable, "-m", "prefect", "flow-run", "execute", str(flow_run_id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backfill_started_through_the_api_with_flat_parameters(project: Project) -> None:
    """Ops fill in the backfill form (or `prefect deployment run --param entities=...`);
    a process executes the run."""
    from prefect.deployments import run_deployment

    from flows import initial_seed
    from tests.flows.helpers import run_flow

    run_flow(initial_seed, project.settings)
    _apply(project.settings, project.root / "erpsync.toml")
    last_year = date.today().year - 1
    parameters = {
        "entities": ["invoices"],
        "start": f"{last_year}-10-01",
        "end": f"{last_year}-12-31",
    }
    flow_run = run_deployment("backfill/abc", parameters=parameters, timeout=0)
    done = _execute(flow_run.id)
    assert done.returncode == 0, done.stderr[-2000:]
    with get_client(sync_client=True) as client:
        finished = client.read_flow_run(flow_run.id)
    assert finished.state is not None and finished.state.is_completed()

    store = project.settings.state_store()
    summary = store.run_summary(str(flow_run.id))
    store.close()
    assert summary is not None and summary.state == "COMPLETED"
    (step,) = summary.steps
    assert step.step == 20 and step.read > 0
    assert step.written == 0  # the seed already wrote every one of them


def test_a_run_that_finds_the_company_busy_is_skipped_and_says_so(project: Project) -> None:
    from flows import backfill, incremental_sync

    store = project.settings.state_store()
    store.migrate()
    holder = store.lease("sync-in-progress", "incremental-sync", ttl_seconds=120)
    holder.acquire()
    try:
        state = backfill(entities=["items"], return_state=True)
        also = incremental_sync(return_state=True)
    finally:
        holder.release()
    for result, flow in ((state, "backfill"), (also, "incremental-sync")):
        assert result.is_cancelled(), result
        assert "being synced by incremental-sync run sync-in-progress" in (result.message or "")
        summary = store.run_summary(str(result.state_details.flow_run_id))
        assert summary is not None and summary.flow == flow
        assert (summary.state, summary.steps) == ("SKIPPED", [])
        assert "sync-in-progress" in (summary.message or "")
    # once the holder is done, the next run goes ahead
    ran = incremental_sync(return_state=True)
    assert ran.is_completed()
    store.close()


def test_a_sync_started_while_the_seed_runs_is_skipped(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import incremental_sync, initial_seed
    from flows.walk import Walk

    # The seed holds its lease and waits in its first step until the sync has been tried.
    in_step, tried = threading.Event(), threading.Event()
    original = Walk._execute

    def held(self: Walk, spec: Any) -> Any:
        in_step.set()
        assert tried.wait(60)
        return original(self, spec)

    monkeypatch.setattr(Walk, "_execute", held)
    seeded: dict[str, Any] = {}
    seeding = threading.Thread(target=lambda: seeded.update(state=initial_seed(return_state=True)))
    seeding.start()
    try:
        assert in_step.wait(60), "the seed never reached its first step"
        skipped = incremental_sync(return_state=True)
    finally:
        tried.set()
        seeding.join()
    assert skipped.is_cancelled() and "being synced by initial-seed" in (skipped.message or "")
    assert seeded["state"].is_completed()
    store = project.settings.state_store()
    runs = {r.flow: r.state for r in store.recent_runs()}
    store.close()
    assert runs == {"initial-seed": "COMPLETED", "incremental-sync": "SKIPPED"}
