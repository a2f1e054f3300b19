"""Value objects of the run ledger."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["QuarantineEntry", "RecordError", "RunSummary", "StepOutcome"]

_COUNTS = ("read", "changed", "written", "unchanged", "quarantined", "failed", "waiting")


@dataclass
class StepOutcome:
    """What one step of one run did. `state` is COMPLETED, FAILED, SKIPPED or HELD (the
    gate's circuit breaker held the entity back). `waiting`: records kept pending because
    their customer is not in the ERP yet."""

    step: int
    name: str
    entity: str
    direction: str
    state: str = "COMPLETED"
    read: int = 0
    changed: int = 0
    written: int = 0
    unchanged: int = 0
    quarantined: int = 0
    failed: int = 0
    seconds: float = 0.0
    message: str | None = None
    waiting: int = 0

    def ledger_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_ledger_row(cls, row: dict[str, Any]) -> StepOutcome:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "step": self.step,
            "name": self.name,
            "entity": self.entity,
            "direction": self.direction,
            "state": self.state,
        }
        out.update({k: getattr(self, k) for k in _COUNTS})
        out["seconds"] = round(self.seconds, 3)
        if self.message:
            out["message"] = self.message
        return out


@dataclass(frozen=True)
class RecordError:
    """A record a step could not map or write; the others went on."""

    step: int
    entity: str
    record_key: str
    field: str | None
    reason: str

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QuarantineEntry:
    step: int
    entity: str
    direction: str
    record_key: str
    payload: dict[str, Any]
    failures: list[dict[str, Any]]
    platform_id: str | None = None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunSummary:
    run_id: str
    flow: str
    state: str
    started_at: datetime
    finished_at: datetime | None
    message: str | None
    parameters: dict[str, Any] | None
    steps: list[StepOutcome] = field(default_factory=list)
    io: dict[str, Any] | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], steps: list[StepOutcome]) -> RunSummary:
        return cls(
            run_id=row["run_id"],
            flow=row["flow"],
            state=row["state"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            message=row["message"],
            parameters=row["parameters"],
            steps=steps,
            io=row.get("io"),
        )

    @property
    def written(self) -> int:
        return sum(s.written for s in self.steps)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "state": self.state,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "message": self.message,
            "io": self.io,
            "steps": [s.as_json() for s in sorted(self.steps, key=lambda s: s.step)],
        }
