"""The steps of the order of operations, as Prefect tasks (see tasks.registry.STEPS)."""

from tasks import customers, inventory, reference, transactions
from tasks.registry import STEPS, step_task

__all__ = ["STEPS", "customers", "inventory", "reference", "step_task", "transactions"]
