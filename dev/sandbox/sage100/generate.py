"""`generate`: a Sage 100-shaped company database, deterministic and streamed in chunks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from sandbox.sage100.catalog import CustomerCatalog, ItemCatalog
from sandbox.sage100.common import DAY, Frame, chunk_rng
from sandbox.sage100.credit_memos import credit_memos
from sandbox.sage100.customers import customer_frames
from sandbox.sage100.invoices import InvoiceNumbers, ar_invoices, so_invoices
from sandbox.sage100.items import item_frames
from sandbox.sage100.order_calendar import OrderCalendar
from sandbox.sage100.orders import OrderChunk, history_lines, order_chunks
from sandbox.sage100.payments import CustomerTotals, pay_days, settle
from sandbox.sage100.reference import build_reference, reference_frames
from sandbox.sage100.scales import Scale, scale_named
from sandbox.sage100.writer import CompanyWriter

__all__ = ["GenerationReport", "generate"]

Progress = Callable[[str, int], None]


@dataclass
class GenerationReport:
    url: str  # without the password
    scale: str
    seed: int
    as_of: datetime
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate(
    url: str,
    *,
    scale: str = "small",
    seed: int = 42,
    as_of: datetime | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    udfs: bool = True,
) -> GenerationReport:
    """Create the catalogue's tables at `url` and fill them with a sandbox company.

    The same (scale, seed, as_of) gives the same contents, row for row. `as_of` is the
    sandbox's "now" (server-local wall clock; default: now, to the second): every stamp is
    at or before it. A database that already has catalogue tables is refused unless
    `replace` is true, which drops and recreates them. `udfs=False` makes a company with
    Sage's standard columns only (no UDF at all), as a company that created none.
    """
    size = scale_named(scale)
    moment = (as_of or datetime.now()).replace(microsecond=0)
    started = time.perf_counter()
    writer = CompanyWriter(url, udfs=udfs)
    report = GenerationReport(writer.url, size.name, seed, moment)
    try:
        writer.prepare(replace=replace)
        company = _Company(size, seed, np.datetime64(moment, "s"))
        for name, frame in company.frames():
            written = writer.insert(name, frame)
            report.rows[name] = report.rows.get(name, 0) + written
            if progress is not None:
                progress(name, report.rows[name])
        # Posting leaves balances on the customer without touching its update stamp.
        writer.update("AR_Customer", ("ARDivisionNo", "CustomerNo"), company.balances())
        writer.finish()
    except BaseException:
        writer.close()
        raise
    for name in writer.metadata.tables:
        report.rows.setdefault(name, 0)
    report.seconds = time.perf_counter() - started
    return report


class _Company:
    """One generation run: the catalogues that later tables draw on, filled as it goes."""

    def __init__(self, scale: Scale, seed: int, as_of: np.datetime64) -> None:
        self.scale, self.seed, self.as_of = scale, seed, as_of
        self.ref = build_reference(scale)
        self.items = ItemCatalog()
        self.customers = CustomerCatalog()
        self.totals: CustomerTotals | None = None

    def frames(self) -> Iterator[tuple[str, Frame]]:
        scale, seed, as_of = self.scale, self.seed, self.as_of
        yield from reference_frames(self.ref, scale, seed, as_of)
        yield from item_frames(scale, self.ref, seed, as_of, self.items)
        yield from customer_frames(scale, self.ref, seed, as_of, self.items, self.customers)
        self.totals = CustomerTotals.empty(len(self.customers))
        calendar = OrderCalendar.build(scale, as_of)
        numbers = InvoiceNumbers()
        chunks = order_chunks(
            scale.orders, scale.order_chunk, seed, calendar, self.ref, self.items, self.customers
        )
        for k, chunk in enumerate(chunks):
            # Invoices first: the history header carries the order's last invoice.
            receivables = list(
                _receivables(
                    k,
                    chunk,
                    seed,
                    as_of,
                    calendar.days[0],
                    numbers,
                    self.items,
                    self.customers,
                    self.totals,
                )
            )
            yield "SO_SalesOrderHistoryHeader", chunk.header
            yield "SO_SalesOrderHistoryDetail", history_lines(chunk.lines)
            yield from _open_orders(chunk)
            self.totals.add_open_orders(chunk)
            yield from receivables

    def balances(self) -> Frame:
        if self.totals is None:
            raise RuntimeError("balances() needs frames() to have run")
        return self.totals.frame(self.customers)


def _open_orders(chunk: OrderChunk) -> Iterator[tuple[str, Frame]]:
    open_ = chunk.open_status != ""
    if not open_.any():
        return
    header = {
        c: v[open_]
        for c, v in chunk.header.items()
        if c not in ("LastInvoiceDate", "LastInvoiceNo")
    }
    header["OrderStatus"] = chunk.open_status[open_]
    lines = open_[chunk.order_of_line]
    yield "SO_SalesOrderHeader", header
    yield "SO_SalesOrderDetail", {c: v[lines] for c, v in chunk.lines.items()}


def _receivables(
    k: int,
    chunk: OrderChunk,
    seed: int,
    as_of: np.datetime64,
    first_day: np.datetime64,
    numbers: InvoiceNumbers,
    items: ItemCatalog,
    customers: CustomerCatalog,
    totals: CustomerTotals,
) -> Iterator[tuple[str, Frame]]:
    rng = chunk_rng(seed, "AR_InvoiceHistoryHeader", k)
    today = as_of.astype("datetime64[D]")
    head, detail, rec, orders = so_invoices(rng, chunk, numbers, as_of)
    last_no = np.full(len(chunk.completed), "", dtype=object)
    last_no[orders] = rec.invoice_no
    last_day = np.full(len(chunk.completed), np.datetime64("NaT"), dtype="datetime64[D]")
    last_day[orders] = rec.day
    chunk.header["LastInvoiceNo"], chunk.header["LastInvoiceDate"] = last_no, last_day
    paid_on = pay_days(rng, rec, customers.credit_hold[rec.customer])
    # Credit memos: about 1 in 100 invoices (at least one a chunk), before payment.
    n = len(orders)
    chosen = rng.random(n) < 0.01
    if n and not chosen.any():
        chosen[n // 2] = True
    credit_day = rec.day + rng.integers(3, 21, n) * DAY
    chosen &= (credit_day < today) & (credit_day < paid_on)
    cm = np.nonzero(chosen)[0]
    cm_head, cm_detail, cm_cents = credit_memos(
        rng, chunk, head, cm, orders[cm], credit_day[cm], numbers, as_of
    )
    credit = np.zeros(n, dtype=np.int64)
    credit[cm] = cm_cents
    credit_no = np.full(n, "", dtype=object)
    credit_no[cm] = cm_head["InvoiceNo"]
    history, open_invoices = settle(
        rng, rec, paid_on, credit, credit_day, credit_no, customers, totals, first_day, as_of
    )
    # A/R-only invoices: about 1 in 200 (at least one a chunk).
    picked = orders[rng.random(n) < 0.005] if n else orders
    if n and not len(picked):
        picked = orders[[n // 3]]
    ar_head, ar_detail, ar_rec = ar_invoices(rng, chunk, picked, numbers, items, as_of)
    ar_paid = pay_days(rng, ar_rec, customers.credit_hold[ar_rec.customer])
    none = np.zeros(len(ar_rec.day), dtype=np.int64)
    ar_history, ar_open = settle(
        rng,
        ar_rec,
        ar_paid,
        none,
        ar_rec.day,
        np.full(len(none), "", dtype=object),
        customers,
        totals,
        first_day,
        as_of,
    )
    for name, frames in (
        ("AR_InvoiceHistoryHeader", (head, ar_head, cm_head)),
        ("AR_InvoiceHistoryDetail", (detail, ar_detail, cm_detail)),
        ("AR_OpenInvoice", (open_invoices, ar_open)),
        ("AR_TransactionPaymentHistory", (history, ar_history)),
    ):
        for frame in frames:
            yield name, frame
