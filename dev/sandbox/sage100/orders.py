"""Sales orders over the history: every order in SO_SalesOrderHistoryHeader/Detail, the
open ones also in SO_SalesOrderHeader/Detail. Money is computed in integer cents, so a
header's TaxableAmt + NonTaxableAmt equals the sum of its lines' ExtensionAmt exactly.

History status: C completed (then invoiced), X deleted, A active (still open), Q open
quote, Z deleted quote. Open order status: N new, O open, H on hold.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.catalog import (
    CHARGE,
    COMMENT,
    ITEM_TYPE,
    KIT,
    MISC,
    CustomerCatalog,
    ItemCatalog,
)
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    chunk_rng,
    later,
    pick,
    text,
)
from sandbox.sage100.order_calendar import OrderCalendar
from sandbox.sage100.order_header import order_header
from sandbox.sage100.reference import NONTAX, Reference

__all__ = ["OrderChunk", "order_chunks"]

_SPECIAL_TYPES = np.array(["Q", "M", "R", "P"], dtype=object)
_DELAYS = np.array([0, 1, 2, 3, 5, 7])


@dataclass
class OrderChunk:
    """One chunk of orders with the figures invoices are made from."""

    header: Frame  # SO_SalesOrderHistoryHeader columns
    lines: Frame  # SO_SalesOrderHistoryDetail columns
    order_of_line: np.ndarray  # local order index of each line
    customer: np.ndarray  # customer catalogue index of each order
    open_status: np.ndarray  # SO_SalesOrderHeader.OrderStatus ("" = not open)
    ship_day: np.ndarray  # datetime64[D]
    invoiced_at: np.ndarray  # datetime64[s] (for completed orders)
    line_cents: np.ndarray  # ExtensionAmt in cents
    taxable_line: np.ndarray  # bool: the line counts towards TaxableAmt
    cost_cents: np.ndarray  # quantity x unit cost in cents
    taxable_cents: np.ndarray
    nontaxable_cents: np.ndarray
    tax_cents: np.ndarray
    tax_rate: np.ndarray  # the schedule's primary rate, percent
    freight_cents: np.ndarray
    product_line: np.ndarray  # of each line

    @property
    def completed(self) -> np.ndarray:
        return self.header["OrderStatus"] == "C"


def _lines_per_order(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Regular lines and which extra kinds each order carries: 1..12 lines in all, about
    5 on average."""
    extras = rng.random((n, 3)) < np.array([0.03, 0.06, 0.05])  # misc, charge, comment
    regular = np.minimum(1 + rng.binomial(11, 4 / 11, n), 12 - extras.sum(axis=1))
    return regular, extras


