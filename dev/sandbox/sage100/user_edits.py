"""The edits Sage users make to items and customers: each returns new values that differ
from the row's current ones, so a touched row always really changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sandbox.sage100 import names

__all__ = ["ITEM_EDITS", "Edit", "customer_edits", "other"]

Row = dict[str, Any]
Edit = Callable[[np.random.Generator, Row], Row]


def other(rng: np.random.Generator, pool: Sequence[str], current: str) -> str:
    options = [p for p in pool if p != current]
    return options[int(rng.integers(0, len(options)))]


def _flip(column: str) -> Any:
    return lambda rng, row: {column: "N" if row[column] == "Y" else "Y"}


def _description(rng: np.random.Generator, row: dict[str, Any]) -> dict[str, Any]:
    base = str(row["ItemCodeDesc"]).split(" Rev ")[0][:24].rstrip()
    revision = other(rng, list("ABCDEFGH"), str(row["ItemCodeDesc"])[-1:])
    return {"ItemCodeDesc": f"{base} Rev {revision}"}


def _weight(rng: np.random.Generator, row: dict[str, Any]) -> dict[str, Any]:
    try:
        old = float(row["ShipWeight"] or 0)
    except ValueError:
        old = 0.0
    new = round(old * float(rng.uniform(0.8, 1.25)) + 0.25, 2)
    if abs(new - old) < 0.01:
        new += 0.5
    return {"ShipWeight": f"{new:.2f}".rstrip("0").rstrip(".")}


ITEM_EDITS = (
    _description,
    _weight,
    _flip("InactiveItem"),
    lambda rng, row: {"UDF_BRAND": other(rng, names.BRANDS, row["UDF_BRAND"])},
    _flip("AllowBackOrders"),
    _flip("UDF_WEB_ITEM"),
)


def customer_edits(ship_codes: list[str], terms: list[str]) -> tuple[Any, ...]:
    def phone(rng: np.random.Generator, row: dict[str, Any]) -> dict[str, Any]:
        area = str(row["TelephoneNo"] or "(555)")[:5]
        line = f"{area} {int(rng.integers(200, 999))}-{int(rng.integers(0, 10_000)):04d}"
        return {"TelephoneNo": line if line != row["TelephoneNo"] else f"{area} 555-0100"}

    def suite(rng: np.random.Generator, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "AddressLine2": other(
                rng, ["Suite 100", "Suite 250", "Unit C", "Bldg 2", ""], row["AddressLine2"]
            )
        }

    def limit(rng: np.random.Generator, row: dict[str, Any]) -> dict[str, Any]:
        return {"CreditLimit": float(row["CreditLimit"] or 0) + 500.0 * int(rng.integers(1, 20))}

    return (
        phone,
        suite,
        limit,
        _flip("CreditHold"),
        lambda rng, row: {"ShipMethod": other(rng, ship_codes, row["ShipMethod"])},
        lambda rng, row: {"TermsCode": other(rng, terms, row["TermsCode"])},
        lambda rng, row: {
            "PriceLevel": other(rng, ["", "1", "2", "3", "4", "5"], row["PriceLevel"])
        },
        lambda rng, row: {"UDF_INDUSTRY": other(rng, names.INDUSTRY_SECTORS, row["UDF_INDUSTRY"])},
    )
