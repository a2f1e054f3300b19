"""The platform -> ERP pipeline of the upload steps (customers, ship-tos, contacts).

    read the platform records waiting for the ERP (one filtered read:
    readyforfirstsync, updatesmade, or inprocess left by a run that died)
    -> map to Sage columns -> direction matrix -> gate (Great Expectations)
    -> conflicts (both sides changed: the configured master wins)
    -> mark inprocess -> write through the Business Object Interface, exactly once
    -> read the ERP's record back and write it to the platform with status synced
       (or error with the message) -> link

The write-back carries the ERP's view of the record, and its hash becomes the linkage's
platform hash, so the download step of the same run sees nothing new: a write the engine
made never comes back as a change. Creates are exactly-once: the key a create gets is
committed as a write intent before the ERP writes it (erpsync.engine.upload_write), so a
run killed between the ERP write and the linkage finds the record under that key on the
next run instead of creating it again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import orjson
import pandas as pd

from erpsync.engine.context import SyncContext
from erpsync.engine.download import DownloadSpec
from erpsync.engine.parents import Waiting, resolve_customers
from erpsync.engine.payload import digest
from erpsync.engine.steps import step as step_spec
from erpsync.engine.upload_write import WriteOutcome, write_rows
from erpsync.mappings.upload import UploadMapping
from erpsync.state.models import QuarantineEntry, RecordError, StepOutcome

__all__ = ["PENDING", "UploadSpec", "hold_back", "note_waiting", "run_upload"]

# Seed 004 statuses that mean "the ERP has not seen this version yet".
PENDING = ("readyforfirstsync", "updatesmade", "inprocess")


@dataclass(frozen=True)
class UploadSpec:
    step: int
    mapping: UploadMapping
    bus: str
    # Builds the entity's expectation suite from the reference codes.
    suite: Callable[[Any], Any]
    # How the ERP's view of the record is written back (the entity's download spec).
    echo: DownloadSpec
    direction: str
    # Columns that tell the ERP record a create wrote from another one under its key.
    identity: tuple[str, ...] = ()


def _erp_hash(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    values = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [digest(orjson.dumps(row)) for row in values.itertuples(index=False, name=None)]


def run_upload(ctx: SyncContext, spec: UploadSpec) -> StepOutcome:
    started = time.perf_counter()
    # The company's own columns and configured UDFs (SchemaMismatch names what it lacks).
    spec = dataclasses.replace(spec, mapping=ctx.upload_mapping(spec.mapping))
    info = step_spec(spec.step)
    out = StepOutcome(spec.step, info.name, info.entity, info.direction)
    entity = spec.mapping.entity
    records = _pending(ctx, entity)
    if entity != "customers":
        records, waiting = resolve_customers(ctx, records)
        note_waiting(ctx, entity, waiting, out)
    if records:
        ctx.progress.expect(len(records))
        _process(ctx, spec, records, out)
    out.seconds = time.perf_counter() - started
    return out


def _pending(ctx: SyncContext, entity: str) -> list[dict[str, Any]]:
    """What waits for the ERP, in one filtered read: its cost follows what is pending, not
    the size of the platform's table. Nothing is lost to a clock or a watermark: a record
    stays pending until a run has written it or marked it error."""
    records = [
        rec
        for page in ctx.platform.iter_changed(entity, filters={"erp_status": ",".join(PENDING)})
        for rec in page
    ]
    return records


def _process(
    ctx: SyncContext, spec: UploadSpec, records: list[dict[str, Any]], out: StepOutcome
) -> None:
    from erpsync.engine.reference import reference_codes
    from expectations import validate

    entity = spec.mapping.entity
    rule = getattr(ctx.settings.directions, spec.direction)
    links = ctx.state.upload_links(entity, [str(r["id"]) for r in records])
    frame = spec.mapping.frame(
        records,
        empty_clears=ctx.settings.platform.empty_clears,
        linked={pid: link[0] for pid, link in links.items() if link[0]},
    )
    out.read = len(frame)
    statuses: dict[str, dict[str, Any]] = {}

    # Direction matrix: creates the platform may not make; fields it may not update.
    blocked = (frame["operation"] == "create") & ("platform" not in rule.create)
    for pid in frame.loc[blocked, "record_key"]:
        statuses[pid] = _error(
            pid,
            f"creating {entity} on the platform is turned off (directions.{spec.direction}.create)",
        )
    frame = frame.loc[~blocked]
    updatable = [
        c for c in spec.mapping.sage_columns if rule.platform_updates(spec.mapping.field_of(c))
    ]
    frame = frame.assign(erp_hash=_erp_hash(frame, list(spec.mapping.sage_columns)))
    same = (
        frame.apply(
            lambda r: (
                r["operation"] == "update"
                and (not updatable or links.get(r["record_key"], (None, None))[1] == r["erp_hash"])
            ),
            axis=1,
        )
        if len(frame)
        else pd.Series(dtype=bool)
    )
    for pid in frame.loc[same.astype(bool), "record_key"] if len(frame) else []:
        statuses[pid] = {"id": _pid(pid), "erp_status": "synced", "erp_error": None}
    frame = frame.loc[~same.astype(bool)] if len(frame) else frame
    out.unchanged = len(statuses) - int(blocked.sum())

    if len(frame):
        ref = reference_codes(ctx, frame)
        sync = ctx.settings.sync
        gate = validate(
            spec.suite(ref), frame, max_share=sync.max_quarantine_share,
            min_records=sync.breaker_min_records,
        )  # fmt: skip
        if gate.systemic:
            hold_back(ctx, spec.step, entity, frame, None, gate, out)
            return
        out.quarantined = _quarantine_frames(
            ctx, spec.step, spec.mapping.entity, frame, None, gate, statuses
        )
        frame = frame.loc[~frame["record_key"].isin(gate.quarantined_keys)]
        frame = _resolve_conflicts(ctx, spec, rule, frame, links, out)
    if len(frame) and not ctx.dry_run:
        _mark(
            ctx, entity, [{"id": _pid(p), "erp_status": "inprocess"} for p in frame["record_key"]]
        )
        result = write_rows(ctx, spec, frame, updatable)
        _echo(ctx, spec, frame, result, statuses, out)
    elif len(frame):
        out.changed = len(frame)
    if not ctx.dry_run:
        _mark(ctx, entity, list(statuses.values()))


def note_waiting(ctx: SyncContext, entity: str, waiting: Waiting, out: StepOutcome) -> None:
    """Records waiting for their customer stay pending; the platform shows why."""
    if not waiting:
        return
    out.waiting += len(waiting)
    if not ctx.dry_run:
        _mark(ctx, entity, [{"id": _pid(p), "erp_error": why} for p, why in waiting.items()])


def _pid(key: str) -> int | str:
    return int(key) if key.isdigit() else key


def _error(pid: str, message: str) -> dict[str, Any]:
    return {"id": _pid(pid), "erp_status": "error", "erp_error": message}


def _mark(ctx: SyncContext, entity: str, rows: list[dict[str, Any]]) -> None:
    size = ctx.settings.platform.max_batch
    for start in range(0, len(rows), size):
        ctx.platform.upsert(entity, rows[start : start + size])


def hold_back(
    ctx: SyncContext,
    step: int,
    entity: str,
    frame: pd.DataFrame,
    lines: pd.DataFrame | None,
    gate: Any,
    out: StepOutcome,
) -> None:
    """The circuit breaker tripped: nothing of this entity is written, the rejected
    records are listed in the quarantine with every failed check, and no platform record
    is marked error (the fault is systemic: a mapping, a code table; the records stay
    pending and go through once it is fixed). The step is HELD, which does not stop the
    steps after it; the run ends failed, so ops hear of it."""
    out.quarantined = _quarantine_frames(ctx, step, entity, frame, lines, gate, {}, mark=False)
    out.state = "HELD"
    out.message = f"held back by the data-quality circuit breaker: {gate.systemic}"


def _quarantine_frames(
    ctx: SyncContext,
    step: int,
    entity: str,
    frame: pd.DataFrame,
    lines: pd.DataFrame | None,
    gate: Any,
    statuses: dict[str, dict[str, Any]],
    *,
    mark: bool = True,
) -> int:
    """Keep the rejected records (with their lines) and every failed expectation; the
    platform record goes to status error with a readable message."""
    bad = frame.loc[frame["record_key"].isin(gate.quarantined_keys)]
    entries = []
    for row in cast(list[dict[str, Any]], bad.to_dict("records")):
        pid = row["record_key"]
        failures = [
            {"expectation": f.check, "column": f.column, "value": _plain(f.value),
             "message": f.message, "severity": f.severity}
            for f in gate.failures.get(pid, [])
        ]  # fmt: skip
        errors = [f for f in failures if f["severity"] == "error"]
        message = "; ".join(f["message"] for f in errors) or "rejected by the data-quality gate"
        if mark:
            statuses[pid] = _error(pid, message)
        payload = {k: _plain(v) for k, v in row.items() if k != "erp_hash"}
        if lines is not None:
            own = lines.loc[lines["record_key"] == pid]
            payload["lines"] = [
                {k: _plain(v) for k, v in r.items()} for r in own.to_dict("records")
            ]
        entries.append(QuarantineEntry(step, entity, "upload", pid, payload, failures, pid))
    ctx.state.quarantine(ctx.run_id, entries)
    passed = frame.loc[~frame["record_key"].isin(gate.quarantined_keys), "record_key"]
    ctx.state.resolve_quarantine(entity, list(passed), ctx.run_id)
    return len(entries)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _resolve_conflicts(
    ctx: SyncContext,
    spec: UploadSpec,
    rule: Any,
    frame: pd.DataFrame,
    links: dict[str, tuple[str | None, str | None, str | None]],
    out: StepOutcome,
) -> pd.DataFrame:
    """Both sides changed since the last sync: the configured master wins.

    Only entities both sides update can conflict; where the platform owns some fields and
    the ERP the rest (customers), the two never write the same field.
    """
    updates = frame.loc[frame["operation"] == "update"]
    if updates.empty or not {"erp", "platform"} <= set(rule.update):
        return frame
    erp_keys: dict[str, str] = {}
    for pid in updates["record_key"]:
        key = links.get(pid, (None, None, None))[0]
        if key:
            erp_keys[pid] = key
    current = _erp_view(ctx, spec.echo, list(erp_keys.values()))
    conflicts = [
        pid for pid, key in erp_keys.items()
        if key in current and current[key] != links[pid][2]
    ]  # fmt: skip
    if not conflicts:
        return frame
    winner = rule.master
    ctx.state.record_conflicts(
        ctx.run_id,
        [
            {"step": spec.step, "entity": spec.mapping.entity, "record_key": erp_keys[p],
             "winner": winner, "detail": {"platform_id": p}}
            for p in conflicts
        ],
    )  # fmt: skip
    if winner == "erp":
        # The ERP's version reaches the platform in this run's download step.
        return frame.loc[~frame["record_key"].isin(conflicts)]
    return frame


def _erp_view(ctx: SyncContext, echo: DownloadSpec, erp_keys: Iterable[str]) -> dict[str, str]:
    """The platform-hash the download step would compute now, per ERP key."""
    from erpsync.engine.echo import erp_payloads

    return {key: p.compare for key, p in erp_payloads(ctx, echo, list(erp_keys)).items()}


def _echo(
    ctx: SyncContext,
    spec: UploadSpec,
    frame: pd.DataFrame,
    result: WriteOutcome,
    statuses: dict[str, dict[str, Any]],
    out: StepOutcome,
) -> None:
    """Write the ERP's view back to the platform, with status synced, and link."""
    from erpsync.engine.echo import erp_payloads

    entity = spec.mapping.entity
    for pid, message in result.failed.items():
        statuses[pid] = _error(pid, message)
    views = erp_payloads(ctx, spec.echo, list(result.written.values()))
    links = []
    hashes = dict(zip(frame["record_key"], frame["erp_hash"], strict=True))
    for pid, erp_key in result.written.items():
        view = views.get(erp_key)
        record: dict[str, Any] = {"id": _pid(pid), "erp_status": "synced", "erp_error": None}
        if view is not None:
            record = {**orjson.loads(view.send), **record}
        statuses[pid] = record
        links.append((pid, erp_key, hashes.get(pid), view.compare if view else None))
    ctx.state.link_uploads(entity, links)
    ctx.state.finish_intents(entity, list(result.written))
    if result.failed:
        ctx.state.record_errors(
            ctx.run_id,
            [RecordError(spec.step, entity, pid, None, msg) for pid, msg in result.failed.items()],
        )
    out.changed = len(result.written) + len(result.failed)
    out.written = len(result.written)
    out.failed += len(result.failed)
    _ = np  # numpy is used by _plain
