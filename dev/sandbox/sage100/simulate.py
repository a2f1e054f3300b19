"""`simulate_erp`: Sage users at work on the sandbox company.

Each kind of change touches distinct rows, changes at least one value in each, and stamps
it the way Sage does (DateUpdated/TimeUpdated = now, UserUpdatedKey = the user); rows not
touched keep their stamps. Price columns (StandardUnitPrice, StandardUnitCost,
LastTotalUnitCost) belong to `prices`, never to `items`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from connectors.sage100.stamps import format_sage_time
from sandbox.sage100.common import USERS
from sandbox.sage100.customers import customer_rows
from sandbox.sage100.layout import TABLES
from sandbox.sage100.reference import build_reference
from sandbox.sage100.scales import SCALES
from sandbox.sage100.user_edits import ITEM_EDITS, customer_edits
from sandbox.sage100.writer import CompanyWriter

__all__ = ["ErpChanges", "simulate_erp"]

Key = tuple[str, ...]


@dataclass
class ErpChanges:
    now: datetime
    changed: dict[str, list[Key]]  # table -> primary keys touched (all kinds together)
    # kind ("items", "quantities", "prices", "customers_new", "customers_edited") ->
    # table -> keys: says, for instance, which prices were price codes and which items.
    by_kind: dict[str, dict[str, list[Key]]] = field(default_factory=dict)


def simulate_erp(
    url: str,
    *,
    items: int = 0,
    quantities: int = 0,
    prices: int = 0,
    customers_new: int = 0,
    customers_edited: int = 0,
    seed: int | None = None,
    now: datetime | None = None,
) -> ErpChanges:
    """Edit `items` CI_Item rows, `quantities` IM_ItemWarehouse rows, `prices` prices
    (IM_PriceCode break values or CI_Item.StandardUnitPrice, about half each), add
    `customers_new` and edit `customers_edited` AR_Customer rows, all stamped `now`."""
    for label, count in (
        ("items", items),
        ("quantities", quantities),
        ("prices", prices),
        ("customers_new", customers_new),
        ("customers_edited", customers_edited),
    ):
        if count < 0:
            raise ValueError(f"simulate_erp: {label} must be >= 0, got {count}")
    moment = (now or datetime.now()).replace(microsecond=0)
    rng = np.random.default_rng(seed)
    writer = CompanyWriter(url)
    try:
        session = _Session(writer, rng, moment)
        code_prices = int(rng.binomial(prices, 0.5)) if prices else 0
        price_rows = min(code_prices, session.count("IM_PriceCode"))
        item_keys = session.sample("CI_Item", items)
        # Price changes go to other items than the edits, so every counted row is distinct.
        priced = session.sample("CI_Item", prices - price_rows, where=_priced, exclude=item_keys)
        session.edit_items(item_keys)
        session.edit_quantities(session.sample("IM_ItemWarehouse", quantities))
        session.edit_price_codes(session.sample("IM_PriceCode", price_rows))
        session.edit_item_prices(priced)
        session.edit_customers(session.sample("AR_Customer", customers_edited))
        session.add_customers(customers_new)
        writer.conn.commit()
    finally:
        writer.close()
    return session.changes


def _priced(table: sa.Table) -> Any:
    return table.c.StandardUnitPrice > 0


class _Session:
    def __init__(self, writer: CompanyWriter, rng: np.random.Generator, now: datetime) -> None:
        self.writer, self.conn, self.rng = writer, writer.conn, rng
        self.user = USERS[int(rng.integers(0, len(USERS)))]
        self.stamp = {
            "DateUpdated": now.date(),
            "TimeUpdated": format_sage_time(now),
            "UserUpdatedKey": self.user,
        }
        self.now = now
        self.changes = ErpChanges(now, {})

    def table(self, name: str) -> sa.Table:
        return self.writer.metadata.tables[name]

    def count(self, name: str) -> int:
        return int(
            self.conn.execute(sa.select(sa.func.count()).select_from(self.table(name))).scalar_one()
        )

    def sample(
        self, name: str, n: int, where: Any = None, exclude: Sequence[Key] = ()
    ) -> list[Key]:
        """n distinct primary keys of `name`, in random order."""
        if n == 0:
            return []
        table = self.table(name)
        key = [table.c[k] for k in TABLES[name].primary_key]
        query = sa.select(*key).order_by(*key)
        if where is not None:
            query = query.where(where(table))
        taken = dict.fromkeys(exclude)
        keys = [k for k in (tuple(r) for r in self.conn.execute(query)) if k not in taken]
        if n > len(keys):
            raise ValueError(
                f"simulate_erp: {n} {name} rows requested but the company has {len(keys)}"
            )
        return [keys[i] for i in self.rng.choice(len(keys), n, replace=False)]

    def rows(self, name: str, keys: Sequence[Key]) -> dict[Key, dict[str, Any]]:
        table = self.table(name)
        pk = [table.c[k] for k in TABLES[name].primary_key]
        out: dict[Key, dict[str, Any]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            match = pk[0].in_([k[0] for k in part]) if len(pk) == 1 else sa.tuple_(*pk).in_(part)
            for row in self.conn.execute(sa.select(table).where(match)):
                values = row._asdict()
                out[tuple(values[k] for k in TABLES[name].primary_key)] = values
        return out

    def apply(self, kind: str, name: str, edits: dict[Key, dict[str, Any]]) -> None:
        """UPDATE each row with its new values plus the stamp; record the keys."""
        if not edits:
            return
        table = self.table(name)
        pk = TABLES[name].primary_key
        for key, values in edits.items():
            stmt = sa.update(table).where(*(table.c[k] == v for k, v in zip(pk, key, strict=True)))
            self.conn.execute(stmt.values(**values, **self.stamp))
        self.record(kind, name, list(edits))

    def record(self, kind: str, name: str, keys: list[Key]) -> None:
        self.changes.changed.setdefault(name, []).extend(keys)
        self.changes.by_kind.setdefault(kind, {}).setdefault(name, []).extend(keys)

    # --- the users' changes ----------------------------------------------------------------
    def edit_items(self, keys: list[Key]) -> None:
        rows = self.rows("CI_Item", keys)
        edits = {}
        for key in keys:
            row = rows[key]
            fields = self.rng.choice(len(ITEM_EDITS), int(self.rng.integers(1, 3)), replace=False)
            edits[key] = {
                c: v for i in fields for c, v in ITEM_EDITS[int(i)](self.rng, row).items()
            }
        self.apply("items", "CI_Item", edits)

    def edit_quantities(self, keys: list[Key]) -> None:
        rows = self.rows("IM_ItemWarehouse", keys)
        edits = {}
        for key in keys:
            row = rows[key]
            on_hand = float(row["QuantityOnHand"] or 0)
            moved = float(self.rng.integers(1, 25))
            # A sale ships stock out; a receipt (always possible) brings it in.
            on_hand = (
                on_hand - moved if on_hand >= moved and self.rng.random() < 0.6 else on_hand + moved
            )
            edits[key] = {
                "QuantityOnHand": on_hand,
                "TotalWarehouseValue": round(on_hand * float(row["AverageCost"] or 0), 2),
            }
        self.apply("quantities", "IM_ItemWarehouse", edits)

    def edit_price_codes(self, keys: list[Key]) -> None:
        rows = self.rows("IM_PriceCode", keys)
        edits = {}
        for key in keys:
            row = rows[key]
            values = {}
            for k in range(1, 6):
                if not row[f"BreakQuantity{k}"]:
                    break
                old = float(row[f"DiscountMarkup{k}"] or 0)
                values[f"DiscountMarkup{k}"] = round(
                    old * float(self.rng.uniform(1.02, 1.08)) + 0.01, 2
                )
            edits[key] = values
        self.apply("prices", "IM_PriceCode", edits)

    def edit_item_prices(self, keys: list[Key]) -> None:
        rows = self.rows("CI_Item", keys)
        edits = {}
        for key in keys:
            row = rows[key]
            price = float(row["StandardUnitPrice"])
            new = {"StandardUnitPrice": round(price * float(self.rng.uniform(1.02, 1.1)) + 0.01, 2)}
            if self.rng.random() < 0.3:  # a new receipt at a new cost
                new["LastTotalUnitCost"] = round(
                    float(row["LastTotalUnitCost"] or 0) * 1.03 + 0.01, 2
                )
            edits[key] = new
        self.apply("prices", "CI_Item", edits)

    def edit_customers(self, keys: list[Key]) -> None:
        rows = self.rows("AR_Customer", keys)
        ship_codes = self._codes("SO_ShippingRateHeader", "ShippingCode")
        terms = self._codes("AR_TermsCode", "TermsCode")
        edits = {}
        for key in keys:
            row = rows[key]
            choices = customer_edits(ship_codes, terms)
            fields = self.rng.choice(len(choices), int(self.rng.integers(1, 3)), replace=False)
            edits[key] = {c: v for i in fields for c, v in choices[int(i)](self.rng, row).items()}
        self.apply("customers_edited", "AR_Customer", edits)

    def add_customers(self, n: int) -> None:
        if n == 0:
            return
        table = self.table("AR_Customer")
        top = self.conn.execute(sa.select(sa.func.max(table.c.CustomerNo))).scalar_one() or "0"
        numbers = np.array([f"{int(top) + k + 1:07d}" for k in range(n)], dtype=object)
        division = np.where(self.rng.random(n) < 0.8, "00", "01").astype(object)
        ref = replace(build_reference(SCALES["tiny"]), salespeople=self._salespeople())
        frame = customer_rows(self.rng, numbers, division, ref)
        today = np.datetime64(self.now.date(), "D")
        frame |= {
            "DateEstablished": np.full(n, today),
            "DateCreated": np.full(n, today),
            "TimeCreated": self.stamp["TimeUpdated"],
            "UserCreatedKey": self.user,
            "DateUpdated": np.full(n, today),
            "TimeUpdated": self.stamp["TimeUpdated"],
            "UserUpdatedKey": self.user,
        }
        self.writer.insert("AR_Customer", frame)
        self.record(
            "customers_new", "AR_Customer", [(d, c) for d, c in zip(division, numbers, strict=True)]
        )

    def _codes(self, name: str, column: str) -> list[str]:
        col = self.table(name).c[column]
        return [r[0] for r in self.conn.execute(sa.select(col).order_by(col))]

    def _salespeople(self) -> dict[str, tuple[str, ...]]:
        t = self.table("AR_Salesperson")
        people: dict[str, list[str]] = {}
        query = sa.select(t.c.SalespersonDivisionNo, t.c.SalespersonNo).order_by(
            t.c.SalespersonDivisionNo, t.c.SalespersonNo
        )
        for division, number in self.conn.execute(query):
            people.setdefault(division, []).append(number)
        return {d: tuple(p) for d, p in people.items()}
