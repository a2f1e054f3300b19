"""What the data-quality gate costs: validating 10k and 100k records of an upload entity.

The entity is the widest of the upload steps (the most Sage columns per record). Its
records are the ones the seed put on the platform, read from the sandbox's store and
repeated under fresh platform ids up to the size wanted, then mapped exactly as the upload
step maps them (`UploadMapping.frame`, every record an update of a linked customer). The
reference codes come from the ERP through the engine's own `reference_codes`. Only
`expectations.validate` is timed; reading the reference codes and the one-off import of
Great Expectations on the first call are reported beside it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import cycle, islice
from typing import Any

from bench.runs import Workspace

__all__ = ["gate_cost", "widest_upload"]


def widest_upload() -> Any:
    """The UploadSpec whose mapping carries the most Sage columns."""
    import sys

    import tasks  # noqa: F401 - importing registers every step module
    from erpsync.engine.upload import UploadSpec

    specs = {
        id(v): v
        for name, module in sorted(sys.modules.items())
        if (name == "tasks" or name.startswith("tasks.")) and module is not None
        for v in vars(module).values()
        if isinstance(v, UploadSpec)
    }
    if not specs:
        raise LookupError("the engine registers no upload step")
    return max(specs.values(), key=lambda s: (len(s.mapping.sage_columns), -s.step))


def _platform_records(ws: Workspace, resource: str, limit: int) -> list[dict[str, Any]]:
    from sandbox.platform.store import PlatformStore

    store = PlatformStore(ws.store_path)
    try:
        page, _cursor = store.changed(resource, limit=limit)
    finally:
        store.close()
    return page


def gate_cost(ws: Workspace, sizes: Sequence[int]) -> dict[str, Any]:
    """Seconds to validate each size; the workspace must hold a seeded platform store."""
    from connectors.sage100.client import Sage100Reader
    from erpsync.config import load_settings
    from erpsync.engine.context import SyncContext
    from erpsync.engine.reference import reference_codes
    from expectations import validate

    spec = widest_upload()
    entity = spec.mapping.entity
    seeded = _platform_records(ws, entity, limit=max(sizes))
    if not seeded:
        raise LookupError(f"the seeded platform has no {entity} to validate")
    settings = load_settings(ws.root / "erpsync.toml")
    erp = Sage100Reader(url=ws.erp_url)
    # reference_codes reads only the ERP (and memoises on the context): the rest of the
    # context is not used by it.
    ctx = SyncContext(
        settings=settings,
        erp=erp,
        platform=None,  # type: ignore[arg-type]
        state=None,  # type: ignore[arg-type]
        run_id="bench-gate",
        mode="incremental",
    )
    runs: list[dict[str, Any]] = []
    suite_name, checks, warm_up = "", 0, 0.0
    try:
        for size in sizes:
            records = [{**rec, "id": i + 1} for i, rec in enumerate(islice(cycle(seeded), size))]
            linked = {str(r["id"]): str(r.get("customer_no") or r["id"]) for r in records}
            frame = spec.mapping.frame(
                records, empty_clears=settings.platform.empty_clears, linked=linked
            )
            del records, linked
            started = time.perf_counter()
            ref = reference_codes(ctx, frame)
            ref_seconds = time.perf_counter() - started
            suite = spec.suite(ref)
            suite_name, checks = suite.name, len(suite.checks)
            if not runs:
                # The first validation imports Great Expectations: a one-off per process,
                # reported apart from the per-batch cost.
                started = time.perf_counter()
                validate(suite, frame.head(10), max_share=1.0)
                warm_up = time.perf_counter() - started
            started = time.perf_counter()
            result = validate(suite, frame, max_share=1.0)
            seconds = time.perf_counter() - started
            runs.append(
                {
                    "rows": len(frame),
                    "seconds": seconds,
                    "rows_per_second": len(frame) / seconds if seconds else float("nan"),
                    "reference_seconds": ref_seconds,
                    "quarantined": len(result.quarantined_keys),
                }
            )
    finally:
        erp.close()
    return {
        "entity": entity,
        "step": spec.step,
        "suite": suite_name,
        "checks": checks,
        "distinct_records": len(seeded),
        "first_call_seconds": warm_up,
        "runs": runs,
    }
