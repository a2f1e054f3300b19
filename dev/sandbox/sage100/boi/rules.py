"""The value rules the BOI applies on nSetValue, read from the catalogue.

Every check raises `Rejected` with the line Sage would put in sLastErrorMsg: the field
(in its BOI spelling, `$` for strings) and the offending value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from connectors.sage100.tables import STAMP_COLUMNS, Column

__all__ = [
    "READ_ONLY",
    "SALESPERSON_PAIRS",
    "Reference",
    "Rejected",
    "bare",
    "cents",
    "coerce",
    "label",
    "reference_for",
    "shown",
    "to_boi",
]

# Memo text keeps its line breaks; every other control character is refused.
_MEMO_CONTROLS = frozenset("\t\n\r")
READ_ONLY = frozenset(c.name for c in STAMP_COLUMNS)


class Rejected(Exception):
    """A BOI call failed; `str()` is the message for sLastErrorMsg."""


@dataclass(frozen=True)
class Reference:
    """A column whose value must be the key of a row in another table."""

    table: str
    column: str
    noun: str  # "a ship via"


_SHIP_VIA = Reference("SO_ShippingRateHeader", "ShippingCode", "a ship via")
_PAYMENT_TYPE = Reference("AR_PaymentType", "PaymentType", "a payment type")
_ACCOUNT = Reference("GL_Account", "AccountKey", "a G/L account key")
_REFERENCES: dict[str, Reference] = {
    "ShipMethod": _SHIP_VIA,
    "ShipVia": _SHIP_VIA,
    "TermsCode": Reference("AR_TermsCode", "TermsCode", "a terms code"),
    "TaxSchedule": Reference("SY_SalesTaxSchedule", "TaxSchedule", "a tax schedule"),
    "WarehouseCode": Reference("IM_Warehouse", "WarehouseCode", "a warehouse"),
    "PaymentType": _PAYMENT_TYPE,
    "DefaultPaymentType": _PAYMENT_TYPE,
    "ARDivisionNo": Reference("AR_Division", "ARDivisionNo", "an A/R division"),
    "SalesAcctKey": _ACCOUNT,
    "CostOfGoodsSoldAcctKey": _ACCOUNT,
    "CashAcctKey": _ACCOUNT,
}
_REFERENCES |= {
    division: Reference("AR_Division", "ARDivisionNo", "an A/R division")
    for division in ("SalespersonDivisionNo", "SalespersonDivisionNo2", "SalespersonDivisionNo3")
}
_COUNTRY = Reference("SY_Country", "CountryCode", "a country")

# SalespersonNo column -> its division column; the pair is one key of AR_Salesperson.
SALESPERSON_PAIRS: dict[str, str] = {
    "SalespersonNo": "SalespersonDivisionNo",
    "SalespersonNo2": "SalespersonDivisionNo2",
    "SalespersonNo3": "SalespersonDivisionNo3",
}


def reference_for(name: str) -> Reference | None:
    if name.endswith("CountryCode"):
        return _COUNTRY
    return _REFERENCES.get(name)


def bare(column: str) -> str:
    """ "CustomerName$" -> "CustomerName" (the BOI marks string columns with `$`)."""
    return column[:-1] if column.endswith("$") else column


def label(col: Column) -> str:
    """The column as the BOI spells it: `$` for every non-numeric column."""
    return col.name if col.kind == "dec" else f"{col.name}$"


def shown(value: object, limit: int = 40) -> str:
    """The value for a message: repr, cut short so a pasted essay stays one line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def cents(amount: float) -> int:
    """Money as integer cents, so sums and comparisons are exact."""
    return round(amount * 100)


def to_boi(col: Column, value: object) -> object:
    """A stored value as nGetValue returns it: dates as "YYYYMMDD" ("" when empty)."""
    if col.kind == "date":
        return value.strftime("%Y%m%d") if isinstance(value, date) else ""
    return value


def coerce(col: Column, value: object) -> object:
    """The value as stored, or Rejected naming the field and the value."""
    if col.kind == "dec":
        return _number(col, value)
    if col.kind == "date":
        return _date(col, value)
    if not isinstance(value, str):
        raise Rejected(f"{label(col)}: {shown(value)} is not text")
    allowed = _MEMO_CONTROLS if col.kind == "text" else frozenset()
    bad = next((ch for ch in value if ord(ch) < 0x20 and ch not in allowed), None)
    if bad is not None:
        raise Rejected(f"{label(col)}: {shown(value)} contains the control character {bad!r}")
    if col.codes and value not in col.codes:
        raise Rejected(f"{label(col)}: {shown(value)} is not one of {'/'.join(col.codes)}")
    if col.width is not None and len(value) > col.width:
        raise Rejected(
            f"{label(col)}: {shown(value)} is {len(value)} characters; the field holds {col.width}"
        )
    return value


def _number(col: Column, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Rejected(f"{label(col)}: {shown(value)} is not a number")
    try:
        number = float(Decimal(value.strip()) if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise Rejected(f"{label(col)}: {shown(value)} is not a number") from None
    if not math.isfinite(number):
        raise Rejected(f"{label(col)}: {shown(value)} is not a finite number")
    rounded = round(number, col.scale)
    digits = (col.width or 15) - col.scale
    if abs(rounded) >= 10**digits:
        raise Rejected(
            f"{label(col)}: {shown(value)} does not fit {col.width}.{col.scale} "
            f"(at most {digits} digits before the point)"
        )
    return rounded


def _date(col: Column, value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if value == "":
            return None
        if len(value) == 8 and value.isdigit():
            try:
                return datetime.strptime(value, "%Y%m%d").date()
            except ValueError:
                pass
    raise Rejected(f"{label(col)}: {shown(value)} is not a date (YYYYMMDD)")
