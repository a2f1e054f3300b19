"""The documented order of operations (seed 003) as data.

Each step names the platform entity it moves, its direction, and the steps whose output it
really needs (items need their product categories and locations on the platform first,
ship-tos need their customer, ...). The flow runs the steps serially in the documented
order, which is a topological order of these dependencies; when a step fails, only the
steps that depend on it, directly or transitively, are skipped.

Step 23 is the invoice-payments step that seeds 000 and 001 add after the 22 steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ORDER_OF_OPERATIONS", "Blocking", "StepSpec", "step"]

Direction = Literal["download", "upload"]


@dataclass(frozen=True)
class StepSpec:
    number: int
    name: str
    entity: str
    direction: Direction
    depends_on: tuple[int, ...] = ()
    # Step 1: countries come down on the first run only.
    first_run_only: bool = False

    @property
    def slug(self) -> str:
        return f"step-{self.number:02d}-" + self.name.lower().replace(" / ", "-").replace(" ", "-")


ORDER_OF_OPERATIONS: tuple[StepSpec, ...] = (
    StepSpec(1, "Download Countries", "countries", "download", first_run_only=True),
    StepSpec(2, "Download GL Accounts", "gl_accounts", "download"),
    StepSpec(3, "Download Tax Codes", "tax_codes", "download"),
    StepSpec(4, "Download Tax Schedules", "tax_schedules", "download", (3,)),
    StepSpec(5, "Download Ship Vias", "ship_vias", "download"),
    StepSpec(6, "Download TermsCodes", "terms", "download"),
    StepSpec(7, "Download SalesPeople", "sales_people", "download", (1,)),
    StepSpec(8, "Download Locations", "locations", "download", (1,)),
    StepSpec(9, "Download ProductCategories", "product_categories", "download"),
    StepSpec(10, "Download Items", "items", "download", (8, 9)),
    StepSpec(11, "Download ItemLocations", "item_locations", "download", (8, 10)),
    StepSpec(12, "Download PriceCodes", "price_codes", "download", (10,)),
    StepSpec(13, "Upload Customers", "customers", "upload", (1, 4, 5, 6, 7)),
    StepSpec(14, "Upload ShipTos", "ship_tos", "upload", (8, 13)),
    StepSpec(15, "Upload Contacts", "contacts", "upload", (13,)),
    StepSpec(16, "Download Customers", "customers", "download", (4, 5, 6, 7, 13)),
    StepSpec(17, "Download Ship Tos", "ship_tos", "download", (8, 14, 16)),
    StepSpec(18, "Download Bill To / Sold Tos", "customer_links", "download", (16,)),
    StepSpec(19, "Download Contacts", "contacts", "download", (15, 16)),
    StepSpec(20, "Download Invoices", "invoices", "download", (10, 16, 17)),
    StepSpec(21, "Upload Sales Orders", "sales_orders", "upload", (10, 11, 16, 17, 19)),
    StepSpec(22, "Download Sales Orders", "sales_orders", "download", (10, 16, 21)),
    StepSpec(23, "Upload Invoice Payments", "payments", "upload", (16, 20)),
)

_BY_NUMBER = {s.number: s for s in ORDER_OF_OPERATIONS}


def _check_order() -> None:
    seen: set[int] = set()
    for spec in ORDER_OF_OPERATIONS:
        missing = [d for d in spec.depends_on if d not in seen]
        if missing:  # the documented order must also be a valid execution order
            raise AssertionError(f"step {spec.number} depends on later steps {missing}")
        seen.add(spec.number)


_check_order()


def step(number: int) -> StepSpec:
    try:
        return _BY_NUMBER[number]
    except KeyError:
        raise KeyError(f"there is no step {number} in the order of operations") from None


class Blocking:
    """Which failed step keeps a step of this run from running.

    A step skipped because of a failure blocks its own dependents in turn, naming the same
    root failure. A dependency that is not part of the run blocks nothing: what it writes
    is on the other side from earlier runs.
    """

    def __init__(self) -> None:
        self._root: dict[int, int] = {}

    def failed(self, number: int) -> None:
        self._root[number] = number

    def blocked_by(self, spec: StepSpec) -> int | None:
        """The failed step at the root of `spec`'s trouble, or None when it may run."""
        for dep in spec.depends_on:
            if dep in self._root:
                self._root[spec.number] = self._root[dep]
                return self._root[dep]
        return None
