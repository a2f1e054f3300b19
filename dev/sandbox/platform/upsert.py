"""How one POST batch becomes inserts and updates: matching, merging, per-record results.

The store fetches the rows the batch addresses in one query and hands them to an
`UpsertPlan`, which applies the records in order without touching the database. Records
later in a batch apply on top of earlier ones, exactly as if they had been sent one by one:
two records with the same key give "created" then "updated" (or "unchanged") for the one
stored record, the later fields winning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from connectors.platform.resources import Resource
from sandbox.platform.records import (
    RecordRejected,
    apply_erp_status,
    check_erp_status,
    merge,
    missing_key_fields,
    natural_key,
    record_id,
)

__all__ = ["Address", "RecordResult", "Status", "StoredRow", "UpsertPlan", "address"]

Status = Literal["created", "updated", "unchanged", "failed"]


@dataclass(slots=True)
class RecordResult:
    # Not frozen: a frozen dataclass's __init__ is several times slower, and one is built
    # per record of every batch.
    index: int
    id: int | None
    status: Status
    error: str | None = None


@dataclass(slots=True)
class StoredRow:
    id: int
    key: str | None
    data: dict[str, Any]
    created_at: str
    new: bool = False
    dirty: bool = False
    stored_key: str | None = None


Address = tuple[int | None, str | None, str | None]  # (platform id, natural key, error)


def address(spec: Resource, records: Sequence[Any]) -> list[Address]:
    """What each record of a batch names: its id if it has one, else its natural key.

    Computed once per record: the store fetches the named rows with it, the plan matches
    with it.
    """
    out: list[Address] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            out.append((None, None, f"record {i}: not a JSON object"))
            continue
        try:
            if rec.get("id") is not None:
                out.append((record_id(rec["id"], i), None, None))
            else:
                out.append((None, natural_key(spec, rec, i), None))
        except RecordRejected as exc:
            out.append((None, None, str(exc)))
    return out


class UpsertPlan:
    def __init__(
        self,
        spec: Resource,
        role: str,
        rows: Iterable[StoredRow],
        *,
        next_id: int,
        fetched_keys: Iterable[str],
        lookup_key: Callable[[str], StoredRow | None],
    ) -> None:
        self._spec = spec
        self._role = role
        self._rows: dict[int, StoredRow] = {}
        self._by_key: dict[str, int] = {}
        for row in rows:
            self._add(row)
        self._next_id = next_id
        self._known_keys = set(fetched_keys)
        self._lookup_key = lookup_key
        self._updated: list[StoredRow] = []

    def _add(self, row: StoredRow) -> None:
        row.stored_key = row.key
        self._rows[row.id] = row
        if row.key is not None:
            self._by_key[row.key] = row.id

    def _row_for_key(self, key: str) -> StoredRow | None:
        if key not in self._known_keys:
            # Rare: an update by id that moves a record to a key the batch did not name.
            self._known_keys.add(key)
            found = self._lookup_key(key)
            if found is not None and found.id not in self._rows:
                self._add(found)
        rid = self._by_key.get(key)
        return None if rid is None else self._rows[rid]

    # --- applying records ----------------------------------------------------------------
    def apply(self, index: int, payload: Any, address: Address) -> RecordResult:
        """Apply one record; `address` is its (id, natural key, error) from `address()`."""
        rid, key, error = address
        if error is not None:
            return RecordResult(index, None, "failed", error)
        try:
            return self._apply(index, payload, rid, key)
        except RecordRejected as exc:
            return RecordResult(index, None, "failed", str(exc))

    def _missing(self, index: int, data: dict[str, Any]) -> RecordRejected:
        fields = missing_key_fields(self._spec, data)
        noun = "fields" if len(fields) > 1 else "field"
        return RecordRejected(f"record {index}: missing key {noun} {', '.join(fields)}")

    def _apply(
        self, index: int, payload: dict[str, Any], rid: int | None, key: str | None
    ) -> RecordResult:
        spec = self._spec
        if spec.sync_status:
            check_erp_status(payload, index)
        if rid is not None:  # the primary key wins over the natural key
            row = self._rows.get(rid)
            if row is None:
                raise RecordRejected(f"record {index}: no {spec.name} record with id {rid}")
        elif key is not None:
            row = self._row_for_key(key)
        elif spec.key_optional:
            row = None
        else:
            raise self._missing(index, payload)
        stored = row.data if row is not None else None
        merged = merge(stored, payload)
        if spec.sync_status:
            apply_erp_status(stored, merged, payload, self._role)
        if rid is not None or key is None:
            # Matched by id (or keyless): the merge may have given the record a new key.
            key = natural_key(spec, merged, index)
            if key is None and not spec.key_optional:
                raise self._missing(index, merged)  # an update that cleared a key field
            if key is not None and (row is None or key != row.key):
                other = self._row_for_key(key)
                if other is not None and other is not row:
                    shown = ", ".join(f"{f}={merged[f]!r}" for f in spec.key)
                    raise RecordRejected(
                        f"record {index}: {shown} already belongs to {spec.name} id {other.id}"
                    )
        if row is None:
            row = StoredRow(self._next_id, key, merged, "", new=True)
            self._next_id += 1
            self._add(row)
            return RecordResult(index, row.id, "created")
        if merged == row.data:
            return RecordResult(index, row.id, "unchanged")
        if key != row.key:
            if row.key is not None:
                del self._by_key[row.key]
            if key is not None:
                self._by_key[key] = row.id
            row.key = key
        row.data = merged
        if not row.new and not row.dirty:
            self._updated.append(row)
        row.dirty = True
        return RecordResult(index, row.id, "updated")

    # --- what to write ---------------------------------------------------------------------
    @property
    def has_writes(self) -> bool:
        return bool(self._updated) or any(r.new for r in self._rows.values())

    def key_moves(self) -> list[tuple[int]]:
        """Updated rows whose natural key changes: their old keys are released first, so a
        batch that passes a key from one record to another never trips the unique index."""
        return [(r.id,) for r in self._updated if r.key != r.stored_key]

    def updates(self, stamp: str) -> list[tuple[str | None, str, str, int]]:
        return [(r.key, _dumps(r.data), stamp, r.id) for r in self._updated]

    def inserts(self, stamp: str) -> list[tuple[int, str | None, str, str, str]]:
        return [(r.id, r.key, _dumps(r.data), stamp, stamp) for r in self._rows.values() if r.new]


def _dumps(data: dict[str, Any]) -> str:
    # TEXT, not BLOB: SQLite's json_extract reads text.
    return orjson.dumps(data).decode()
