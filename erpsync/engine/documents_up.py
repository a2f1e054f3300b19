"""Steps 21 and 23: web orders and invoice payments into Sage 100, exactly once.

    pending platform records -> frames -> gate (quarantine) -> inprocess
    -> linked already? -> claim the ERP key (write intent committed) or find the
       document a run that died wrote under it
    -> write the others through SO_SalesOrder_bus / AR_CashReceipts_bus
    -> write the ERP's view back (status synced, the order number) -> link -> intent done

An order's number is reserved with nGetNextSalesOrderNo and a receipt's key is known from
the payment, and either is committed as a write intent in the state database before the
BOI's write(). A run killed after Sage accepted the document and before the linkage was
committed leaves the intent: the next run finds the document under its key (open orders,
order history; unposted receipts, posted payment history) and links it instead of
entering it twice. No UDF is needed; `orders.platform_id_udf` / `payments.platform_id_udf`
name one that is written and looked up as well, when a company has one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
import pandas as pd

from connectors.sage100.boi import FAILURE, NEW_RECORD
from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec
from erpsync.engine.echo import erp_payloads
from erpsync.engine.parents import resolve_customers
from erpsync.engine.steps import step as step_spec
from erpsync.engine.upload import (
    _error,
    _mark,
    _pending,
    _pid,
    _quarantine_frames,
    hold_back,
    note_waiting,
)
from erpsync.engine.upload_write import Lookup, by_platform_id, claim_keys, recovered, split_key
from erpsync.mappings.documents_up import ORDER_SAGE_COLUMNS
from erpsync.mappings.sage import is_blank
from erpsync.state.intents import Claim
from erpsync.state.models import RecordError, StepOutcome

__all__ = [
    "DocumentUploadSpec",
    "next_sales_order_no",
    "receipt_key",
    "run_document_upload",
    "write_order",
    "write_payment",
]


@dataclass(frozen=True)
class DocumentUploadSpec:
    step: int
    resource: str  # platform resource (and the entity of its write intents)
    key_columns: tuple[str, ...]  # the ERP document's key, the parts of its linkage key
    lookups: tuple[Lookup, ...]  # where a document written earlier may be found
    # Header column -> frame column: what tells our document from another under its key.
    identity: Mapping[str, str]
    # (ctx, records) -> [(frame, suite builder)] ; the first frame is the header frame
    frames: Callable[[SyncContext, list[dict[str, Any]]], list[tuple[pd.DataFrame, Any]]]
    # (ctx, header, lines, ERP key) -> {"key": ...} or {"error": ...}
    write: Callable[[SyncContext, pd.DataFrame, pd.DataFrame | None, str], dict[str, Any]]
    section: str  # the settings section whose platform_id_udf applies ("orders")
    udf_tables: tuple[str, ...] = ()  # where that UDF is looked up
    # A fresh key per call (orders), or the key a record determines (receipts).
    reserve: Callable[[SyncContext], Callable[[], str]] | None = None
    derive: Callable[[SyncContext, dict[str, Any]], str] | None = None
    echo: DownloadSpec | None = None
    # Without an echo: the platform field the ERP key is written back to ("payment_no").
    key_field: str | None = None


def run_document_upload(ctx: SyncContext, spec: DocumentUploadSpec) -> StepOutcome:
    from expectations import merge, validate

    started = time.perf_counter()
    info = step_spec(spec.step)
    out = StepOutcome(spec.step, info.name, info.entity, info.direction)
    records, waiting = resolve_customers(ctx, _pending(ctx, spec.resource))
    note_waiting(ctx, spec.resource, waiting, out)
    statuses: dict[str, dict[str, Any]] = {}
    if records:
        out.read = len(records)
        ctx.progress.expect(len(records))
        frames = spec.frames(ctx, records)
        headers = frames[0][0]
        lines = frames[1][0] if len(frames) > 1 else None
        # Documents Sage has already are linked, not judged again: what the gate checks
        # against (open balances, credit holds) already includes them.
        done = _in_erp(ctx, spec, [str(p) for p in headers["record_key"]])
        judged = [(f.loc[~f["record_key"].isin(list(done))], suite) for f, suite in frames]
        results = [validate(suite, frame) for frame, suite in judged if len(frame)]
        good = judged[0][0]
        if results:
            sync = ctx.settings.sync
            gate = merge(
                results, max_share=sync.max_quarantine_share,
                min_records=sync.breaker_min_records,
            )  # fmt: skip
            if gate.systemic:
                hold_back(ctx, spec.step, spec.resource, good, lines, gate, out)
                out.seconds = time.perf_counter() - started
                return out
            out.quarantined = _quarantine_frames(
                ctx, spec.step, spec.resource, good, lines, gate, statuses
            )
            good = good.loc[~good["record_key"].isin(gate.quarantined_keys)]
        if (len(good) or done) and not ctx.dry_run:
            _mark(ctx, spec.resource, [{"id": _pid(p), "erp_status": "inprocess"}
                                       for p in good["record_key"]])  # fmt: skip
            _write(ctx, spec, good, done, lines, statuses, out)
        elif len(good):
            out.changed = len(good)
    if not ctx.dry_run:
        _mark(ctx, spec.resource, list(statuses.values()))
    out.seconds = time.perf_counter() - started
    return out


def _in_erp(ctx: SyncContext, spec: DocumentUploadSpec, pids: list[str]) -> dict[str, str]:
    """Documents Sage has already: linked, found by the configured platform-id UDF, or
    under the key of their write intent (a run that died before linking them)."""
    link_as = spec.echo.entity if spec.echo else spec.resource
    found = {p: link[0] for p, link in ctx.state.upload_links(link_as, pids).items() if link[0]}
    udf = getattr(ctx.settings, spec.section).platform_id_udf
    rest = [p for p in pids if p not in found]
    found |= by_platform_id(ctx, spec.udf_tables, spec.key_columns, udf, rest)
    rest = [p for p in rest if p not in found]
    return found | recovered(ctx, spec.resource, rest, spec.lookups)


def _write(
    ctx: SyncContext,
    spec: DocumentUploadSpec,
    headers: pd.DataFrame,
    done: dict[str, str],
    lines: pd.DataFrame | None,
    statuses: dict[str, dict[str, Any]],
    out: StepOutcome,
) -> None:
    rows = dict(zip(headers["record_key"], headers.to_dict("records"), strict=True))
    propose = spec.reserve(ctx) if spec.reserve else None
    claims = [
        Claim(pid, {name: row.get(col) for name, col in spec.identity.items()},
              derived=spec.derive(ctx, row) if spec.derive else None, propose=propose)
        for pid, row in rows.items()
    ]  # fmt: skip
    claimed = claim_keys(ctx, spec.resource, claims, spec.lookups)
    done = {**done, **claimed.found}
    written: dict[str, str] = dict(done)
    failed: dict[str, str] = dict(claimed.failed)
    for pid, key in claimed.write.items():
        own_lines = lines.loc[lines["record_key"] == pid] if lines is not None else None
        result = spec.write(ctx, pd.DataFrame([rows[pid]]), own_lines, key)
        ctx.progress.advance(1)  # one BOI write per document: the slow part of the step
        if result.get("error"):
            failed[pid] = result["error"]
        else:
            written[pid] = result["key"]
    views = erp_payloads(ctx, spec.echo, list(written.values())) if spec.echo else {}
    links = []
    for pid, key in written.items():
        record: dict[str, Any] = {"id": _pid(pid), "erp_status": "synced", "erp_error": None}
        view = views.get(key)
        if view is not None:
            record = {**orjson.loads(view.send), **record}
        elif spec.key_field:
            record[spec.key_field] = key
        statuses[pid] = record
        links.append((pid, key, None, view.compare if view else None))
    for pid, message in failed.items():
        statuses[pid] = _error(pid, message)
    link_as = spec.echo.entity if spec.echo else spec.resource
    ctx.state.link_uploads(link_as, links)
    ctx.state.finish_intents(spec.resource, list(written))
    if failed:
        ctx.state.mark_upload_failed(spec.resource, list(failed.items()))
        ctx.state.record_errors(
            ctx.run_id,
            [RecordError(spec.step, spec.resource, p, None, m) for p, m in failed.items()],
        )
    out.changed = len(written) + len(failed)
    out.written = len(written) - len(done)
    out.unchanged += len(done)
    out.failed += len(failed)


# --- the two Sage writes ----------------------------------------------------------------

_RECEIPT_KEY = ("DepositNo", "ARDivisionNo", "CustomerNo", "CheckNo")


def _sage_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        return value[:10].replace("-", "")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return value


def next_sales_order_no(ctx: SyncContext) -> Callable[[], str]:
    """nGetNextSalesOrderNo, on one SO_SalesOrder_bus opened when first asked: Sage
    consumes the number, so it is the order's as soon as its intent is committed."""
    bus: Any = None

    def propose() -> str:
        nonlocal bus
        if bus is None:
            bus = ctx.erp_session().new_object("SO_SalesOrder_bus")
        return str(bus.get_next_sales_order_no())

    return propose


