"""Rows at the watermark boundary, and reads a run shares between steps.

The overlap window re-reads the last minutes before the watermark on every run, so a row
committed late with an older stamp is never missed. Re-reading is safe (hashes stop a
second write) but not free: each re-read row would be enriched, mapped and hashed again,
with key reads of its related tables. The frontier remembers, per table a step reads,
which rows (key and stamp) inside the overlap window the last run already processed; the
next run drops exactly those, before any other work. A row changed again has a new stamp
and is not in the frontier.

Two steps often read the same table in one run (items and the item-locations trigger
both read CI_Item; customers and bill-to links both read AR_Customer). `SharedWindow`
keeps the first step's window read for the run, so the second is answered from memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from connectors.sage100.models import decimal_hours, stamp_mask
from connectors.sage100.stamps import SageStamp

__all__ = ["Boundary", "SharedWindow"]

# A table with more boundary rows than this once they are pruned to the overlap window
# keeps no frontier for the run: correct, only slower.
FRONTIER_CAP = 50_000
# Window reads larger than this are not kept for other steps.
SHARED_CAP = 100_000


def _row_ids(frame: pd.DataFrame, key_columns: Sequence[str]) -> pd.Series:
    ids = frame[key_columns[0]].astype("string").fillna("")
    for col in key_columns[1:]:
        ids = ids + "|" + frame[col].astype("string").fillna("")
    stamp = frame["DateUpdated"].astype("string").fillna("") + " "
    stamp = stamp + frame["TimeUpdated"].astype("string").fillna("")
    return ids + "@" + stamp


def _hours(frame: pd.DataFrame) -> np.ndarray:
    """Stamps as hours since the epoch, comparable as numbers."""
    days = pd.to_datetime(frame["DateUpdated"], errors="coerce").to_numpy("datetime64[D]")
    base = days.astype("int64").astype("float64") * 24.0
    out: np.ndarray = base + decimal_hours(frame["TimeUpdated"]).to_numpy()
    return np.where(np.isnat(days), -np.inf, out)


class Boundary:
    """The frontier of one step: what it read at the boundary last time, and now."""

    def __init__(self, previous: dict[str, list[str]] | None, overlap_seconds: float) -> None:
        self._old = {t: set(ids) for t, ids in (previous or {}).items()}
        self._span = overlap_seconds / 3600.0
        self._top = -np.inf
        self._new: dict[str, dict[str, float]] = {}
        self._full: set[str] = set()

    def fresh(self, table: str, frame: pd.DataFrame, key_columns: Sequence[str]) -> pd.DataFrame:
        """Note the frame's boundary rows; return it without those processed last run."""
        if frame.empty:
            return frame
        self.note(table, frame, key_columns)
        old = self._old.get(table)
        if not old:
            return frame
        ids = _row_ids(frame, key_columns)
        return frame.loc[~ids.isin(old).to_numpy(dtype=bool)]

    def note(self, table: str, frame: pd.DataFrame, key_columns: Sequence[str]) -> None:
        """Remember the rows near the newest stamp seen so far (ids built for those only:
        a seed passes millions of rows through here)."""
        if table in self._full or frame.empty:
            return
        hours = _hours(frame)
        self._top = max(self._top, float(hours.max()))
        near = hours >= self._top - self._span
        if not near.any():
            return
        ids = _row_ids(frame.loc[near], key_columns)
        kept = self._new.setdefault(table, {})
        kept.update(zip(ids.tolist(), hours[near].tolist(), strict=True))
        if len(kept) > 2 * FRONTIER_CAP:  # pruning is amortised: it runs at twice the cap
            self._prune()  # replaces the table's dict: look it up again
            if len(self._new.get(table, {})) > FRONTIER_CAP:
                self._full.add(table)
                self._new.pop(table, None)

    def _prune(self) -> None:
        floor = self._top - self._span
        for table, kept in self._new.items():
            self._new[table] = {k: h for k, h in kept.items() if h >= floor}
        for table in self._full:
            self._new.pop(table, None)

    def frontier(self) -> dict[str, list[str]]:
        """What to remember with the new watermark."""
        self._prune()
        return {t: sorted(kept) for t, kept in self._new.items() if t not in self._full}


class SharedWindow:
    """One read per table and run of the rows changed in a window, shared by steps."""

    def __init__(self, erp: Any) -> None:
        self._erp = erp
        self._kept: dict[str, tuple[SageStamp, SageStamp | None, set[str], list[pd.DataFrame]]] = {}

    def read(
        self,
        table: str,
        columns: Sequence[str],
        since: SageStamp,
        before: SageStamp | None,
    ) -> Iterator[pd.DataFrame]:
        kept = self._kept.get(table)
        if kept is not None:
            k_since, k_before, k_cols, cached = kept
            if k_since <= since and k_before == before and set(columns) <= k_cols:
                for frame in cached:
                    part = frame.loc[stamp_mask(frame, since, before), list(columns)]
                    if not part.empty:
                        yield part.reset_index(drop=True)
                return
        frames: list[pd.DataFrame] = []
        rows = 0
        for frame in self._erp.read(table, list(columns), changed_since=since,
                                    changed_before=before):  # fmt: skip
            rows += len(frame)
            if rows <= SHARED_CAP:
                frames.append(frame)
            yield frame
        if rows <= SHARED_CAP:
            self._kept[table] = (since, before, set(columns), frames)
