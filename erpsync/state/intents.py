"""Write intents: the ERP key reserved for a platform record before the ERP writes it.

Exactly-once creates into Sage 100 without a UDF of erpsync's own. The key a create will
get (the next sales order number, customer number, ship-to or contact code, or the key a
cash receipt is entered under) is committed here first; then the Business Object
Interface writes the record under it; then the linkage is committed and the intent marked
done. A run that dies between the ERP's write() and the linkage leaves the intent
`reserved`: the next run looks its key up in the ERP and links the record it finds there
instead of writing it again, or writes it under the same key if the ERP never got it.

    reserved  committed before write(); the ERP may or may not have the record
    done      the linkage is committed; the key stays taken for this platform record

A mixin of StateStore, which provides `engine` and `company`; every statement is scoped
to the company. What the ERP holds comes from the caller (`claim_keys`' `find`): the
state never reads the ERP itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from erpsync.state import schema as t

__all__ = [
    "DONE",
    "RESERVED",
    "Claim",
    "Claimed",
    "WriteIntent",
    "WriteIntents",
    "same_record",
]

RESERVED, DONE = "reserved", "done"
_IN_CHUNK = 900
# Rounds of proposing a fresh key when the one proposed is held by another record's intent.
_ATTEMPTS = 50

# (ERP keys, identity names) -> ERP key -> identity values of each record Sage has under it
Find = Callable[[Sequence[str], Sequence[str]], Mapping[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class WriteIntent:
    platform_id: str
    erp_key: str
    state: str
    run_id: str
    # What was written under the key (CustomerName, the order's customer and PO, the
    # receipt's amount): tells the record from another one a Sage user put there.
    identity: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """A create that needs its key: one the record determines (`derived`, a cash
    receipt's), or a fresh one from `propose` (a different one on each call)."""

    pid: str
    identity: dict[str, Any]
    derived: str | None = None
    propose: Callable[[], str] | None = None


@dataclass
class Claimed:
    found: dict[str, str] = field(default_factory=dict)  # in the ERP already: link it
    write: dict[str, str] = field(default_factory=dict)  # write under this key (committed)
    failed: dict[str, str] = field(default_factory=dict)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def _plain(value: Any) -> Any:
    """A JSON value: numpy scalars as Python ones, NaN as None."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _compared(value: Any) -> str:
    value = _plain(value)
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        # Amounts: to the cent, and unsigned (posted payment history may carry a sign).
        return f"{abs(float(value)):.2f}"
    return str(value).strip().casefold()


def same_record(expected: Mapping[str, Any], found: Iterable[Mapping[str, Any]]) -> bool:
    """Is one of the records `found` under a key the one `expected` describes? Every
    non-blank expected value must be there; Sage pads and may change case."""
    wanted = {k: _compared(v) for k, v in expected.items()}
    wanted = {k: v for k, v in wanted.items() if v}
    return any(all(_compared(rec.get(k)) == v for k, v in wanted.items()) for rec in found)


class WriteIntents:
    if TYPE_CHECKING:
        engine: sa.Engine
        company: str

    def _intents(self, entity: str) -> sa.ColumnElement[bool]:
        c = t.erp_write_intent.c
        return sa.and_(c.company == self.company, c.entity == entity)

    def write_intents(self, entity: str, platform_ids: Sequence[str]) -> dict[str, WriteIntent]:
        """The intents of these platform records (reserved or done), by platform id."""
        c = t.erp_write_intent.c
        found: dict[str, WriteIntent] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(platform_ids)):
                q = sa.select(c.platform_id, c.erp_key, c.state, c.run_id, c.identity).where(
                    self._intents(entity), c.platform_id.in_(part)
                )
                for pid, key, state, run_id, identity in conn.execute(q):
                    found[pid] = WriteIntent(pid, key, state, run_id, dict(identity or {}))
        return found

    def intent_owners(self, entity: str, erp_keys: Sequence[str]) -> dict[str, str]:
        """ERP key -> the platform record an intent holds it for."""
        c = t.erp_write_intent.c
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(erp_keys)):
                q = sa.select(c.erp_key, c.platform_id).where(
                    self._intents(entity), c.erp_key.in_(part)
                )
                found.update({key: pid for key, pid in conn.execute(q)})
        return found

    def record_intents(
        self, entity: str, run_id: str, rows: Iterable[tuple[str, str, Mapping[str, Any]]]
    ) -> None:
        """Commit (platform id, ERP key, identity) as reserved, before the ERP's write().

        A record that already has an intent gets the new key and identity: a key found
        taken by another record is replaced, and the identity is what is written now.
        """
        now = datetime.now(UTC)
        values = [
            {"company": self.company, "entity": entity, "platform_id": pid, "erp_key": key,
             "state": RESERVED, "identity": {k: _plain(v) for k, v in identity.items()},
             "run_id": run_id, "created_at": now, "updated_at": now}
            for pid, key, identity in rows
        ]  # fmt: skip
        if not values:
            return
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(t.erp_write_intent)
        stmt = stmt.on_conflict_do_update(
            index_elements=["company", "entity", "platform_id"],
            set_={
                name: stmt.excluded[name]
                for name in ("erp_key", "state", "identity", "run_id", "updated_at")
            },
        )
        with self.engine.begin() as conn:
            conn.execute(stmt, values)

    def finish_intents(self, entity: str, platform_ids: Sequence[str]) -> None:
        """The linkages of these records are committed: their intents are done."""
        c = t.erp_write_intent.c
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            for part in _chunks(list(platform_ids)):
                conn.execute(
                    t.erp_write_intent.update()
                    .where(self._intents(entity), c.platform_id.in_(part), c.state != DONE)
                    .values(state=DONE, updated_at=now)
                )

    def claim_keys(self, entity: str, run_id: str, claims: Sequence[Claim], find: Find) -> Claimed:
        """The key each create is to be written under, its intent committed before this
        returns; or the key of the record the ERP already has for it.

        A record with an intent whose key the ERP holds, with the same identity, was
        written by a run that died before linking it: found. One whose key the ERP does
        not hold keeps that key (its run died before the write). A derived key must not
        hold another record in the ERP or in another intent. Anything else gets a fresh
        key that no other record's intent holds.
        """
        out = Claimed()
        if not claims:
            return out
        intents = self.write_intents(entity, [c.pid for c in claims])
        derived = [c.derived for c in claims if c.derived]
        owners = self.intent_owners(entity, derived)
        names = {n for c in claims for n in c.identity}
        names |= {n for i in intents.values() for n in i.identity}
        in_erp = find(sorted({i.erp_key for i in intents.values()} | set(derived)), sorted(names))
        fresh: list[Claim] = []
        for claim in claims:
            intent = intents.get(claim.pid)
            key = intent.erp_key if intent else None
            if intent is not None and same_record(intent.identity, in_erp.get(intent.erp_key, [])):
                out.found[claim.pid] = intent.erp_key
            elif claim.derived is not None:
                self._derived(entity, claim, owners, in_erp, out)
            elif key is not None and key not in in_erp:
                out.write[claim.pid] = key
            else:  # no key yet, or a Sage user took the reserved one meanwhile
                fresh.append(claim)
        self._reserve(entity, fresh, out)
        identity = {c.pid: c.identity for c in claims}
        self.record_intents(
            entity, run_id, [(pid, key, identity[pid]) for pid, key in out.write.items()]
        )
        return out

    @staticmethod
    def _derived(
        entity: str,
        claim: Claim,
        owners: Mapping[str, str],
        in_erp: Mapping[str, list[dict[str, Any]]],
        out: Claimed,
    ) -> None:
        key = claim.derived
        assert key is not None
        owner = owners.get(key, claim.pid)
        if owner != claim.pid:
            out.failed[claim.pid] = f"Sage 100 key {key} is already that of {entity} {owner}"
        elif key not in in_erp:
            out.write[claim.pid] = key
        elif same_record(claim.identity, in_erp[key]):
            out.found[claim.pid] = key  # entered before erpsync recorded intents, or by hand
        else:
            out.failed[claim.pid] = f"Sage 100 already has {key}, and it is another record"

    def _reserve(self, entity: str, fresh: list[Claim], out: Claimed) -> None:
        """A new key for each of `fresh`, none held by another record's intent (a number
        reserved by a run whose write failed is not handed to a second record)."""
        taken = set(out.write.values()) | set(out.found.values())
        for _ in range(_ATTEMPTS):
            proposed: dict[str, str] = {}
            for claim in fresh:
                assert claim.propose is not None, claim
                try:
                    proposed[claim.pid] = claim.propose()
                except ValueError as exc:
                    out.failed[claim.pid] = str(exc)
            owners = self.intent_owners(entity, sorted(set(proposed.values())))
            again = []
            for claim in fresh:
                key = proposed.get(claim.pid)
                if key is None:
                    continue
                if key in taken or owners.get(key, claim.pid) != claim.pid:
                    again.append(claim)
                    continue
                taken.add(key)
                out.write[claim.pid] = key
            fresh = again
            if not fresh:
                return
        for claim in fresh:
            out.failed[claim.pid] = f"no free Sage 100 key for a new {entity} record"
