"""What every step of a run shares: settings, both connectors, the state store, the mode."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from connectors.sage100.stamps import SageStamp
from erpsync.mappings.core import EntityMapping
from erpsync.mappings.upload import UploadMapping
from erpsync.progress import RunProgress

if TYPE_CHECKING:
    from connectors.platform.client import PlatformClient
    from connectors.sage100.boi import SageSession
    from connectors.sage100.client import Sage100Reader
    from erpsync.config import Settings
    from erpsync.state import StateStore
    from erpsync.state.lease import AttachedLease, Lease

__all__ = ["Mode", "SyncContext", "history_start"]

Mode = Literal["seed", "incremental", "backfill"]


@dataclass
class SyncContext:
    settings: Settings
    erp: Sage100Reader
    platform: PlatformClient
    state: StateStore
    run_id: str
    mode: Mode
    dry_run: bool = False
    # Backfill window: records changed from `window_start` through `window_end` inclusive.
    window_start: date | None = None
    window_end: date | None = None
    # The seed's "years of transactions" parameter (None: sync.seed_years).
    seed_years: int | None = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("erpsync.run"))
    # Per-run memo of small reads several steps share (reference code tables).
    memo: dict[str, Any] = field(default_factory=dict)
    # Opens the Sage write path (Business Object Interface) on first use.
    session_factory: Callable[[], SageSession] | None = None
    # The company's run lease this run holds (None: a run outside a flow, in tests).
    lease: Lease | AttachedLease | None = None
    # What the run has done so far, told to whoever watches (erpsync.progress).
    progress: RunProgress = field(default_factory=RunProgress)
    _session: SageSession | None = field(default=None, init=False, repr=False)

    def erp_session(self) -> SageSession:
        # Whoever asks for the write path is about to write into the ERP: window reads
        # shared between steps may no longer be what the ERP holds.
        self.memo.pop("shared_window", None)
        if self._session is None:
            if self.session_factory is None:
                from erpsync.errors import ConfigError

                raise ConfigError("no Sage 100 write path is configured for this run")
            self._session = self.session_factory()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    # --- the company's own layout --------------------------------------------------------
    def company_mapping(self, mapping: EntityMapping) -> EntityMapping:
        """`mapping` fitted to this company's table and configured UDFs, once a run; the
        fields it has to leave out are named in one warning per run."""
        fitted: dict[tuple[str, str, int], EntityMapping] = self.memo.setdefault("fitted", {})
        key = (mapping.entity, mapping.table, id(mapping))
        found = fitted.get(key)
        if found is None:
            live = self.erp.table(mapping.table)
            found = mapping.for_company(live, self.settings.udfs(mapping.entity, "down"))
            fitted[key] = found
            if found.left_out:
                self.logger.warning(
                    "%s: the company's %s lacks what these fields read; they are not sent: %s",
                    mapping.entity, mapping.table, "; ".join(found.left_out),
                )  # fmt: skip
        return found

    def upload_mapping(self, mapping: UploadMapping) -> UploadMapping:
        """An upload mapping fitted to this company's table and configured UDFs."""
        fitted: dict[tuple[str, str, int], UploadMapping] = self.memo.setdefault("fitted_up", {})
        key = (mapping.entity, mapping.table, id(mapping))
        if key not in fitted:
            live = self.erp.table(mapping.table)
            fitted[key] = mapping.for_company(live, self.settings.udfs(mapping.entity, "up"))
        return fitted[key]

    # --- what computed mapping fields may read (erpsync.mappings.core.MapContext) ----------
    @property
    def default_location(self) -> str:
        return self.settings.sync.default_location

    @property
    def default_customer_type(self) -> str:
        return self.settings.sync.default_customer_type

    @property
    def default_ship_via(self) -> str:
        return self.settings.sync.default_ship_via

    # --- read windows ----------------------------------------------------------------------
    def erp_window(self, entity: str) -> tuple[SageStamp | None, SageStamp | None]:
        """(changed_since, changed_before) for an ERP read of this entity in this run.

        Seed: everything. Incremental: from the watermark minus the overlap window (all on
        the first run). Backfill: the requested days, without touching the watermark.
        """
        if self.mode == "backfill":
            start = SageStamp(self.window_start, 0.0) if self.window_start else None
            end = SageStamp(self.window_end + timedelta(days=1), 0.0) if self.window_end else None
            return start, end
        if self.mode == "seed":
            return None, None
        mark = self.state.get_watermark(entity, "download")
        if mark is None:
            return None, None
        return SageStamp.parse(mark).minus(self.settings.sync.overlap_seconds), None

    @property
    def history_start(self) -> date:
        """First day of the transactions a full read brings (the seed's N years)."""
        years = self.settings.sync.seed_years if self.seed_years is None else self.seed_years
        return history_start(years)

    @property
    def advances_watermarks(self) -> bool:
        return self.mode != "backfill" and not self.dry_run


def history_start(years: int, today: date | None = None) -> date:
    """The same day `years` years before `today` (28 February for a 29 February)."""
    today = today or date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
