"""How big a sandbox company is: tiny for tests, small for the demo, medium and large for
the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SCALES", "Scale", "scale_named"]


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    items: int
    orders: int  # every order ever entered, over `years` of history
    warehouses: int
    product_lines: int
    salespeople_per_division: int
    years: int = 4
    # Rows generated and inserted together; memory stays flat because nothing larger
    # than one chunk of any table is ever held.
    order_chunk: int = 5_000
    master_chunk: int = 5_000


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale(
            "tiny",
            customers=20,
            items=40,
            orders=300,
            warehouses=3,
            product_lines=6,
            salespeople_per_division=2,
        ),
        Scale(
            "small",
            customers=300,
            items=1_000,
            orders=6_000,
            warehouses=3,
            product_lines=12,
            salespeople_per_division=4,
        ),
        Scale(
            "medium",
            customers=5_000,
            items=10_000,
            orders=150_000,
            warehouses=5,
            product_lines=16,
            salespeople_per_division=8,
        ),
        Scale(
            "large",
            customers=50_000,
            items=100_000,
            orders=1_500_000,
            warehouses=8,
            product_lines=16,
            salespeople_per_division=12,
        ),
    )
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        known = ", ".join(SCALES)
        raise ValueError(f"unknown sandbox scale {name!r}; choose one of {known}") from None
