"""`BusRecord`: what every sandbox `*_bus` object shares.

One pending record: keys set with set_key_value, then set_key (2 new / 1 existing, the
existing row loaded), values checked one by one on set_value, and nothing written until
write(), which runs one transaction. Subclasses add their table's rules through the
`_check_key`, `_apply`, `_validate`, `_store` and `_remove` hooks.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from connectors.sage100.boi import EXISTING_RECORD, FAILURE, NEW_RECORD, SUCCESS, WARNING
from connectors.sage100.tables import Column, Table
from sandbox.sage100.boi.rules import (
    READ_ONLY,
    SALESPERSON_PAIRS,
    Rejected,
    bare,
    coerce,
    label,
    reference_for,
    shown,
    to_boi,
)

if TYPE_CHECKING:
    from sandbox.sage100.boi.session import SandboxSession

__all__ = ["BusRecord", "Row", "blank_value", "check_reference"]

Row = dict[str, Any]


def blank_value(col: Column) -> object:
    """What Sage stores in a field nobody filled (the generator's defaults too)."""
    if col.kind == "flag":
        return "N"
    if col.kind == "dec":
        return 0.0
    if col.kind == "date":
        return None
    return ""


def check_reference(
    session: SandboxSession, col: Column, value: object, conn: sa.Connection | None = None
) -> None:
    """Rejected unless a non-blank value is the key of a row in the referenced table."""
    ref = reference_for(col.name)
    if ref is None or value == "":
        return
    if session.fetch(ref.table, {ref.column: value}, conn) is None:
        raise Rejected(f"{label(col)}: {shown(value)} is not {ref.noun} ({ref.table})")


class BusRecord:
    name: str = ""
    table_name: ClassVar[str] = ""
    # Fields that must be filled when the record is new (CustomerName ...).
    required: ClassVar[tuple[str, ...]] = ()
    # Fields Sage computes or posts; set_value refuses them (keys and stamps always).
    read_only: ClassVar[frozenset[str]] = frozenset()
    # Insert defaults besides blank_value (coded columns need a valid code).
    defaults: ClassVar[dict[str, object]] = {}
    # ARDivisionNo + CustomerNo in the key must name an existing customer.
    needs_customer: ClassVar[bool] = False

    def __init__(self, session: SandboxSession) -> None:
        self._session = session
        self._spec: Table = session.spec(self.table_name)
        self._keys: dict[str, str] = {}
        self._record_key: dict[str, str] = {}
        self._values: Row | None = None
        self._existing = False
        self._changed: set[str] = set()
        self._error = ""

    # --- BusinessObject -------------------------------------------------------------------
    @property
    def last_error_message(self) -> str:
        return self._error

    def set_key_value(self, column: str, value: str) -> int:
        name = bare(column)
        if name not in self._spec.primary_key:
            keys = ", ".join(label(self._spec.column(k)) for k in self._spec.primary_key)
            return self._fail(f"{self.table_name}: {column} is not a key field (keys: {keys})")
        try:
            self._keys[name] = str(coerce(self._spec.column(name), value))
        except Rejected as exc:
            return self._fail(f"{self.table_name}: {exc}")
        return self._ok()

    def set_key(self) -> int:
        self.clear(keep_keys=True)
        missing = [k for k in self._spec.primary_key if not self._keys.get(k)]
        if missing:
            fields = ", ".join(label(self._spec.column(k)) for k in missing)
            return self._fail(f"{self.table_name}: set {fields} before set_key")
        self._record_key = dict(self._keys)
        try:
            self._check_key()
            row = self._session.fetch(self.table_name, self._record_key)
        except Rejected as exc:
            return self._fail(f"{self.record_label}: {exc}")
        self._existing = row is not None
        self._values = row if row is not None else self._new_values()
        self._loaded()
        self._error = ""
        return EXISTING_RECORD if self._existing else NEW_RECORD

    def set_value(self, column: str, value: object) -> int:
        if self._values is None:
            return self._fail(f"{self.name}: no current record; call set_key first")
        name = bare(column)
        try:
            col = self._settable(name)
            return self._apply(col, coerce(col, value))
        except Rejected as exc:
            return self._fail(f"{self.record_label}: {exc}")

    def get_value(self, column: str) -> object:
        col = self._column(bare(column))
        if self._values is None:
            return None
        return to_boi(col, self._values[col.name])

    def write(self) -> int:
        if self._values is None:
            return self._fail(f"{self.name}: no current record; call set_key first")
        moment = self._session.now()
        try:
            self._validate()
            with self._session.engine.begin() as conn:
                code, message = self._store(conn, moment)
        except Rejected as exc:
            return self._fail(f"{self.record_label}: {exc}")
        except sa.exc.IntegrityError:
            # Another session wrote the same key between set_key and write.
            return self._fail(f"{self.record_label}: the record was written by another session")
        self.clear()
        self._error = message
        return code

    def delete(self) -> int:
        if self._values is None or not self._existing:
            return self._fail(f"{self.name}: no existing record; call set_key on one first")
        try:
            with self._session.engine.begin() as conn:
                self._remove(conn, self._session.now())
        except Rejected as exc:
            return self._fail(f"{self.record_label}: {exc}")
        self.clear()
        return self._ok()

    def clear(self, *, keep_keys: bool = False) -> None:
        if not keep_keys:
            self._keys = {}
        self._record_key = {}
        self._values = None
        self._existing = False
        self._changed = set()

    # --- hooks ----------------------------------------------------------------------------
    def _check_key(self) -> None:
        """Raise Rejected when the key cannot name a record (unknown division ...)."""
        key = self._record_key
        if "ARDivisionNo" in key:
            self._check_reference(self._spec.column("ARDivisionNo"), key["ARDivisionNo"])
        if self.needs_customer:
            self._check_customer(key["ARDivisionNo"], key["CustomerNo"])

    def _new_values(self) -> Row:
        values: Row = {c.name: blank_value(c) for c in self._spec.columns}
        return values | dict(self.defaults) | self._record_key

    def _loaded(self) -> None:
        """Called after set_key has loaded or created the pending record."""

    def _apply(self, col: Column, value: object) -> int:
        """Check a coerced value against the other tables and keep it."""
        self._check_reference(col, value)
        self._assign(col.name, value)
        return SUCCESS

    def _validate(self) -> None:
        """Whole-record checks before the write transaction starts."""
        values = self._pending()
        if not self._existing:
            for name in self.required:
                if not str(values[name]).strip():
                    col = self._spec.column(name)
                    raise Rejected(f"{label(col)} is required for a new record")
        for number, division in SALESPERSON_PAIRS.items():
            touched = not self._existing or {number, division} & self._changed
            if number in values and touched and values[number]:
                self._check_salesperson(number, values[division], values[number])

    def _store(self, conn: sa.Connection, moment: datetime) -> tuple[int, str]:
        self._save(conn, moment)
        return SUCCESS, ""

    def _remove(self, conn: sa.Connection, moment: datetime) -> None:
        table = self._session.table(self.table_name)
        conn.execute(sa.delete(table).where(*self._key_filter(table)))

    # --- shared machinery -----------------------------------------------------------------
    @property
    def record_label(self) -> str:
        key = self._record_key or self._keys
        parts = [key.get(k, "?") for k in self._spec.primary_key]
        return f"{self.table_name} {'-'.join(parts)}"

    def _pending(self) -> Row:
        if self._values is None:
            raise Rejected("no current record")
        return self._values

    def _assign(self, name: str, value: object) -> None:
        self._pending()[name] = value
        self._changed.add(name)

    def _column(self, name: str) -> Column:
        try:
            return self._spec.column(name)
        except KeyError:
            raise KeyError(f"{self.table_name} has no column {name!r}") from None

    def _settable(self, name: str) -> Column:
        try:
            col = self._spec.column(name)
        except KeyError:
            raise Rejected(f"{name} is not a field of {self.table_name}") from None
        if name in self._spec.primary_key:
            raise Rejected(f"{label(col)} is a key field; set it with set_key_value")
        if name in READ_ONLY or name in self.read_only:
            raise Rejected(f"{label(col)} is read-only (Sage maintains it)")
        return col

    def _check_reference(
        self, col: Column, value: object, conn: sa.Connection | None = None
    ) -> None:
        if value == "":
            return
        if col.name in SALESPERSON_PAIRS and self._values is not None:
            # Checked once both halves are there; write() checks every pair again.
            division = self._values[SALESPERSON_PAIRS[col.name]]
            if division:
                self._check_salesperson(col.name, division, str(value))
            return
        check_reference(self._session, col, value, conn)

    def _check_salesperson(self, column: str, division: str, number: str) -> None:
        if not division:
            raise Rejected(f"{column}$: {shown(number)} needs {SALESPERSON_PAIRS[column]}$")
        key = {"SalespersonDivisionNo": division, "SalespersonNo": number}
        if not self._session.exists("AR_Salesperson", key):
            raise Rejected(
                f"{column}$: {shown(number)} is not a salesperson in division "
                f"{shown(division)} (AR_Salesperson)"
            )

    def _check_customer(self, division: str, customer_no: str) -> Row:
        row = self._session.fetch(
            "AR_Customer", {"ARDivisionNo": division, "CustomerNo": customer_no}
        )
        if row is None:
            raise Rejected(
                f"CustomerNo$: {shown(customer_no)} is not a customer in division "
                f"{shown(division)} (AR_Customer)"
            )
        return row

    def _key_filter(self, table: sa.Table) -> list[sa.ColumnElement[bool]]:
        return [table.c[k] == v for k, v in self._record_key.items()]

    def _save(self, conn: sa.Connection, moment: datetime) -> Row:
        """Insert the pending record, or update the fields set since set_key."""
        table = self._session.table(self.table_name)
        values = self._pending()
        if self._existing:
            changes = {c: values[c] for c in sorted(self._changed)}
            changes |= self._session.stamps(moment, created=False)
            done = conn.execute(sa.update(table).where(*self._key_filter(table)).values(changes))
            if done.rowcount == 0:
                raise Rejected("the record was deleted by another session")
            values.update(changes)
        else:
            values.update(self._session.stamps(moment, created=True))
            values.update(self._session.stamps(moment, created=False))
            conn.execute(sa.insert(table), [{c.name: values[c.name] for c in self._spec.columns}])
        return values

    def _fail(self, message: str) -> int:
        self._error = message
        return FAILURE

    def _ok(self, warning: str = "") -> int:
        self._error = warning
        return WARNING if warning else SUCCESS
