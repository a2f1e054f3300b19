"""Sales tax set-up (MAS_SYSTEM): codes with a rate per tax class, and schedules listing
their codes in order, the first being the primary code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sandbox.sage100 import reference_data as data
from sandbox.sage100.common import Frame

__all__ = ["NONTAX", "tax_frames"]

NONTAX = "NONTAX"
Stamped = Callable[[str, dict[str, list[Any]]], tuple[str, Frame]]


def tax_frames(tax_account: str, stamped: Stamped) -> Iterator[tuple[str, Frame]]:
    make = stamped
    tax_acct = tax_account
    codes = [(s, f"{d} State Tax", r, f) for s, d, r, f in data.STATE_TAX]
    codes += [(c, d, r, False) for c, d, r, *_ in data.LOCAL_TAX]
    codes.append((NONTAX, "Non-Taxable / Exempt", 0.0, False))
    yield make(
        "SY_SalesTaxCode",
        {
            "TaxCode": [c[0] for c in codes],
            "TaxCodeDesc": [c[1] for c in codes],
            "SalesTaxAcctKey": [tax_acct] * len(codes),
        },
    )
    detail = [
        (c, cls, rate if cls == "TX" or (cls == "TF" and freight) else 0.0)
        for c, _, rate, freight in codes
        for cls in ("NT", "TF", "TX")
    ]
    yield make(
        "SY_SalesTaxCodeDetail",
        {
            "TaxCode": [d[0] for d in detail],
            "TaxClass": [d[1] for d in detail],
            "TaxRate": [d[2] for d in detail],
        },
    )
    schedules = [(s, f"{d} Sales Tax", [s]) for s, d, *_ in data.STATE_TAX]
    # A local schedule lists the state first: the first code is the primary tax code.
    schedules += [
        (sch, f"{d} Combined", [state, code]) for code, d, _, state, _, sch in data.LOCAL_TAX
    ]
    schedules.append((NONTAX, "Non-Taxable", [NONTAX]))
    yield make(
        "SY_SalesTaxSchedule",
        {
            "TaxSchedule": [s[0] for s in schedules],
            "TaxScheduleDesc": [s[1] for s in schedules],
        },
    )
    seq = [(s, f"{i + 1:06d}", code) for s, _, codes_ in schedules for i, code in enumerate(codes_)]
    yield make(
        "SY_SalesTaxScheduleDetail",
        {
            "TaxSchedule": [r[0] for r in seq],
            "ScheduleSeqNo": [r[1] for r in seq],
            "TaxCode": [r[2] for r in seq],
        },
    )