def receipt_key(ctx: SyncContext, row: dict[str, Any]) -> str:
    """DepositNo|ARDivisionNo|CustomerNo|CheckNo: known from the payment itself."""
    parts = (ctx.settings.payments.deposit_no, row["ARDivisionNo"], row["CustomerNo"],
             row["CheckNo"])  # fmt: skip
    return "|".join(str(p) for p in parts)


def write_order(
    ctx: SyncContext, header: pd.DataFrame, lines: pd.DataFrame | None, number: str
) -> dict[str, Any]:
    """One web order through SO_SalesOrder_bus under its reserved number: customer first
    (its defaults load), the header, then each line with the item code first (the item's
    defaults load)."""
    row = header.iloc[0].to_dict()
    orders = ctx.settings.orders
    bus: Any = ctx.erp_session().new_object("SO_SalesOrder_bus")

    def fail(what: str, source: Any = None, reason: str = "") -> dict[str, Any]:
        message = reason or (source or bus).last_error_message or f"{what} refused"
        bus.clear()
        return {"error": f"Sage 100 refused the order ({what}): {message}"}

    bus.set_key_value("SalesOrderNo$", number)
    if bus.set_key() != NEW_RECORD:  # an order under a reserved number is never ours
        return fail("SalesOrderNo", reason=f"order {number} exists already")
    for column in ("ARDivisionNo", "CustomerNo"):
        if bus.set_value(column, row[column]) == FAILURE:
            return fail(column)
    have = set(ctx.erp.table("SO_SalesOrderHeader").column_names)
    for column in ORDER_SAGE_COLUMNS:
        value = row.get(column)
        # Seed 003's UDFs (Send To Service Pro ...) are set where the company has them.
        if is_blank(value) or (column.startswith("UDF_") and column not in have):
            continue
        if bus.set_value(column, _sage_date(value)) == FAILURE:
            return fail(column)
    udf = orders.platform_id_udf
    if udf and bus.set_value(udf, row["record_key"]) == FAILURE:
        return fail(udf)
    lines_bus = bus.lines
    for line in lines.to_dict("records") if lines is not None else []:
        lines_bus.add_line()
        for column in ("ItemCode", "WarehouseCode", "ItemCodeDesc", "QuantityOrdered",
                       "UnitPrice", "CommentText"):  # fmt: skip
            value = line.get(column)
            if is_blank(value):
                continue
            if lines_bus.set_value(column, value) == FAILURE:
                return fail(f"line {line.get('line_no')} {column}", lines_bus)
        defaults = (
            ("SalesAcctKey", orders.default_sales_account),
            ("CostOfGoodsSoldAcctKey", orders.default_cogs_account),
        )
        for column, default in defaults:
            if default and is_blank(lines_bus.get_value(column)):
                lines_bus.set_value(column, default)
        if lines_bus.write() == FAILURE:
            return fail(f"line {line.get('line_no')}", lines_bus)
    if bus.write() == FAILURE:
        return fail("write")
    return {"key": number}


