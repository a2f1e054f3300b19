"""Platform -> Sage mappings: platform records become a frame with Sage column names.

The frame is what the data-quality gate checks and what the write path sends through the
Business Object Interface, one row per platform record:

    record_key     the platform id (text)
    operation      "create" (no ERP record yet) or "update"
    customer_no    the platform's "{00}-{0000001}" form, as given
    ARDivisionNo, CustomerNo      split from customer_no (missing when malformed: the gate
                                  names the bad customer_no)
    <code_column>  ShipToCode / ContactCode, when the entity has one
    Sage columns   from the platform fields, UDF_ columns from custom fields

Empty platform values: with `empty_clears` (the platform connector's setting) an empty
field becomes "" and clears the Sage field; without it the column is left missing and the
write path does not touch the Sage field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from connectors.sage100.tables import Table
from connectors.sage100.tables import table as sage_table
from erpsync.errors import SchemaMismatch

__all__ = ["UploadMapping", "split_number"]

_SPLIT = ("SalespersonDivisionNo", "SalespersonNo")
_NUMBER = re.compile(r"^(\d{2})-([A-Z0-9]{1,20})$")


def split_number(value: Any) -> tuple[str | None, str | None]:
    """ "00-0000042" -> ("00", "0000042"); anything else -> (None, None)."""
    if not isinstance(value, str):
        return None, None
    match = _NUMBER.match(value)
    return (match.group(1), match.group(2)) if match else (None, None)


def _sage_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value


@dataclass(frozen=True)
class UploadMapping:
    entity: str
    table: str
    # Sage column -> platform field
    fields: Mapping[str, str]
    # UDF_ column -> platform custom field
    udfs: Mapping[str, str] = field(default_factory=dict)
    # Platform field holding a "{00}-{0000}" salesperson number, split into two columns.
    salesperson: str | None = None
    # Platform field / Sage column of the entity's own code under its customer.
    code: str | None = None
    code_column: str | None = None

    def for_company(self, live: Table, udfs: Mapping[str, str]) -> UploadMapping:
        """This mapping as the company `live` takes it: a column the company lacks is not
        written when it is optional, else SchemaMismatch names it; `udfs` are the
        configured UDF_ columns (UDF column -> platform custom field)."""
        have = set(live.column_names)
        spec = sage_table(self.table)
        known = set(spec.column_names)
        fields: dict[str, str] = {}
        missing: list[str] = []
        for column, source in self.fields.items():
            if column in have:
                fields[column] = source
            elif column not in known or not spec.column(column).optional:
                missing.append(column)
        absent_udfs = [c for c in udfs if c not in have]
        if absent_udfs:
            named = ", ".join(f"udf_fields.{self.entity}.{c}" for c in absent_udfs)
            raise SchemaMismatch(f"{named}: the company's {self.table} has no such column")
        if missing:
            named = ", ".join(f"{self.table}.{c}" for c in missing)
            raise SchemaMismatch(f"{self.entity}: the company has no {named}")
        return replace(self, fields=fields, udfs=dict(udfs))

    @property
    def sage_columns(self) -> tuple[str, ...]:
        cols = list(self.fields)
        if self.salesperson:
            cols += ["SalespersonDivisionNo", "SalespersonNo"]
        return (*cols, *self.udfs)

    def field_of(self, column: str) -> str:
        """The platform field a Sage column comes from (custom fields count as one)."""
        if column in self.udfs:
            return "custom_fields"
        if column in ("SalespersonDivisionNo", "SalespersonNo") and self.salesperson:
            return self.salesperson
        return self.fields[column]

    def frame(
        self,
        records: Sequence[Mapping[str, Any]],
        *,
        empty_clears: bool,
        linked: Mapping[str, str] | None = None,
    ) -> pd.DataFrame:
        """One row per record. `linked` maps platform id -> ERP key of records the ERP has."""
        linked = linked or {}
        rows = []
        for rec in records:
            pid = str(rec["id"])
            custom = rec.get("custom_fields") or {}
            division, number = split_number(rec.get("customer_no"))
            row: dict[str, Any] = {
                "record_key": pid,
                "customer_no": rec.get("customer_no"),
                "ARDivisionNo": division,
                "CustomerNo": number,
            }
            if self.code_column:
                row[self.code_column] = rec.get(self.code or "")
            # Linked records exist in the ERP; anything else is created there (with the
            # number or code it carries, or the next free one).
            row["operation"] = "update" if pid in linked else "create"
            for column, source in self.fields.items():
                row[column] = _sage_value(rec.get(source))
            if self.salesperson:
                div, no = split_number(rec.get(self.salesperson))
                row["SalespersonDivisionNo"], row["SalespersonNo"] = div, no
                row["salesperson_no"] = rec.get(self.salesperson)
            for column, name in self.udfs.items():
                row[column] = _sage_value(custom.get(name)) if isinstance(custom, dict) else None
            for column in self.sage_columns:
                if column in _SPLIT:
                    continue
                if empty_clears and row.get(column) is None:
                    row[column] = ""  # the platform emptied it: clear it in Sage
                elif not empty_clears and row.get(column) == "":
                    row[column] = None  # empty means "leave the ERP's value"
            rows.append(row)
        columns = ["record_key", "operation", "customer_no", "ARDivisionNo", "CustomerNo"]
        if self.code_column:
            columns.append(self.code_column)
        columns += list(self.sage_columns)
        if self.salesperson:
            columns.append("salesperson_no")
        return pd.DataFrame(rows, columns=columns).astype(object)
