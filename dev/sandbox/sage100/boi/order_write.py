"""What SO_SalesOrder_bus.nWrite does inside its transaction besides storing the header:
re-checks the items, computes the header totals from the lines and the tax schedule,
keeps SO_SalesOrderHistoryHeader/Detail in step, allocates stock
(IM_ItemWarehouse.QuantityOnSalesOrder) and keeps AR_Customer.OpenOrderAmt. Direct SQL
into Sage would skip every one of these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from sandbox.sage100.boi.order_lines import REGULAR
from sandbox.sage100.boi.record import Row, blank_value
from sandbox.sage100.boi.rules import Rejected, cents, shown
from sandbox.sage100.orders import history_lines

if TYPE_CHECKING:
    from sandbox.sage100.boi.session import SandboxSession

__all__ = [
    "ALLOCATING_TYPES",
    "add_open_order_amount",
    "allocate",
    "check_items",
    "insert_lines",
    "order_totals",
    "remove_order",
    "stored_lines",
    "write_history",
]

# Standard and back orders commit stock and count as open orders; quotes, master and
# repeating orders do not.
ALLOCATING_TYPES = ("S", "B")
_QUOTES = ("Q", "P")


def check_items(conn: sa.Connection, session: SandboxSession, lines: list[Row]) -> None:
    """Each line's item still exists and is active (another user may have changed it
    since the line was entered)."""
    codes = sorted({line["ItemCode"] for line in lines})
    if not codes:
        return
    table = session.table("CI_Item")
    stmt = sa.select(table.c.ItemCode, table.c.InactiveItem).where(table.c.ItemCode.in_(codes))
    state = {code: inactive for code, inactive in conn.execute(stmt)}
    for line in lines:
        code, number = line["ItemCode"], int(line["LineKey"])
        if code not in state:
            raise Rejected(f"line {number}: ItemCode$: {shown(code)} is not an item (CI_Item)")
        if state[code] == "Y":
            raise Rejected(
                f"line {number}: ItemCode$: {shown(code)} is inactive (CI_Item.InactiveItem)"
            )


def stored_lines(conn: sa.Connection, session: SandboxSession, number: str) -> list[Row]:
    table = session.table("SO_SalesOrderDetail")
    stmt = sa.select(table).where(table.c.SalesOrderNo == number).order_by(table.c.LineKey)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def order_totals(
    conn: sa.Connection, session: SandboxSession, schedule: str, lines: Iterable[Row]
) -> Row:
    """TaxableAmt, NonTaxableAmt and SalesTaxAmt: a line is taxable when the schedule's
    primary tax code has a rate for its tax class; tax is that rate on the class total."""
    rates = _class_rates(conn, session, schedule)
    by_class: dict[str, int] = {}
    for line in lines:
        amount = cents(line["ExtensionAmt"])
        by_class[line["TaxClass"]] = by_class.get(line["TaxClass"], 0) + amount
    total = sum(by_class.values())
    taxable = sum(c for cls, c in by_class.items() if rates.get(cls, 0.0) > 0)
    tax = sum(round(c * rates.get(cls, 0.0) / 100) for cls, c in by_class.items())
    return {
        "TaxableAmt": taxable / 100,
        "NonTaxableAmt": (total - taxable) / 100,
        "SalesTaxAmt": tax / 100,
    }


def _class_rates(conn: sa.Connection, session: SandboxSession, schedule: str) -> dict[str, float]:
    if not schedule:
        return {}
    detail = session.table("SY_SalesTaxScheduleDetail")
    primary = conn.execute(
        sa.select(detail.c.TaxCode)
        .where(detail.c.TaxSchedule == schedule)
        .order_by(detail.c.ScheduleSeqNo)
        .limit(1)
    ).scalar()
    if primary is None:
        return {}
    rates = session.table("SY_SalesTaxCodeDetail")
    stmt = sa.select(rates.c.TaxClass, rates.c.TaxRate).where(rates.c.TaxCode == primary)
    return {cls: float(rate or 0.0) for cls, rate in conn.execute(stmt)}


def write_history(
    conn: sa.Connection, session: SandboxSession, header: Row, changes: Row | None
) -> None:
    """Insert (changes is None) or update the order's SO_SalesOrderHistoryHeader row."""
    table = session.table("SO_SalesOrderHistoryHeader")
    if changes is not None:
        kept = {c: v for c, v in changes.items() if c != "OrderStatus"}
        conn.execute(
            sa.update(table).where(table.c.SalesOrderNo == header["SalesOrderNo"]).values(kept)
        )
        return
    row = {c.name: header.get(c.name, blank_value(c)) for c in session.spec(table.name).columns}
    row["OrderStatus"] = "Q" if header["OrderType"] in _QUOTES else "A"
    conn.execute(sa.insert(table), [row])


