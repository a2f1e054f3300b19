"""Deployments as ops see them: the schedule, one run at a time, typed run forms."""

from __future__ import annotations

from typing import Any

from prefect.client.orchestration import get_client

from deployments import INCREMENTAL_INTERVAL, build_deployments
from erpsync.state import StateStore
from tests.flows.conftest import Project


def _sync_apply() -> dict[str, Any]:
    out = {}
    for d in build_deployments():
        deployment_id = d.apply()
        with get_client(sync_client=True) as client:
            dep = client.read_deployment(deployment_id)
            flow = client.read_flow(dep.flow_id)
        out[f"{flow.name}/{dep.name}"] = dep
    return out


def test_three_deployments_with_schedule_and_concurrency() -> None:
    deps = _sync_apply()
    assert set(deps) == {
        "incremental-sync/every-10-minutes",
        "initial-seed/on-demand",
        "backfill/on-demand",
    }
    incremental = deps["incremental-sync/every-10-minutes"]
    (schedule,) = incremental.schedules
    assert schedule.schedule.interval == INCREMENTAL_INTERVAL
    assert incremental.global_concurrency_limit is not None
    assert incremental.global_concurrency_limit.limit == 1
    assert incremental.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert not deps["initial-seed/on-demand"].schedules
    assert not deps["backfill/on-demand"].schedules


def test_backfill_form_is_typed() -> None:
    schema = _sync_apply()["backfill/on-demand"].parameter_openapi_schema
    assert schema["required"] == ["params"]
    model = schema["definitions"]["BackfillParameters"]
    assert set(model["required"]) == {"entities", "start", "end"}
    assert model["properties"]["start"]["format"] == "date"
    entity_ref = model["properties"]["entities"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert "item_locations" in schema["definitions"][entity_ref]["enum"]
    assert model["properties"]["dry_run"]["type"] == "boolean"


def test_a_backfill_started_through_the_api_writes_only_what_differs(project: Project) -> None:
    """Ops fill in the backfill deployment's form; a process executes the run."""
    import os
    import subprocess
    import sys
    from datetime import date
    from pathlib import Path

    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    from flows import initial_seed
    from tests.flows.helpers import run_flow

    run_flow(initial_seed, project.settings)
    backfill = next(d for d in build_deployments() if d.flow_name == "backfill")
    backfill.apply()
    last_year = date.today().year - 1
    parameters = {
        "params": {
            "entities": ["invoices"],
            "start": f"{last_year}-10-01",
            "end": f"{last_year}-12-31",
            "dry_run": False,
        }
    }
    flow_run = run_deployment("backfill/on-demand", parameters=parameters, timeout=0)
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "prefect", "flow-run", "execute", str(flow_run.id)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with get_client(sync_client=True) as client:
        finished = client.read_flow_run(flow_run.id)
    assert finished.state is not None and finished.state.is_completed()

    store = StateStore(project.settings.state_url)
    summary = store.run_summary(str(flow_run.id))
    store.close()
    assert summary is not None and summary.state == "COMPLETED"
    (step,) = summary.steps
    assert step.step == 20 and step.read > 0
    assert step.written == 0  # the seed already wrote every one of them
