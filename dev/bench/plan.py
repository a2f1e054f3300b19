"""Which Sage tables each download step reads: the one place the benchmark learns it.

Nothing is listed by hand. The step modules under `tasks` hold the `DownloadSpec`s the
steps run (a step may run several: open orders and order history both feed step 22). A
spec's mapping names the Sage table whose rows are the step's records, its key and the
columns the step reads; documents add child tables whose rows travel inside their
header's record (lines, payments); transactions bound the seed to the last N years by a
date column. A step added to the engine is measured as soon as `tasks` imports it.

"Records", for both the engine and the raw path, are the rows the seed's SELECTs return
from the record tables: each is one record for the step's platform resource (unless the
step's row filter drops it). Child rows are moved by both but are not records; side
tables (enrichment, change triggers) are read by the engine only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["ChildSource", "StepSource", "download_sources", "sources_for"]

_STAMPS = ("DateUpdated", "TimeUpdated")


@dataclass(frozen=True)
class ChildSource:
    table: str
    columns: tuple[str, ...]
    link: tuple[tuple[str, str], ...]  # (child column, header column)
    equals: tuple[tuple[str, str], ...]  # equality filters the engine applies


@dataclass(frozen=True)
class StepSource:
    step: int
    resource: str  # the platform resource the records go to
    table: str  # the Sage table whose rows are the records
    key: tuple[str, ...]
    columns: tuple[str, ...]  # what the step selects from `table`
    side_tables: tuple[str, ...]  # trigger tables read for changes, not records
    history_date: str | None  # the seed reads rows with this date in the last N years
    children: tuple[ChildSource, ...]
    # The engine drops some selected rows in Python (order types, warehouses): it may
    # write fewer records than the SELECT returns.
    filtered: bool


def _child(child: Any) -> ChildSource:
    cols = [*child.mapping.source_columns, *child.link, *child.order_by, *child.where]
    return ChildSource(
        table=child.mapping.table,
        columns=tuple(dict.fromkeys(cols)),
        link=tuple(child.link.items()),
        equals=tuple((c, str(v)) for c, v in child.where.items()),
    )


def _source(spec: Any) -> StepSource:
    from connectors.sage100.tables import table as sage_table

    mapping = spec.mapping
    cols = [*mapping.source_columns, *spec.extra_columns]
    if sage_table(mapping.table).stamped:
        cols += _STAMPS  # the engine reads the stamps to move its watermark
    return StepSource(
        step=spec.step,
        resource=mapping.entity,
        table=mapping.table,
        key=tuple(mapping.key),
        columns=tuple(dict.fromkeys(cols)),
        side_tables=tuple(t.table for t in spec.triggers),
        history_date=getattr(spec, "history_date", None),
        children=tuple(_child(c) for c in getattr(spec, "children", ())),
        filtered=spec.where is not None,
    )


def download_sources() -> dict[int, list[StepSource]]:
    """step number -> its sources, for every download step the engine registers."""
    import tasks  # noqa: F401 - importing registers every step module
    from erpsync.engine.download import DownloadSpec

    seen: set[int] = set()
    found: dict[int, list[StepSource]] = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == "tasks" or name.startswith("tasks.")) or module is None:
            continue
        for value in vars(module).values():
            # The same spec may also be named elsewhere (an upload step's echo).
            if isinstance(value, DownloadSpec) and id(value) not in seen:
                seen.add(id(value))
                found.setdefault(value.step, []).append(_source(value))
    return found


def sources_for(steps: Iterable[int]) -> list[StepSource]:
    """Sources of the given steps (e.g. the download steps a run's ledger lists)."""
    known = download_sources()
    return [src for n in sorted(set(steps)) for src in known.get(n, [])]