def insert_lines(
    conn: sa.Connection, session: SandboxSession, number: str, lines: list[Row]
) -> None:
    if not lines:
        return
    rows = [line | {"SalesOrderNo": number} for line in lines]
    conn.execute(sa.insert(session.table("SO_SalesOrderDetail")), rows)
    history = session.table("SO_SalesOrderHistoryDetail")
    conn.execute(sa.insert(history), [history_lines(row) for row in rows])


def allocate(
    conn: sa.Connection, session: SandboxSession, lines: list[Row], moment: datetime, sign: int
) -> None:
    """Add (sign 1) or release (sign -1) the open quantity of the regular lines in
    IM_ItemWarehouse.QuantityOnSalesOrder, creating the item/warehouse row if need be."""
    wanted: dict[tuple[str, str], float] = {}
    for line in lines:
        if line["ItemType"] != REGULAR:
            continue
        key = (line["ItemCode"], line["WarehouseCode"])
        open_qty = line["QuantityOrdered"] - line["QuantityShipped"]
        wanted[key] = wanted.get(key, 0.0) + sign * open_qty
    if not wanted:
        return
    table = session.table("IM_ItemWarehouse")
    items = sorted({item for item, _ in wanted})
    stmt = sa.select(table.c.ItemCode, table.c.WarehouseCode).where(table.c.ItemCode.in_(items))
    present = {(item, warehouse) for item, warehouse in conn.execute(stmt)}
    stamps = session.stamps(moment, created=False)
    update = (
        sa.update(table)
        .where(
            table.c.ItemCode == sa.bindparam("k_item"),
            table.c.WarehouseCode == sa.bindparam("k_warehouse"),
        )
        .values(QuantityOnSalesOrder=table.c.QuantityOnSalesOrder + sa.bindparam("k_qty"), **stamps)
    )
    found = [
        {"k_item": i, "k_warehouse": w, "k_qty": q}
        for (i, w), q in wanted.items()
        if (i, w) in present
    ]
    if found:
        conn.execute(update, found)
    missing = [(key, q) for key, q in wanted.items() if key not in present]
    if missing:
        blank = {c.name: blank_value(c) for c in session.spec(table.name).columns}
        created = session.stamps(moment, created=True)
        conn.execute(
            sa.insert(table),
            [
                blank | created | {"ItemCode": i, "WarehouseCode": w, "QuantityOnSalesOrder": q}
                for (i, w), q in missing
            ],
        )


def add_open_order_amount(
    conn: sa.Connection, session: SandboxSession, division: str, customer_no: str, delta: int
) -> None:
    """AR_Customer.OpenOrderAmt follows order entry; like posting, it leaves the
    customer's update stamp alone (the sandbox generator keeps the same convention)."""
    if delta == 0:
        return
    table = session.table("AR_Customer")
    conn.execute(
        sa.update(table)
        .where(table.c.ARDivisionNo == division, table.c.CustomerNo == customer_no)
        .values(OpenOrderAmt=table.c.OpenOrderAmt + delta / 100)
    )


def remove_order(
    conn: sa.Connection, session: SandboxSession, number: str, moment: datetime
) -> None:
    """nDelete: the order leaves SO_SalesOrderHeader/Detail, releases its stock and open
    amount, and its history row is marked deleted (X, or Z for a quote)."""
    header = session.fetch("SO_SalesOrderHeader", {"SalesOrderNo": number}, conn)
    if header is None:
        raise Rejected("the order was deleted by another session")
    lines = stored_lines(conn, session, number)
    if header["OrderType"] in ALLOCATING_TYPES:
        allocate(conn, session, lines, moment, -1)
        total = cents(header["TaxableAmt"]) + cents(header["NonTaxableAmt"])
        add_open_order_amount(conn, session, header["ARDivisionNo"], header["CustomerNo"], -total)
    for name in ("SO_SalesOrderDetail", "SO_SalesOrderHeader"):
        table = session.table(name)
        conn.execute(sa.delete(table).where(table.c.SalesOrderNo == number))
    history = session.table("SO_SalesOrderHistoryHeader")
    status = "Z" if header["OrderType"] in _QUOTES else "X"
    conn.execute(
        sa.update(history)
        .where(history.c.SalesOrderNo == number)
        .values(OrderStatus=status, **session.stamps(moment, created=False))
    )
