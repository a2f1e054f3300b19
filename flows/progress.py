"""The run's progress as a Prefect progress artifact, for whoever watches the run in the UI.

Created with the run (0%), moved as steps advance (at most every `interval` seconds, and
at every step's end), 100% when the walk is over. Its description says which step runs
and how far it is, as the CLI's plain lines do.
"""

from __future__ import annotations

import logging
import time
from uuid import UUID

from erpsync.progress import StepProgress, describe

__all__ = ["ProgressArtifact"]

_log = logging.getLogger("erpsync.progress")


class ProgressArtifact:
    def __init__(self, flow_name: str, interval: float = 5.0) -> None:
        self.flow_name = flow_name
        self.interval = interval
        self._id: UUID | None = None
        self._last = 0.0

    def create(self) -> None:
        from prefect.artifacts import create_progress_artifact

        try:
            made = create_progress_artifact(
                0.0, key=f"{self.flow_name}-progress", description=f"{self.flow_name}: starting"
            )
            # Called from a sync flow, the dispatcher runs the sync variant: a UUID.
            self._id = made if isinstance(made, UUID) else None
        except Exception:  # no API to show it on: the run goes on without it
            _log.debug("no progress artifact for this run", exc_info=True)

    def _update(self, percent: float, description: str) -> None:
        if self._id is None:
            return
        from prefect.artifacts import update_progress_artifact

        self._last = time.monotonic()
        update_progress_artifact(self._id, round(percent, 1), description=description)

    def started(self, p: StepProgress) -> None:
        self._update(100 * p.run_fraction, describe(p))

    def advanced(self, p: StepProgress) -> None:
        if time.monotonic() - self._last >= self.interval:
            self._update(100 * p.run_fraction, describe(p))

    def ended(self, p: StepProgress, state: str) -> None:
        done = (p.index + 1) / max(p.steps, 1)
        self._update(100 * done, f"{describe(p)}: {state.lower()}")

    def finished(self, state: str) -> None:
        self._update(100.0, f"{self.flow_name}: {state.lower()}")
