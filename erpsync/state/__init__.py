"""The engine's own state: linkages, watermarks, run ledger, quarantine."""

from erpsync.state.models import QuarantineEntry, RecordError, RunSummary, StepOutcome
from erpsync.state.store import StateStore

__all__ = ["QuarantineEntry", "RecordError", "RunSummary", "StateStore", "StepOutcome"]
