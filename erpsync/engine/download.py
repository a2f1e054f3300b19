"""The ERP -> platform pipeline every download step runs.

    read changed rows (chunks) -> enrich -> check + map -> encode -> hash -> compare with
    the linkage -> write the changed ones (full batches) -> link -> advance the watermark

Which rows are read:
  * the entity's own table, changed at or after the watermark minus the overlap window
    (everything on a seed or a first run, the requested days on a backfill);
  * parents of rows changed in "trigger" tables: a tax schedule whose detail lines changed,
    the item/locations of an item whose price or cost changed (child tables with their own
    stamps);
  * records whose download failed on an earlier run and were not retried in this one
    (seed 003, step 22).
Transactions keep the seed's horizon on incremental runs too: a document dated before the
last N years that the platform never received is not sent because someone touched it
(otherwise what the platform holds would depend on when runs happened to fall); one the
platform already has is kept current however old it grows.
Only records whose encoded payload differs from the last one written are sent, so a run
over unchanged data writes nothing. The watermark moves to the newest stamp read, and only
after every batch of the step has been acknowledged.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from connectors.sage100.stamps import SageStamp
from connectors.sage100.tables import table as sage_table
from erpsync.engine.boundary import Boundary, SharedWindow
from erpsync.engine.children import Children, attach_children
from erpsync.engine.context import SyncContext
from erpsync.engine.payload import Payloads, digest, platform_payloads
from erpsync.engine.steps import step as step_spec
from erpsync.engine.writer import PlatformWriter
from erpsync.mappings.core import EntityMapping, encode_records, split_erp_key
from erpsync.state.models import RecordError, StepOutcome

__all__ = ["DownloadSpec", "Trigger", "run_download"]

log = logging.getLogger("erpsync.download")

Enrich = Callable[[SyncContext, pd.DataFrame], pd.DataFrame]
RowFilter = Callable[[SyncContext, pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Trigger:
    """A stamped child table whose changes mean the parent record must be sent again.

    `parent_key` names, in the child table, the columns holding the parent's key (a
    prefix of the parent's key columns, same names).
    """

    table: str
    parent_key: tuple[str, ...]


@dataclass(frozen=True)
class DownloadSpec:
    step: int
    mapping: EntityMapping
    triggers: tuple[Trigger, ...] = ()
    enrich: Enrich | None = None
    where: RowFilter | None = None
    extra_columns: tuple[str, ...] = field(default=())
    # Section of [directions] that governs this entity (two-way entities only).
    direction: str | None = None
    # Documents: child rows sent inline (lines, payments).
    children: tuple[Children, ...] = ()
    # Transactions: the date column that bounds a full read to the last N years.
    history_date: str | None = None
    # The Sage key whose order a full read follows. Children read by a chunk's headers
    # whose own key does not start with the header's (payments are keyed by customer)
    # then cost what the chunk holds; in primary-key order every chunk would span every
    # customer and read all their payments again: quadratic in the company's size.
    full_read_order: str | None = None
    # Linkage and watermark name when two steps feed one platform resource differently
    # (sales orders and their life-cycle status); default: the platform resource.
    link_as: str | None = None

    @property
    def entity(self) -> str:
        return self.link_as or self.mapping.entity

    def matrix(self, ctx: SyncContext) -> tuple[list[str], bool, bool]:
        """(fields the platform owns on existing records, ERP may create, ERP may update)."""
        if self.direction is None:
            return [], True, True
        rule = getattr(ctx.settings.directions, self.direction)
        owned = [f for f in rule.platform_fields if not rule.erp_updates(f)]
        return owned, "erp" in rule.create, "erp" in rule.update


class _Run:
    """State of one download step while it runs."""

    def __init__(self, ctx: SyncContext, spec: DownloadSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        self.mapping = ctx.company_mapping(spec.mapping)
        self.entity = spec.entity
        info = step_spec(spec.step)
        self.outcome = StepOutcome(spec.step, info.name, info.entity, info.direction)
        self.newest: SageStamp | None = None
        # Sage stamps come from the clock of the workstation that saved the record. One
        # set ahead would carry the watermark past changes saved later on other machines,
        # so the watermark never passes the moment this step began to read; rows stamped
        # later are read again (and, unchanged, not written) until the clock catches up.
        self.read_started = SageStamp.from_datetime(ctx.erp.server_now())
        self.boundary = Boundary(
            ctx.state.get_frontier(self.entity, "download") if ctx.mode == "incremental" else None,
            ctx.settings.sync.overlap_seconds,
        )
        self.seen: set[str] = set()
        self.track_seen = False
        self.linked = ctx.state.has_links(self.entity)
        # Seeds read the horizon in SQL; a backfill's window is what ops asked for.
        self.horizon: pd.Timestamp | None = None
        if spec.history_date and ctx.mode == "incremental":
            self.horizon = pd.Timestamp(ctx.history_start)
        self.writer: PlatformWriter | None = None
        if not ctx.dry_run:
            self.writer = PlatformWriter(
                ctx.platform,
                ctx.state,
                entity=self.entity,
                resource=self.mapping.entity,
                step=spec.step,
                run_id=ctx.run_id,
                max_batch=ctx.settings.platform.max_batch,
            )

    @property
    def columns(self) -> list[str]:
        have = set(self.ctx.erp.table(self.mapping.table).column_names)
        extra = [
            c for c in self.spec.extra_columns if c in have or not _can_miss(self.mapping.table, c)
        ]
        cols = list(self.mapping.source_columns) + extra
        if self.spec.history_date:
            cols.append(self.spec.history_date)
        if sage_table(self.mapping.table).stamped:
            cols += ["DateUpdated", "TimeUpdated"]
        return list(dict.fromkeys(cols))

    # --- sources ---------------------------------------------------------------------------
    def frames(self) -> Iterator[pd.DataFrame]:
        erp = self.ctx.erp
        table = self.mapping.table
        since, before = self.ctx.erp_window(self.entity)
        spec = sage_table(table)
        if since is None and before is None:
            at_least = None
            if self.spec.history_date:
                at_least = {self.spec.history_date: self.ctx.history_start}
            order = self.spec.full_read_order
            # A full read is the long work of a seed: one COUNT gives its progress an ETA.
            self.ctx.progress.expect(erp.count(table, at_least=at_least))
            for frame in erp.read(table, self.columns, at_least=at_least, key_order=order):
                if spec.stamped:
                    self._note_stamps(frame)
                    self.boundary.note(table, frame, spec.primary_key)
                yield frame
            return
        self.track_seen = True
        if self.ctx.mode == "incremental":  # seed 003 step 22: failed downloads first
            failed = self.ctx.state.failed_downloads(self.entity, self.ctx.run_id)
            width = len(self.mapping.key)
            yield from self._by_keys(self.mapping.key, {split_erp_key(k, width) for k in failed})
        window = self._window_reader()
        if spec.stamped:
            for frame in window(table, self.columns, since, before):
                self._note_stamps(frame)
                yield self.boundary.fresh(table, frame, spec.primary_key)
        for trig in self.spec.triggers:
            keys: set[tuple[str, ...]] = set()
            child_key = sage_table(trig.table).primary_key
            cols = list(dict.fromkeys([*child_key, *trig.parent_key, "DateUpdated", "TimeUpdated"]))
            for child in window(trig.table, cols, since, before):
                self._note_stamps(child)
                child = self.boundary.fresh(trig.table, child, child_key)
                keys.update(child[list(trig.parent_key)].itertuples(index=False, name=None))
            yield from self._by_keys(trig.parent_key, keys)

    def _window_reader(self) -> Callable[..., Iterator[pd.DataFrame]]:
        """Window reads go through the run's shared reads (one query per table and run);
        a backfill's window is its own."""
        if self.ctx.mode != "incremental":
            return lambda table, cols, since, before: self.ctx.erp.read(
                table, cols, changed_since=since, changed_before=before
            )
        shared = self.ctx.memo.setdefault("shared_window", SharedWindow(self.ctx.erp))
        return shared.read

    def _by_keys(
        self, key_cols: tuple[str, ...], keys: set[tuple[str, ...]]
    ) -> Iterator[pd.DataFrame]:
        if not keys:
            return
        yield from self.ctx.erp.read_keys(self.mapping.table, self.columns, key_cols, sorted(keys))

    def _note_stamps(self, frame: pd.DataFrame) -> None:
        from connectors.sage100 import max_stamp

        newest = max_stamp(frame)
        if newest is not None and (self.newest is None or newest > self.newest):
            self.newest = newest

    # --- one chunk -------------------------------------------------------------------------
    def process(self, frame: pd.DataFrame) -> None:
        ctx, out = self.ctx, self.outcome
        if self.spec.where is not None and not frame.empty:
            frame = frame.loc[self.spec.where(ctx, frame).to_numpy(dtype=bool)]
        if self.track_seen and not frame.empty:  # a row reached twice (own change + trigger)
            seen_keys = self.mapping.erp_keys(frame)
            fresh = ~seen_keys.isin(self.seen)
            self.seen.update(seen_keys[fresh])
            frame = frame.loc[fresh.to_numpy(dtype=bool)]
        if self.horizon is not None and not frame.empty:
            frame = self._within_history(frame)
        if frame.empty:
            return
        out.read += len(frame)
        if self.spec.enrich is not None:
            frame = self.spec.enrich(ctx, frame)
        mapped = self.mapping.apply(frame, ctx)
        if mapped.rejects:
            out.failed += len({k for k, _, _ in mapped.rejects})
            ctx.state.record_errors(
                ctx.run_id,
                [
                    RecordError(self.spec.step, self.entity, key, column, reason)
                    for key, column, reason in mapped.rejects
                ],
            )
        keys = mapped.keys.tolist()
        previous = ctx.state.download_links(self.entity, keys) if self.linked else {}
        existing = np.fromiter((k in previous for k in keys), dtype=bool, count=len(keys))
        if self.spec.children:
            payloads = self._documents(frame.iloc[mapped.kept], mapped.records, keys)
        else:
            owned, may_create, may_update = self.spec.matrix(ctx)
            payloads = platform_payloads(
                mapped.records,
                existing,
                owned_by_platform=owned,
                create=may_create,
                update=may_update,
            )
        changed = [
            i
            for i, (k, h) in enumerate(zip(keys, payloads.compare, strict=True))
            if not payloads.skip[i] and previous.get(k) != h
        ]
        out.changed += len(changed)
        out.unchanged += len(keys) - len(changed)
        if self.writer is not None and changed:
            self.writer.add(
                [keys[i] for i in changed],
                [payloads.send[i] for i in changed],
                [payloads.compare[i] for i in changed],
            )

    def _within_history(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Drops documents dated before the horizon that the platform does not have."""
        assert self.horizon is not None and self.spec.history_date is not None
        # A date the driver returns unparsed stays in: better sent than silently lost.
        dated = pd.to_datetime(frame[self.spec.history_date], errors="coerce", format="ISO8601")
        old = (dated < self.horizon).to_numpy(dtype=bool)
        if not old.any():
            return frame
        keys = self.mapping.erp_keys(frame.loc[old])
        linked = self.ctx.state.download_links(self.entity, keys.tolist()) if self.linked else {}
        drop = old.copy()
        drop[old] = ~keys.isin(list(linked)).to_numpy(dtype=bool)
        if drop.any():
            log.info(
                "%s: %d record(s) dated before %s changed but were never sent; not sent now",
                self.mapping.table,
                int(drop.sum()),
                self.horizon.date(),
            )
        return frame.loc[~drop]

    def _documents(self, headers: pd.DataFrame, records: pd.DataFrame, keys: list[str]) -> Payloads:
        """Headers with their child rows inline; a document with a bad child is held back."""
        docs = attach_children(self.ctx, headers, encode_records(records), self.spec.children)
        skip = np.zeros(len(keys), dtype=bool)
        if docs.held_back:
            skip[list(docs.held_back)] = True
            self.outcome.failed += len(docs.held_back)
            self.ctx.state.record_errors(
                self.ctx.run_id,
                [
                    RecordError(self.spec.step, self.entity, keys[pos], None, why)
                    for pos, why in docs.held_back.items()
                ],
            )
        return Payloads(docs.encoded, [digest(line) for line in docs.encoded], skip)

    def finish(self) -> StepOutcome:
        out = self.outcome
        if self.writer is not None:
            totals = self.writer.close()
            out.written = totals.written
            # Written as the platform counts: a record we thought changed may already have
            # been there (a run that died before linking it); it is now linked.
            out.unchanged += totals.unchanged
            out.failed += totals.failed
            self.ctx.state.record_errors(self.ctx.run_id, totals.errors)
        if self.ctx.advances_watermarks and self.newest is not None:
            newest = self.newest
            if newest > self.read_started:
                log.warning(
                    "%s: rows stamped %s, after this run began reading (%s): a workstation"
                    " clock is ahead; the watermark stays at %s",
                    self.mapping.table,
                    newest,
                    self.read_started,
                    self.read_started,
                )
                newest = self.read_started
            current = self.ctx.state.get_watermark(self.entity, "download")
            if current is None or newest >= SageStamp.parse(current):
                self.ctx.state.set_watermark(
                    self.entity,
                    "download",
                    str(newest),
                    self.ctx.run_id,
                    frontier=self.boundary.frontier(),
                )
        return out


def _can_miss(table: str, column: str) -> bool:
    """An extra column a step reads only if the company has it: a UDF a seed uses "if it
    exists", or a column the catalogue marks optional."""
    if column.startswith("UDF_"):
        return True
    spec = sage_table(table)
    return column in spec.column_names and spec.column(column).optional


def run_download(ctx: SyncContext, spec: DownloadSpec) -> StepOutcome:
    started = time.perf_counter()
    run = _Run(ctx, spec)
    try:
        for frame in run.frames():
            run.process(frame)
            ctx.progress.advance(len(frame))
    except BaseException:
        if run.writer is not None:
            # Let batches already handed over finish and be linked; the original failure
            # is the one to report.
            with contextlib.suppress(Exception):
                run.writer.close()
        raise
    outcome = run.finish()
    outcome.seconds = time.perf_counter() - started
    return outcome
