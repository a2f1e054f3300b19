"""Steps 20 and 22: invoices and sales orders, Sage 100 -> platform."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from erpsync.engine.children import Children
from erpsync.engine.context import SyncContext
from erpsync.engine.documents_up import (
    DocumentUploadSpec,
    next_sales_order_no,
    receipt_key,
    run_document_upload,
    write_order,
    write_payment,
)
from erpsync.engine.download import DownloadSpec, Trigger, run_download
from erpsync.engine.reference import reference_codes
from erpsync.engine.upload_write import Lookup
from erpsync.mappings import transactions as m
from erpsync.mappings.documents_up import order_frames, payment_frame
from erpsync.state.models import StepOutcome
from tasks.registry import step_task

__all__ = [
    "download_invoices",
    "download_sales_orders",
    "upload_invoice_payments",
    "upload_sales_orders",
]

# Prospect quotes, master, quote and repeating orders are not downloaded (seed 003).
_SKIPPED_TYPES = ("P", "M", "Q", "R")


def _open_balances(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """What is still owed on each invoice: AR_OpenInvoice's balance less the payments
    entered today (unposted cash receipts); 0 once paid."""
    cols = ["ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType", "Balance", "PaymentsToday"]
    if ctx.mode == "seed":
        # Open items are few next to three years of invoices: read them once for the seed.
        if "open_invoices" not in ctx.memo:
            ctx.memo["open_invoices"] = _owed(ctx.erp.read("AR_OpenInvoice", cols))
        owed: dict[tuple[str, str, str, str], float] = ctx.memo["open_invoices"]
    else:
        keys = sorted(set(frame[cols[:3]].itertuples(index=False, name=None)))
        owed = _owed(ctx.erp.read_keys("AR_OpenInvoice", cols, cols[:3], keys))
    keyed = frame[["ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType"]].itertuples(
        index=False, name=None
    )
    return frame.assign(OpenBalance=[owed.get(k, 0.0) for k in keyed])


def _owed(frames: Iterable[pd.DataFrame]) -> dict[tuple[str, str, str, str], float]:
    owed: dict[tuple[str, str, str, str], float] = {}
    for part in frames:
        for div, no, inv, kind, balance, today in part.itertuples(index=False, name=None):
            owed[(div, no, inv, kind)] = round(float(balance or 0.0) - float(today or 0.0), 2)
    return owed


def _downloadable(ctx: SyncContext, frame: pd.DataFrame) -> pd.Series:
    """Seed 003: no prospect, master, quote or repeating orders; none whose Send To
    Service Pro UDF says no."""
    # Order history of some releases has no OrderType: its orders were all downloadable
    # kinds when they were open (quotes have their own history status, Q/Z).
    kind_ok = ~frame["OrderType"].isin(_SKIPPED_TYPES) if "OrderType" in frame else True
    if "UDF_SEND_TO_SERVICE_PRO" not in frame:  # seed 003: only "if the UDF exists"
        return pd.Series(kind_ok, index=frame.index)
    service_pro = frame["UDF_SEND_TO_SERVICE_PRO"].astype("string").fillna("")
    return kind_ok & (service_pro != "N")


def _history_downloadable(ctx: SyncContext, frame: pd.DataFrame) -> pd.Series:
    # Active orders come from SO_SalesOrderHeader; quotes (Q, Z) are never downloaded.
    return _downloadable(ctx, frame) & frame["OrderStatus"].isin(["C", "X"])


def _confirm_to(ctx: SyncContext, frame: pd.DataFrame) -> pd.DataFrame:
    """Confirm To names a contact of the order's customer? Then that contact ordered it.
    Also makes sure the platform knows every ship via and terms code the orders use."""
    _ensure_codes(ctx, frame)
    cols = ["ARDivisionNo", "CustomerNo", "ContactCode", "ContactName"]
    customers = sorted(set(frame[cols[:2]].itertuples(index=False, name=None)))
    by_name: dict[tuple[str, str, str], str] = {}
    for part in ctx.erp.read_keys("AR_CustomerContact", cols, cols[:2], customers):
        for div, no, code, name in part.itertuples(index=False, name=None):
            by_name.setdefault((div, no, str(name or "").strip().casefold()), code)
    names = frame["ConfirmTo"].astype("string").fillna("").str.strip().str.casefold()
    keys = zip(frame["ARDivisionNo"], frame["CustomerNo"], names, strict=True)
    contact = [by_name.get(k) if k[2] else None for k in keys]
    return frame.assign(ConfirmToContact=pd.Series(contact, index=frame.index, dtype=object))


def _ensure_codes(ctx: SyncContext, frame: pd.DataFrame) -> None:
    """Seed 003: a ship via or terms code an order uses but the platform lacks is created."""
    if ctx.dry_run:
        return
    wanted = {
        ("ship_vias", "ship_via"): set(frame["ShipVia"].dropna()) | {ctx.default_ship_via},
        ("terms", "terms_code"): set(frame["TermsCode"].dropna()),
    }
    made: set[tuple[str, str]] = ctx.memo.setdefault("codes_created", set())
    for (resource, field), codes in wanted.items():
        codes = {c for c in codes if c and (resource, c) not in made}
        if not codes:
            continue
        known = ctx.state.download_links(resource, sorted(codes))
        missing = sorted(codes - set(known))
        if missing:
            ctx.platform.upsert(
                resource,
                [{field: c, "description": f"{c} (created for sales orders)"} for c in missing],
            )
        made.update((resource, c) for c in codes)


INVOICES = DownloadSpec(
    20,
    m.INVOICES_DOWN,
    enrich=_open_balances,
    # A payment posted or a balance changed re-sends the invoice; lines carry no stamp
    # and are read again with their header.
    triggers=(
        Trigger("AR_TransactionPaymentHistory", ("InvoiceNo",)),
        Trigger("AR_OpenInvoice", ("InvoiceNo",)),
    ),
    children=(
        Children(
            "lines",
            m.INVOICE_LINES,
            {"InvoiceNo": "InvoiceNo", "HeaderSeqNo": "HeaderSeqNo"},
            order_by=("DetailSeqNo",),
        ),
        Children(
            "payments",
            m.INVOICE_PAYMENTS,
            {"ARDivisionNo": "ARDivisionNo", "CustomerNo": "CustomerNo", "InvoiceNo": "InvoiceNo"},
            order_by=("TransactionDate", "SequenceNo"),
        ),
    ),
    history_date="InvoiceDate",
    full_read_order="KCUSTOMER",
    extra_columns=("InvoiceType",),
)

_ORDER_LINES = Children(
    "lines", m.ORDER_LINES, {"SalesOrderNo": "SalesOrderNo"}, order_by=("LineSeqNo",)
)
OPEN_ORDERS = DownloadSpec(
    22,
    m.ORDERS_DOWN,
    enrich=_confirm_to,
    where=_downloadable,
    children=(_ORDER_LINES,),
    extra_columns=("ARDivisionNo", "CustomerNo", "OrderType", "UDF_SEND_TO_SERVICE_PRO"),
)
# Orders that left SO_SalesOrderHeader (completed or deleted) and, in the seed, the last
# N years of them: same record on the platform, with the life-cycle status.
ORDER_HISTORY = DownloadSpec(
    22,
    dataclasses.replace(
        m.ORDERS_DOWN,
        table="SO_SalesOrderHistoryHeader",
        fields={**m.ORDERS_DOWN.fields, "status": m.life_cycle},
    ),
    enrich=_confirm_to,
    where=_history_downloadable,
    children=(
        dataclasses.replace(_ORDER_LINES, mapping=m.ORDER_HISTORY_LINES, order_by=("SequenceNo",)),
    ),
    extra_columns=(
        "ARDivisionNo",
        "CustomerNo",
        "OrderType",
        "OrderStatus",
        "UDF_SEND_TO_SERVICE_PRO",
    ),
    history_date="OrderDate",
    link_as="sales_order_history",
)


@step_task(20)
def download_invoices(ctx: SyncContext) -> StepOutcome:
    return run_download(ctx, INVOICES)


@step_task(22)
def download_sales_orders(ctx: SyncContext) -> StepOutcome:
    """Seed 003 step 22: orders that failed to download earlier first, then additions and
    updates; then orders completed or deleted in Sage."""
    outcome = run_download(ctx, OPEN_ORDERS)
    history = run_download(ctx, ORDER_HISTORY)
    for name in ("read", "changed", "written", "unchanged", "quarantined", "failed"):
        setattr(outcome, name, getattr(outcome, name) + getattr(history, name))
    outcome.seconds += history.seconds
    return outcome


# --- steps 21 and 23: platform -> Sage --------------------------------------------------


def _order_frames(
    ctx: SyncContext, records: list[dict[str, Any]]
) -> list[tuple[pd.DataFrame, Any]]:
    from expectations import order_header_suite, order_line_suite

    headers, lines = order_frames(records)
    ref = reference_codes(ctx, headers, lines)
    return [(headers, order_header_suite(ref, date.today())), (lines, order_line_suite(ref))]


def _payment_frames(
    ctx: SyncContext, records: list[dict[str, Any]]
) -> list[tuple[pd.DataFrame, Any]]:
    from expectations import payment_suite

    frame = payment_frame(records, default_payment_type=ctx.settings.payments.payment_type)
    return [(frame, payment_suite(reference_codes(ctx, frame)))]


# An order's number is reserved (nGetNextSalesOrderNo) and committed as a write intent
# before the write; an order a run that died wrote is found under it in either table.
_ORDER_KEY = ("SalesOrderNo",)
_ORDER_TABLES = ("SO_SalesOrderHistoryHeader", "SO_SalesOrderHeader")
ORDERS_UP = DocumentUploadSpec(
    21,
    resource="sales_orders",
    key_columns=_ORDER_KEY,
    # Every order Sage ever took is in its history, open ones in the header table too.
    lookups=tuple(Lookup(name, _ORDER_KEY) for name in _ORDER_TABLES),
    # What tells the web order from one a Sage user entered under the same number.
    identity={c: c for c in ("ARDivisionNo", "CustomerNo", "CustomerPONo")},
    frames=_order_frames,
    write=write_order,
    section="orders",
    udf_tables=_ORDER_TABLES,
    reserve=next_sales_order_no,
    echo=OPEN_ORDERS,
)
# A receipt's key is the payment's own (deposit, customer, check number): committed as a
# write intent, then looked up among the unposted receipts and the posted payments.
_RECEIPT_KEY = ("DepositNo", "ARDivisionNo", "CustomerNo", "CheckNo")
PAYMENTS_UP = DocumentUploadSpec(
    23,
    resource="payments",
    key_columns=_RECEIPT_KEY,
    lookups=(
        Lookup("AR_CashReceiptsHeader", _RECEIPT_KEY),
        # Posted: one payment row per invoice it paid, its amount as TransactionAmt.
        Lookup(
            "AR_TransactionPaymentHistory",
            _RECEIPT_KEY,
            {"PostingAmt": "TransactionAmt"},
            where=("TransactionType", "P"),
            optional=True,
        ),
    ),
    identity={"PostingAmt": "AmountPosted"},
    frames=_payment_frames,
    write=write_payment,
    section="payments",
    udf_tables=("AR_CashReceiptsHeader",),
    derive=receipt_key,
    key_field="payment_no",  # the platform shows which receipt the payment became
)


@step_task(21)
def upload_sales_orders(ctx: SyncContext) -> StepOutcome:
    return run_document_upload(ctx, ORDERS_UP)


@step_task(23)
def upload_invoice_payments(ctx: SyncContext) -> StepOutcome:
    return run_document_upload(ctx, PAYMENTS_UP)
