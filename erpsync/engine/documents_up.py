"""Steps 21 and 23: web orders and invoice payments into Sage 100, exactly once.

    pending platform records -> frames -> gate (quarantine) -> inprocess
    -> look the platform id up in Sage (UDF_PLATFORM_ORDER_ID / UDF_PLATFORM_PAYMENT_ID)
    -> write the ones Sage does not have through SO_SalesOrder_bus / AR_CashReceipts_bus
    -> write the ERP's view back (status synced, the order number) -> link

The platform id travels with the ERP document and is looked up before any create: an
order is never created twice, also when a run is killed after Sage accepted it and
before anything else was recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
import pandas as pd

from connectors.sage100.boi import FAILURE
from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec
from erpsync.engine.echo import erp_payloads
from erpsync.engine.steps import step as step_spec
from erpsync.engine.upload import (
    UploadFailed,
    _error,
    _mark,
    _pending,
    _pid,
    _quarantine_frames,
)
from erpsync.mappings.documents_up import ORDER_SAGE_COLUMNS
from erpsync.mappings.sage import is_blank
from erpsync.state.models import RecordError, StepOutcome

__all__ = ["DocumentUploadSpec", "run_document_upload"]


@dataclass(frozen=True)
class DocumentUploadSpec:
    step: int
    resource: str  # platform resource
    table: str  # Sage header table the platform id is stored in
    id_column: str  # the UDF holding the platform id
    key_columns: tuple[str, ...]  # the ERP document's key
    lookup_tables: tuple[str, ...]  # where a document written earlier may be found
    # (ctx, records) -> [(frame, suite builder)] ; the first frame is the header frame
    frames: Callable[[SyncContext, list[dict[str, Any]]], list[tuple[pd.DataFrame, Any]]]
    write: Callable[[SyncContext, pd.DataFrame, pd.DataFrame | None], dict[str, Any]]
    echo: DownloadSpec | None = None


def run_document_upload(ctx: SyncContext, spec: DocumentUploadSpec) -> StepOutcome:
    from expectations import merge, validate

    started = time.perf_counter()
    info = step_spec(spec.step)
    out = StepOutcome(spec.step, info.name, info.entity, info.direction)
    records = _pending(ctx, spec.resource)
    statuses: dict[str, dict[str, Any]] = {}
    if records:
        out.read = len(records)
        frames = spec.frames(ctx, records)
        results = [validate(suite, frame) for frame, suite in frames if len(frame)]
        gate = merge(results, max_share=ctx.settings.sync.max_quarantine_share)
        if gate.systemic:
            raise UploadFailed(f"data-quality gate: {gate.systemic}; nothing was written")
        headers = frames[0][0]
        lines = frames[1][0] if len(frames) > 1 else None
        out.quarantined = _quarantine_frames(
            ctx, spec.step, spec.resource, headers, lines, gate, statuses
        )
        good = headers.loc[~headers["record_key"].isin(gate.quarantined_keys)]
        if len(good) and not ctx.dry_run:
            _mark(ctx, spec.resource, [{"id": _pid(p), "erp_status": "inprocess"}
                                       for p in good["record_key"]])  # fmt: skip
            _write(ctx, spec, good, lines, statuses, out)
        elif len(good):
            out.changed = len(good)
    if not ctx.dry_run:
        _mark(ctx, spec.resource, list(statuses.values()))
    out.seconds = time.perf_counter() - started
    return out


def _already_written(ctx: SyncContext, spec: DocumentUploadSpec, pids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    columns = [*spec.key_columns, spec.id_column]
    for table in spec.lookup_tables:
        for part in ctx.erp.read_keys(table, columns, [spec.id_column], [(p,) for p in pids]):
            for rec in part.to_dict("records"):
                found.setdefault(
                    str(rec[spec.id_column]), "|".join(rec[c] for c in spec.key_columns)
                )
    return found


def _write(
    ctx: SyncContext,
    spec: DocumentUploadSpec,
    headers: pd.DataFrame,
    lines: pd.DataFrame | None,
    statuses: dict[str, dict[str, Any]],
    out: StepOutcome,
) -> None:
    done = _already_written(ctx, spec, headers["record_key"].tolist())
    written: dict[str, str] = dict(done)
    failed: dict[str, str] = {}
    for pid, header in zip(headers["record_key"], headers.to_dict("records"), strict=True):
        if pid in done:
            continue
        own_lines = lines.loc[lines["record_key"] == pid] if lines is not None else None
        result = spec.write(ctx, pd.DataFrame([header]), own_lines)
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
        statuses[pid] = record
        links.append((pid, key, None, view.compare if view else None))
    for pid, message in failed.items():
        statuses[pid] = _error(pid, message)
    link_as = spec.echo.entity if spec.echo else spec.resource
    ctx.state.link_uploads(link_as, links)
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


def _sage_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        return value[:10].replace("-", "")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return value


def write_order(
    ctx: SyncContext, header: pd.DataFrame, lines: pd.DataFrame | None
) -> dict[str, Any]:
    """One web order through SO_SalesOrder_bus: customer first (its defaults load), the
    header, then each line with the item code first (the item's defaults load)."""
    row = header.iloc[0].to_dict()
    orders = ctx.settings.orders
    bus: Any = ctx.erp_session().new_object("SO_SalesOrder_bus")
    number = bus.get_next_sales_order_no()

    def fail(what: str, source: Any = None) -> dict[str, Any]:
        message = (source or bus).last_error_message or f"{what} refused"
        bus.clear()
        return {"error": f"Sage 100 refused the order ({what}): {message}"}

    bus.set_key_value("SalesOrderNo$", number)
    if bus.set_key() == FAILURE:
        return fail("SalesOrderNo")
    for column in ("ARDivisionNo", "CustomerNo"):
        if bus.set_value(column, row[column]) == FAILURE:
            return fail(column)
    for column in ORDER_SAGE_COLUMNS:
        value = row.get(column)
        if is_blank(value):
            continue
        if bus.set_value(column, _sage_date(value)) == FAILURE:
            return fail(column)
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
    ctx: SyncContext, header: pd.DataFrame, lines: pd.DataFrame | None
) -> dict[str, Any]:
    """One platform payment as an A/R cash receipt applied to its invoice."""
    row = header.iloc[0].to_dict()
    cfg = ctx.settings.payments
    bus: Any = ctx.erp_session().new_object("AR_CashReceipts_bus")

    def fail(what: str, source: Any = None) -> dict[str, Any]:
        message = (source or bus).last_error_message or f"{what} refused"
        bus.clear()
        return {"error": f"Sage 100 refused the payment ({what}): {message}"}

    keys = {"DepositNo": cfg.deposit_no, "ARDivisionNo": row["ARDivisionNo"],
            "CustomerNo": row["CustomerNo"], "CheckNo": row["CheckNo"]}  # fmt: skip
    for column, value in keys.items():
        bus.set_key_value(column, value)
    if bus.set_key() == FAILURE:
        return fail("key")
    values = {
        "TransactionDate": _sage_date(row.get("TransactionDate"))
        or date.today().strftime("%Y%m%d"),
        "PaymentType": row["PaymentType"],
        "PostingAmt": row["AmountPosted"],
        "UDF_PLATFORM_PAYMENT_ID": row["UDF_PLATFORM_PAYMENT_ID"],
    }
    if cfg.cash_account:
        values["CashAcctKey"] = cfg.cash_account
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
    return {"key": "|".join(str(v) for v in keys.values())}
