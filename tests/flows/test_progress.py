"""A run tells its progress as it goes: to whoever watches the process (the CLI's bar or
lines) and to a Prefect progress artifact on the run."""

from __future__ import annotations

import asyncio
from uuid import UUID

from erpsync.engine.steps import ORDER_OF_OPERATIONS
from erpsync.progress import StepProgress, watching
from flows import initial_seed
from tests.flows.conftest import Project
from tests.flows.helpers import by_step, erp_count, run_flow


class Recorder:
    def __init__(self) -> None:
        self.begun: list[int] = []
        self.done: dict[int, list[int]] = {}
        self.outcome: dict[int, tuple[str, int, int | None]] = {}

    def started(self, p: StepProgress) -> None:
        self.begun.append(p.step)

    def advanced(self, p: StepProgress) -> None:
        self.done.setdefault(p.step, []).append(p.done)

    def ended(self, p: StepProgress, state: str) -> None:
        self.outcome[p.step] = (state, p.done, p.total)


async def _progress_of(run_id: str) -> list[object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterType,
    )

    async with get_client() as client:
        found = await client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)]),
                type=ArtifactFilterType(any_=["progress"]),
            )
        )
    return [a.data for a in found]


def test_a_seed_reports_each_step_with_totals_and_publishes_its_progress(
    project: Project,
) -> None:
    rec = Recorder()
    with watching(rec):
        seed = run_flow(initial_seed, project.settings)
    steps = by_step(seed)
    assert rec.begun == [s.number for s in ORDER_OF_OPERATIONS if s.number in steps]
    assert {n: o[0] for n, o in rec.outcome.items()} == {n: s.state for n, s in steps.items()}
    # A full read counts its rows first: the total is the table's, and the step reaches it.
    items = erp_count(project.settings, "CI_Item")
    assert rec.outcome[10] == ("COMPLETED", items, items) and steps[10].read == items
    _, done, total = rec.outcome[20]
    assert done == total and done >= steps[20].read > 0
    assert rec.done[20] == sorted(rec.done[20])
    # The run's progress artifact ends at 100%.
    assert asyncio.run(_progress_of(seed.run_id)) == [100.0]
