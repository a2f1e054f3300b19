"""Writing gated platform records into Sage 100 through the Business Object Interface.

Each record: set the key (a new customer gets the next customer number of the configured
division; a new ship-to the next free code of its customer; a new contact the contact
code seed 003 prescribes), set the values, write. Creates carry the platform id in
UDF_PLATFORM_ID and are looked up by it first: a create that already reached the ERP in a
run that died is linked, not repeated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from connectors.sage100.boi import FAILURE
from connectors.sage100.tables import table as sage_table
from erpsync.mappings.sage import is_blank, is_missing

if TYPE_CHECKING:
    from erpsync.engine.context import SyncContext
    from erpsync.engine.upload import UploadSpec

__all__ = ["WriteOutcome", "write_rows"]

PLATFORM_ID = "UDF_PLATFORM_ID"


@dataclass
class WriteOutcome:
    written: dict[str, str] = field(default_factory=dict)  # platform id -> ERP key
    failed: dict[str, str] = field(default_factory=dict)  # platform id -> reason


def write_rows(
    ctx: SyncContext, spec: UploadSpec, frame: pd.DataFrame, updatable: list[str]
) -> WriteOutcome:
    table = sage_table(spec.mapping.table)
    key_columns = list(table.primary_key)
    outcome = WriteOutcome()
    creates = frame.loc[frame["operation"] == "create", "record_key"].tolist()
    outcome.written.update(_already_in_erp(ctx, table.name, key_columns, creates))
    codes = _taken_codes(ctx, spec, frame)
    bus: Any = ctx.erp_session().new_object(spec.bus)
    rows = cast(list[dict[str, Any]], frame.to_dict("records"))
    for row in rows:
        pid = str(row["record_key"])
        if pid in outcome.written:
            continue
        create = row["operation"] == "create"
        try:
            keys = _key_values(ctx, spec, bus, row, create, codes)
        except ValueError as exc:
            outcome.failed[pid] = str(exc)
            continue
        failure = _write_one(bus, keys, row, spec.mapping.sage_columns if create else updatable,
                             pid if create else None)  # fmt: skip
        if failure:
            outcome.failed[pid] = failure
        else:
            outcome.written[pid] = "|".join(keys[c] for c in key_columns)
    return outcome


def _write_one(
    bus: Any, keys: dict[str, str], row: dict[str, Any], columns: Iterable[str], pid: str | None
) -> str | None:
    """One BOI round: set key, values, write. Returns the failure message, or None."""
    for column, value in keys.items():
        if bus.set_key_value(column, value) == FAILURE:
            return _failed(bus, f"{column} {value!r}")
    if bus.set_key() == FAILURE:
        return _failed(bus, "key")
    for column in columns:
        field_value = row.get(column)
        if column in keys or is_missing(field_value):
            continue
        if bus.set_value(column, field_value) == FAILURE:
            return _failed(bus, column)
    if pid is not None and bus.set_value(PLATFORM_ID, pid) == FAILURE:
        return _failed(bus, PLATFORM_ID)
    if bus.write() == FAILURE:
        return _failed(bus, "write")
    return None


def _failed(bus: Any, what: str) -> str:
    message = bus.last_error_message or f"{what} refused"
    bus.clear()
    return f"Sage 100 refused the record: {message}"


def _already_in_erp(
    ctx: SyncContext, table: str, key_columns: list[str], platform_ids: list[str]
) -> dict[str, str]:
    if not platform_ids:
        return {}
    found: dict[str, str] = {}
    columns = [*key_columns, PLATFORM_ID]
    for part in ctx.erp.read_keys(table, columns, [PLATFORM_ID], [(p,) for p in platform_ids]):
        for values in part.to_dict("records"):
            found[str(values[PLATFORM_ID])] = "|".join(str(values[c]) for c in key_columns)
    return found


def _taken_codes(
    ctx: SyncContext, spec: UploadSpec, frame: pd.DataFrame
) -> dict[tuple[str, str], set[str]]:
    """Ship-to codes in use per customer, for new ship-tos that come without one."""
    if spec.mapping.code_column != "ShipToCode":
        return {}
    new = frame.loc[(frame["operation"] == "create") & frame["ShipToCode"].map(is_blank)]
    customers = {
        (str(div), str(no))
        for div, no in new[["ARDivisionNo", "CustomerNo"]].itertuples(index=False, name=None)
        if no
    }
    taken: dict[tuple[str, str], set[str]] = {c: set() for c in customers}
    cols = ["ARDivisionNo", "CustomerNo", "ShipToCode"]
    for part in ctx.erp.read_keys("SO_ShipToAddress", cols, cols[:2], sorted(customers)):
        for div, no, code in part.itertuples(index=False, name=None):
            taken.setdefault((div, no), set()).add(code)
    return taken


def _key_values(
    ctx: SyncContext,
    spec: UploadSpec,
    bus: Any,
    row: dict[str, Any],
    create: bool,
    codes: dict[tuple[str, str], set[str]],
) -> dict[str, str]:
    division, number = row.get("ARDivisionNo"), row.get("CustomerNo")
    if spec.mapping.code_column is None:  # the customer itself
        if create and is_blank(number):
            division = ctx.settings.sync.new_customer_division
            number = bus.get_next_customer_no(division)
        if is_blank(division) or is_blank(number):
            raise ValueError(
                f"customer_no {row.get('customer_no')!r} is not of the form 00-0000001"
            )
        return {"ARDivisionNo": str(division), "CustomerNo": str(number)}
    if is_blank(division) or is_blank(number):
        raise ValueError(f"customer_no {row.get('customer_no')!r} is not of the form 00-0000001")
    code_column = spec.mapping.code_column
    code = row.get(code_column)
    if is_blank(code):
        if code_column == "ContactCode":
            code = bus.get_next_contact_code(division, number)
        else:
            taken = codes.setdefault((str(division), str(number)), set())
            code = next(f"{n:04d}" for n in range(1, 10_000) if f"{n:04d}" not in taken)
            taken.add(code)
    return {"ARDivisionNo": str(division), "CustomerNo": str(number), code_column: str(code)}
