"""The sync engine: the order of operations, the run context, the download pipeline."""

from erpsync.engine.context import SyncContext
from erpsync.engine.steps import ORDER_OF_OPERATIONS, Blocking, StepSpec, step

__all__ = ["ORDER_OF_OPERATIONS", "Blocking", "StepSpec", "SyncContext", "step"]
