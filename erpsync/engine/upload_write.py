"""Writing gated platform records into Sage 100 through the Business Object Interface,
exactly once, and the key claims every upload shares.

Each record: its key, its values, write. An update, or a create that carries its number
or code, has its key already; writing it again is writing the same record again. A
create that needs a key (the next customer number of the configured division, the next
free ship-to code of its customer, the next contact code seed 003 prescribes) claims one
first (`claim_keys`): the key is reserved and committed as a write intent in the state
database before the BOI's write(), so a run that dies after Sage took the record and
before the linkage was committed leaves the key behind, and the next run finds the record
under it and links it instead of creating a second one. No UDF of erpsync's own is
needed; `sync.platform_id_udf`, when set, names one that is written on create and looked
up as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from connectors.sage100.boi import FAILURE, NEW_RECORD
from connectors.sage100.tables import table as sage_table
from erpsync.errors import ConfigError
from erpsync.mappings.sage import is_blank, is_missing
from erpsync.state.intents import Claim, Claimed, same_record

if TYPE_CHECKING:
    from erpsync.engine.context import SyncContext
    from erpsync.engine.upload import UploadSpec

__all__ = [
    "Lookup",
    "WriteOutcome",
    "by_platform_id",
    "claim_keys",
    "recovered",
    "split_key",
    "write_rows",
]

# Where a new ship-to's or contact's code must not collide: the codes its customer uses.
_CODE_TABLES = {"ShipToCode": "SO_ShipToAddress", "ContactCode": "AR_CustomerContact"}


@dataclass
class WriteOutcome:
    written: dict[str, str] = field(default_factory=dict)  # platform id -> ERP key
    failed: dict[str, str] = field(default_factory=dict)  # platform id -> reason


# --- claims: a key per create, committed before the write --------------------------------


@dataclass(frozen=True)
class Lookup:
    """A table a record written earlier may be found in. `key_columns` are the ERP key's
    parts in order; `columns` maps an identity name to this table's column where they
    differ; `where` is a (column, value) the row must have; `optional`: a company may
    lack the table."""

    table: str
    key_columns: tuple[str, ...]
    columns: Mapping[str, str] = field(default_factory=dict)
    where: tuple[str, str] | None = None
    optional: bool = False


def split_key(key: str, parts: int) -> list[str]:
    # Only the last part may hold a "|" (a check number); the others are Sage codes.
    return key.split("|", parts - 1)


def claim_keys(
    ctx: SyncContext, entity: str, claims: Sequence[Claim], lookups: Sequence[Lookup]
) -> Claimed:
    """The key each create is written under, its intent committed before this returns;
    or the key of the record Sage already has for it (erpsync.state.intents)."""

    def find(keys: Sequence[str], names: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        return found_in_erp(ctx, lookups, names, keys)

    return ctx.state.claim_keys(entity, ctx.run_id, claims, find)


def recovered(
    ctx: SyncContext, entity: str, pids: list[str], lookups: Sequence[Lookup]
) -> dict[str, str]:
    """Records Sage holds under the key of their write intent, with the identity written:
    written by a run that died before linking them. platform id -> ERP key."""
    intents = list(ctx.state.write_intents(entity, pids).values()) if pids else []
    names = sorted({n for i in intents for n in i.identity})
    in_erp = found_in_erp(ctx, lookups, names, sorted({i.erp_key for i in intents}))
    return {
        i.platform_id: i.erp_key
        for i in intents
        if same_record(i.identity, in_erp.get(i.erp_key, []))
    }


def found_in_erp(
    ctx: SyncContext, lookups: Sequence[Lookup], names: Sequence[str], keys: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """ERP key -> the identity values of each record Sage holds under it."""
    found: dict[str, list[dict[str, Any]]] = {}
    if not keys:
        return found
    for lookup in lookups:
        columns = {n: lookup.columns.get(n, n) for n in names}
        extra = [lookup.where[0]] if lookup.where else []
        read = list(dict.fromkeys([*lookup.key_columns, *columns.values(), *extra]))
        parts = [split_key(k, len(lookup.key_columns)) for k in keys]
        try:
            frames = ctx.erp.read_keys(lookup.table, read, lookup.key_columns, parts)
        except ConfigError:  # the company has no such table
            if lookup.optional:
                continue
            raise
        for part in frames:
            for rec in part.to_dict("records"):
                if lookup.where and rec[lookup.where[0]] != lookup.where[1]:
                    continue
                key = "|".join(str(rec[c]) for c in lookup.key_columns)
                found.setdefault(key, []).append({n: rec[c] for n, c in columns.items()})
    return found


def by_platform_id(
    ctx: SyncContext, tables: Iterable[str], key_columns: Sequence[str], udf: str, pids: list[str]
) -> dict[str, str]:
    """Records a configured platform-id UDF finds in Sage: platform id -> ERP key."""
    found: dict[str, str] = {}
    if not udf or not pids:
        return found
    for name in tables:
        for part in ctx.erp.read_keys(name, [*key_columns, udf], [udf], [(p,) for p in pids]):
            for rec in part.to_dict("records"):
                found.setdefault(str(rec[udf]), "|".join(str(rec[c]) for c in key_columns))
    return found


# --- customers, ship-tos, contacts -------------------------------------------------------


def write_rows(
    ctx: SyncContext, spec: UploadSpec, frame: pd.DataFrame, updatable: list[str]
) -> WriteOutcome:
    table = sage_table(spec.mapping.table)
    key_columns = tuple(table.primary_key)
    udf = ctx.settings.sync.platform_id_udf
    outcome = WriteOutcome()
    rows = cast(list[dict[str, Any]], frame.to_dict("records"))
    creates = [str(r["record_key"]) for r in rows if r["operation"] == "create"]
    outcome.written.update(by_platform_id(ctx, (table.name,), key_columns, udf, creates))
    codes = _taken_codes(ctx, spec, frame)
    bus: Any = ctx.erp_session().new_object(spec.bus)
    keys: dict[str, dict[str, str]] = {}
    claims: list[Claim] = []
    for row in rows:
        pid = str(row["record_key"])
        if pid in outcome.written:
            continue
        try:
            given = _given_key(spec, row, row["operation"] == "create")
        except ValueError as exc:
            outcome.failed[pid] = str(exc)
            continue
        if given is not None:
            keys[pid] = given
            continue
        identity = {c: row.get(c) for c in spec.identity}
        claims.append(Claim(pid, identity, propose=_proposer(ctx, spec, bus, row, codes)))
    claimed = claim_keys(ctx, spec.mapping.entity, claims, (Lookup(table.name, key_columns),))
    outcome.written.update(claimed.found)
    outcome.failed.update(claimed.failed)
    for pid, key in claimed.write.items():
        keys[pid] = dict(zip(key_columns, split_key(key, len(key_columns)), strict=True))
    for row in rows:
        pid = str(row["record_key"])
        if pid not in keys:
            continue
        create = row["operation"] == "create"
        columns = spec.mapping.sage_columns if create else updatable
        failure = _write_one(bus, keys[pid], row, columns, (udf, pid) if create and udf else None,
                             new=pid in claimed.write)  # fmt: skip
        ctx.progress.advance(1)  # one BOI write per record: the slow part of the step
        if failure:
            outcome.failed[pid] = failure
        else:
            outcome.written[pid] = "|".join(keys[pid][c] for c in key_columns)
    return outcome


def _write_one(
    bus: Any,
    keys: dict[str, str],
    row: dict[str, Any],
    columns: Iterable[str],
    platform_id: tuple[str, str] | None,
    *,
    new: bool,
) -> str | None:
    """One BOI round: set key, values, write. Returns the failure message, or None.
    `new`: the key was reserved for this create, so a record under it is another's."""
    for column, value in keys.items():
        if bus.set_key_value(column, value) == FAILURE:
            return _failed(bus, f"{column} {value!r}")
    found = bus.set_key()
    if found == FAILURE:
        return _failed(bus, "key")
    if new and found != NEW_RECORD:
        bus.clear()
        return f"Sage 100 refused the record: {'-'.join(keys.values())} exists already"
    for column in columns:
        field_value = row.get(column)
        if column in keys or is_missing(field_value):
            continue
        if bus.set_value(column, field_value) == FAILURE:
            return _failed(bus, column)
    if platform_id is not None and bus.set_value(*platform_id) == FAILURE:
        return _failed(bus, platform_id[0])
    if bus.write() == FAILURE:
        return _failed(bus, "write")
    return None