def write_payment(
    ctx: SyncContext, header: pd.DataFrame, lines: pd.DataFrame | None, key: str
) -> dict[str, Any]:
    """One platform payment as an A/R cash receipt, under `key`, applied to its invoice."""
    row = header.iloc[0].to_dict()
    cfg = ctx.settings.payments
    bus: Any = ctx.erp_session().new_object("AR_CashReceipts_bus")

    def fail(what: str, source: Any = None, reason: str = "") -> dict[str, Any]:
        message = reason or (source or bus).last_error_message or f"{what} refused"
        bus.clear()
        return {"error": f"Sage 100 refused the payment ({what}): {message}"}

    keys = dict(zip(_RECEIPT_KEY, split_key(key, len(_RECEIPT_KEY)), strict=True))
    for column, value in keys.items():
        bus.set_key_value(column, value)
    if bus.set_key() != NEW_RECORD:  # claim_keys found none: another session's receipt
        return fail("key", reason=f"a receipt {key} exists already")
    values = {
        "TransactionDate": _sage_date(row.get("TransactionDate"))
        or date.today().strftime("%Y%m%d"),
        "PaymentType": row["PaymentType"],
        "PostingAmt": row["AmountPosted"],
    }
    if cfg.cash_account:
        values["CashAcctKey"] = cfg.cash_account
    if cfg.platform_id_udf:
        values[cfg.platform_id_udf] = row["record_key"]
    for column, value in values.items():
        if bus.set_value(column, value) == FAILURE:
            return fail(column)
    receipt_lines = bus.lines
    receipt_lines.add_line()
    for column, value in (("InvoiceNo", row["InvoiceNo"]), ("AmountPosted", row["AmountPosted"])):
        if receipt_lines.set_value(column, value) == FAILURE:
            return fail(f"invoice {row['InvoiceNo']} {column}", receipt_lines)
    if receipt_lines.write() == FAILURE:
        return fail(f"invoice {row['InvoiceNo']}", receipt_lines)
    if bus.write() == FAILURE:
        return fail("write")
    return {"key": key}
