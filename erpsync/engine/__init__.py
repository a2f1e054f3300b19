"""The sync engine: the order of operations, the run context, the download pipeline."""

from erpsync.engine.context import SyncContext
from erpsync.engine.steps import ORDER_OF_OPERATIONS, StepSpec, dependents, step

__all__ = ["ORDER_OF_OPERATIONS", "StepSpec", "SyncContext", "dependents", "step"]