def _statuses(
    rng: np.random.Generator,
    index: np.ndarray,
    entered: np.ndarray,
    calendar: OrderCalendar,
    hold: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(history OrderStatus, OrderType, open OrderStatus, ship day) per order."""
    n = len(index)
    today = calendar.as_of.astype("datetime64[D]")
    day = entered.astype("datetime64[D]")
    age = (today - day) // DAY
    ship_day = day + rng.choice(_DELAYS, n, p=[0.25, 0.35, 0.2, 0.1, 0.06, 0.04]) * DAY
    specials = calendar.special_orders()
    special_at = np.searchsorted(specials, index)
    is_special = (special_at < len(specials)) & (
        specials[np.minimum(special_at, len(specials) - 1)] == index
    )
    kind = _SPECIAL_TYPES[special_at % 4]
    old_quote = ~is_special & (age > 60) & (rng.random(n) < 0.003)
    still_open = (
        ~is_special & ~old_quote & ((rng.random(n) < np.exp(-age / 20)) | (ship_day >= today))
    )
    deleted = ~is_special & ~old_quote & ~still_open & (rng.random(n) < 0.01)
    status = np.select(
        [is_special & np.isin(kind, ["Q", "P"]), is_special, old_quote, still_open, deleted],
        ["Q", "A", "Z", "A", "X"],
        "C",
    ).astype(object)
    order_type = np.select(
        [is_special, old_quote, still_open & (rng.random(n) < 0.15)], [kind, "Q", "B"], "S"
    ).astype(object)
    is_open = is_special | still_open
    open_status = np.select(
        [~is_open, hold | (rng.random(n) < 0.04), age <= 1], ["", "H", "N"], "O"
    ).astype(object)
    return status, order_type, open_status, ship_day


def _line_items(
    rng: np.random.Generator, n: int, entered: np.ndarray, items: ItemCatalog
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, rank within the order, item) of every line of n orders. Regular items come
    first (only those created before the order), then a miscellaneous item, a charge and
    a comment when the order has them."""
    regular, extras = _lines_per_order(rng, n)
    count = regular + extras.sum(axis=1)
    order = np.repeat(np.arange(n), count)
    rank = np.arange(len(order)) - (np.cumsum(count) - count)[order]
    slot = rank - regular[order]
    present = extras[order]
    nth_extra = np.argmax((np.cumsum(present, axis=1) == (slot + 1)[:, None]) & present, axis=1)
    kind_of_extra = np.where(slot < 0, -1, np.array([MISC, CHARGE, COMMENT])[nth_extra])
    item = items.sellable(rng, entered[order])
    for kind in (MISC, CHARGE, COMMENT):
        pool = items.of_kind(kind)
        item = np.where(kind_of_extra == kind, pool[rng.integers(0, len(pool), len(order))], item)
    return order, rank, item


def _build(
    chunk: int,
    first: int,
    stop: int,
    seed: int,
    calendar: OrderCalendar,
    ref: Reference,
    items: ItemCatalog,
    customers: CustomerCatalog,
) -> OrderChunk:
    rng = chunk_rng(seed, "SO_SalesOrderHistoryHeader", chunk)
    index = np.arange(first, stop)
    n = len(index)
    entered = calendar.locate(rng, index)
    cust = customers.buyers(rng, entered)
    status, order_type, open_status, ship_day = _statuses(
        rng, index, entered, calendar, customers.credit_hold[cust]
    )
    order, rank, item = _line_items(rng, n, entered, items)
    m = len(order)
    day_of_line = entered[order]
    item_kind = items.kind[item]
    comment = item_kind == COMMENT
    years_ago = (calendar.as_of - day_of_line).astype(np.float64) / (365.25 * 86_400)
    drift = 1 - 0.03 * years_ago  # prices rise about 3% a year
    qty = np.where(
        item_kind == KIT,
        rng.integers(1, 6, m),
        np.clip(np.round(rng.lognormal(1.0, 0.9, m)), 1, 999),
    )
    qty = np.where(item_kind >= MISC, np.where(item_kind == MISC, rng.integers(1, 4, m), 1), qty)
    qty = np.where(comment, 0, qty).astype(np.float64)
    price = np.where(
        item_kind >= MISC,
        items.price[item],
        np.maximum(np.round(items.price[item] * drift, 2), 0.01),
    )
    cost = np.where(
        item_kind >= MISC, items.cost[item], np.maximum(np.round(items.cost[item] * drift, 2), 0.01)
    )
    price, cost = np.where(comment, 0.0, price), np.where(comment, 0.0, cost)
    discount = np.where((item_kind < MISC) & (rng.random(m) < 0.1), rng.choice([5.0, 10.0], m), 0.0)
    line_cents = np.rint(qty * price * (100 - discount)).astype(np.int64)
    cost_cents = np.rint(qty * cost * 100).astype(np.int64)
    schedule = customers.tax_schedule[cust]
    taxable_line = (items.tax_class[item] == "TX") & (schedule[order] != NONTAX)
    total = np.bincount(order, weights=line_cents, minlength=n).astype(np.int64)
    taxable = np.bincount(order, weights=line_cents * taxable_line, minlength=n).astype(np.int64)
    rate = np.array([ref.schedule_rate[s] for s in schedule])
    tax = np.rint(taxable * rate / 100).astype(np.int64)
    weight = np.round(np.bincount(order, weights=qty * items.weight[item], minlength=n), 2)
    ship_via = customers.ship_via[cust]
    methods = {s.code: s for s in ref.ship_methods}
    base = np.array([methods[s].base for s in ship_via])
    per_lb = np.array([methods[s].per_pound for s in ship_via])
    free = (total > 250_000) & (rng.random(n) < 0.3)
    quote = np.isin(order_type, ["Q", "P"])
    freight = np.where(free | quote, 0, np.rint((base + per_lb * weight) * 100)).astype(np.int64)
    completed = status == "C"
    day0 = entered.astype("datetime64[D]")
    invoiced_at = ship_day + (15 * 3600 + rng.integers(0, 3 * 3600, n)) * SECOND
    updated = np.select(
        [completed, status == "X", status == "Z"],
        [
            invoiced_at,
            np.maximum(
                day0 + rng.integers(0, 10, n) * DAY + business_seconds(rng, n) * SECOND, entered
            ),
            entered + rng.integers(30, 90, n) * DAY + business_seconds(rng, n) * SECOND,
        ],
        later(rng, entered, calendar.as_of, 0.4),
    )
    updated = np.minimum(updated, calendar.as_of)
    header = order_header(
        rng, index, entered, updated, cust, customers, status, order_type, ship_day
    )
    header |= {
        "TaxableAmt": taxable / 100,
        "NonTaxableAmt": (total - taxable) / 100,
        "SalesTaxAmt": tax / 100,
        "FreightAmt": freight / 100,
        "Weight": weight,
        "PaymentType": np.where(
            customers.terms[cust] == "09", customers.payment_type[cust], ""
        ).astype(object),
    }
    lines = {
        "SalesOrderNo": header["SalesOrderNo"][order],
        "LineKey": np.array([f"{r + 1:06d}" for r in rank], dtype=object),
        "LineSeqNo": np.array([f"{r + 1:014d}" for r in rank], dtype=object),
        "ItemCode": items.code[item],
        "ItemType": ITEM_TYPE[item_kind],
        "ItemCodeDesc": items.desc[item],
        "WarehouseCode": np.where(
            np.isin(item_kind, [CHARGE, COMMENT]), "", header["WarehouseCode"][order]
        ).astype(object),
        "PriceLevel": customers.price_level[cust][order],
        "UnitOfMeasure": items.uom[item],
        "UnitOfMeasureConvFactor": np.ones(m),
        "QuantityOrdered": qty,
        "QuantityShipped": np.where(completed[order], qty, 0.0),
        "QuantityBackordered": np.where(
            (order_type[order] == "B") & (rng.random(m) < 0.5), qty, 0.0
        ),
        "UnitPrice": price,
        "UnitCost": cost,
        "ExtensionAmt": line_cents / 100,
        "LineDiscountPercent": discount,
        "PromiseDate": ship_day[order],
        "TaxClass": items.tax_class[item],
        "SalesAcctKey": items.sales_acct[item],
        "CostOfGoodsSoldAcctKey": items.cogs_acct[item],
        "DropShip": text(m, "N"),
        "CommentText": np.where(comment, pick(rng, names.COMMENT_TEXTS, m), "").astype(object),
    }
    return OrderChunk(
        header=header,
        lines=lines,
        order_of_line=order,
        customer=cust,
        open_status=open_status,
        ship_day=ship_day,
        invoiced_at=invoiced_at,
        line_cents=line_cents,
        taxable_line=taxable_line,
        cost_cents=cost_cents,
        taxable_cents=taxable,
        nontaxable_cents=total - taxable,
        tax_cents=tax,
        tax_rate=rate,
        freight_cents=freight,
        product_line=items.product_line[item],
    )


def order_chunks(
    scale_orders: int,
    chunk_size: int,
    seed: int,
    calendar: OrderCalendar,
    ref: Reference,
    items: ItemCatalog,
    customers: CustomerCatalog,
) -> Iterator[OrderChunk]:
    for chunk, first in enumerate(range(0, scale_orders, chunk_size)):
        yield _build(
            chunk,
            first,
            min(first + chunk_size, scale_orders),
            seed,
            calendar,
            ref,
            items,
            customers,
        )


# SO_SalesOrderDetail columns whose history counterparts have other names.
_HISTORY_ONLY = ("LineSeqNo", "QuantityOrdered", "UnitPrice", "ExtensionAmt")


def history_lines(lines: Mapping[str, Any]) -> dict[str, Any]:
    """Order lines (columns as arrays, or one line's values) in SO_SalesOrderHistoryDetail's
    layout: keyed by SequenceNo, with the quantity and price as entered and as revised
    (the same, for lines nobody has revised)."""
    out = {c: v for c, v in lines.items() if c not in _HISTORY_ONLY}
    out["SequenceNo"] = lines["LineSeqNo"]
    out["QuantityOrderedOriginal"] = out["QuantityOrderedRevised"] = lines["QuantityOrdered"]
    out["OriginalUnitPrice"] = out["LastUnitPrice"] = lines["UnitPrice"]
    out["LastExtensionAmt"] = lines["ExtensionAmt"]
    return out