def _failed(bus: Any, what: str) -> str:
    message = bus.last_error_message or f"{what} refused"
    bus.clear()
    return f"Sage 100 refused the record: {message}"


def _taken_codes(
    ctx: SyncContext, spec: UploadSpec, frame: pd.DataFrame
) -> dict[tuple[str, str], set[str]]:
    """Ship-to or contact codes in use per customer, for new ones that come without one."""
    code_column = spec.mapping.code_column
    if code_column not in _CODE_TABLES:
        return {}
    new = frame.loc[frame[code_column].map(is_blank)]
    customers = {
        (str(div), str(no))
        for div, no in new[["ARDivisionNo", "CustomerNo"]].itertuples(index=False, name=None)
        if no
    }
    taken: dict[tuple[str, str], set[str]] = {c: set() for c in customers}
    cols = ["ARDivisionNo", "CustomerNo", code_column]
    for part in ctx.erp.read_keys(_CODE_TABLES[code_column], cols, cols[:2], sorted(customers)):
        for div, no, code in part.itertuples(index=False, name=None):
            taken.setdefault((div, no), set()).add(code)
    return taken


def _given_key(spec: UploadSpec, row: dict[str, Any], create: bool) -> dict[str, str] | None:
    """The record's key when it has one; None when a new one is to be reserved."""
    division, number = row.get("ARDivisionNo"), row.get("CustomerNo")
    code_column = spec.mapping.code_column
    if code_column is None and create and is_blank(number):
        return None  # the next customer number
    if is_blank(division) or is_blank(number):
        raise ValueError(f"customer_no {row.get('customer_no')!r} is not of the form 00-0000001")
    keys = {"ARDivisionNo": str(division), "CustomerNo": str(number)}
    if code_column is None:
        return keys
    code = row.get(code_column)
    return None if is_blank(code) else {**keys, code_column: str(code)}


def _proposer(
    ctx: SyncContext,
    spec: UploadSpec,
    bus: Any,
    row: dict[str, Any],
    codes: dict[tuple[str, str], set[str]],
) -> Callable[[], str]:
    """A new key for the create in `row`, a different one on each call."""
    code_column = spec.mapping.code_column
    if code_column is None:
        division = ctx.settings.sync.new_customer_division
        return lambda: f"{division}|{bus.get_next_customer_no(division)}"
    division, number = str(row["ARDivisionNo"]), str(row["CustomerNo"])
    taken = codes.setdefault((division, number), set())

    def propose() -> str:
        if code_column == "ContactCode":
            code: str | None = bus.get_next_contact_code(division, number)
            while code in taken:  # proposed already, or held by another record's intent
                code = str(int(code) + 1) if code and code.isdigit() else None
        else:
            code = next((f"{n:04d}" for n in range(1, 10_000) if f"{n:04d}" not in taken), None)
        if code is None:
            raise ValueError(f"customer {division}-{number}: no free {code_column}")
        taken.add(code)
        return f"{division}|{number}|{code}"

    return propose
