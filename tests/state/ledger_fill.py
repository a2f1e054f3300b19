"""A ledger of many runs written through the StateStore API, the way flows/runner.py
writes it: start_run, record_step per step, record_errors/quarantine, finish_run, and
record_skipped_run for a run that found the company busy. A CRASHED run is one that was
started and never finished: the next start_run marks it.

The ledger stamps rows with its own clock (erpsync.state.ledger._now); `fill_ledger`
moves that clock through the days so the runs spread over time like a schedule's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from unittest import mock

from erpsync.engine.steps import ORDER_OF_OPERATIONS
from erpsync.state import QuarantineEntry, RecordError, StateStore, StepOutcome

__all__ = ["Clock", "Filled", "clock", "fill_ledger"]

START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@contextmanager
def clock(start: datetime = START) -> Iterator[Clock]:
    fake = Clock(start)
    with mock.patch("erpsync.state.ledger._now", fake):
        yield fake


@dataclass
class Filled:
    """What was written, to check the queries against."""

    runs: list[dict[str, object]] = field(default_factory=list)

    def of(self, **match: object) -> list[dict[str, object]]:
        return [r for r in self.runs if all(r.get(k) == v for k, v in match.items())]


def _steps(
    rng: random.Random, scale: int, fail_step: int | None, entities: set[str] | None
) -> list[StepOutcome]:
    out = []
    for spec in ORDER_OF_OPERATIONS:
        if entities is not None and (spec.entity not in entities or spec.direction != "download"):
            continue
        read = rng.randint(0, 40) * scale
        changed = rng.randint(0, read) if read else 0
        failed = rng.choice([0, 0, 0, 1, 2]) if spec.direction == "upload" else 0
        quarantined = rng.choice([0, 0, 0, 0, 1]) if spec.direction == "upload" else 0
        state, message = "COMPLETED", None
        if fail_step == spec.number:
            state, message = "FAILED", "platform answered 503 Service Unavailable after 3 tries"
            changed = failed = 0
        elif fail_step is not None and spec.number > fail_step and spec.entity == "item_locations":
            state, message = "SKIPPED", f"not run: step {fail_step} failed"
            read = changed = 0
        out.append(
            StepOutcome(
                spec.number, spec.name, spec.entity, spec.direction, state,
                read=read, changed=changed, written=max(changed - failed, 0),
                unchanged=read - changed, quarantined=quarantined, failed=failed,
                seconds=round(rng.uniform(0.05, 2.0) * (1 + scale / 50), 3), message=message,
            )
        )  # fmt: skip
    return out


def _record(store: StateStore, run_id: str, steps: list[StepOutcome]) -> None:
    errors, entries = [], []
    for s in steps:
        store.record_step(run_id, s)
        errors += [
            RecordError(s.step, s.entity, f"{s.entity[:4].upper()}-{run_id[-4:]}-{i}",
                        "EmailAddress", "not an e-mail address: 'n/a'")
            for i in range(s.failed)
        ]  # fmt: skip
        entries += [
            QuarantineEntry(
                s.step, s.entity, s.direction, f"Q-{run_id[-6:]}-{s.step}-{i}",
                {"name": "Acme | Co"},
                [{"expectation": "expect_column_values_to_match_regex", "column": "ZipCode",
                  "value": "ABC", "message": "ZipCode must be 5 digits"}],
            )
            for i in range(s.quarantined)
        ]  # fmt: skip
    store.record_errors(run_id, errors)
    store.quarantine(run_id, entries)


def fill_ledger(store: StateStore, runs: int = 120, seed: int = 3) -> Filled:
    """`runs` runs every ~3 hours from START: a seed first (and a failed one later), then
    incremental syncs with dry runs, failures, crashes and skips, and backfills; the last
    run is left RUNNING."""
    rng = random.Random(seed)
    filled = Filled()
    with clock() as now:
        for i in range(runs):
            run_id = f"run-{i:04d}-{rng.randrange(16**6):06x}"
            if i == 0 or i == runs // 2:
                flow, params = "initial-seed", {"years": 3, "resume": True}
            elif i % 12 == 5:
                flow = "backfill"
                params = {"entities": ["invoices", "items"], "start": "2026-10-01",
                          "end": "2026-10-07", "dry_run": i % 24 == 5}  # fmt: skip
            else:
                flow, params = "incremental-sync", {"dry_run": i % 7 == 3}
            info: dict[str, object] = {"run_id": run_id, "flow": flow, "params": params}
            filled.runs.append(info)
            if i % 17 == 9:
                store.record_skipped_run(
                    run_id, flow, params,
                    f"company ABC is being synced by initial-seed run run-xyz on worker-1 "
                    f"(lease until {now.now:%Y-%m-%d %H:%M:%S} UTC); this run is skipped",
                )  # fmt: skip
                info["state"] = "SKIPPED"
                now.tick(3 * 3600)
                continue
            store.start_run(run_id, flow, params)
            seed_run = flow == "initial-seed"
            fail_step = 10 if (i % 10 == 7 or i == runs // 2) else None
            entities = {"invoices", "items"} if flow == "backfill" else None
            steps = _steps(rng, 400 if seed_run else 1, fail_step, entities)
            _record(store, run_id, steps)
            now.tick(sum(s.seconds for s in steps) + (600 if seed_run else 2))
            if i == runs - 1:
                info["state"] = "RUNNING"
            elif i % 25 == 13:  # dies: the next start_run marks it CRASHED
                info["state"] = "CRASHED"
            else:
                state = "FAILED" if any(s.state == "FAILED" for s in steps) else "COMPLETED"
                bad = [s for s in steps if s.state == "FAILED"]
                message = f"step 10 Download Items failed: {bad[0].message}" if bad else None
                store.finish_run(run_id, state, message, {"erp_queries": 23})
                info["state"] = state
            info["steps"] = steps
            now.tick(3 * 3600 + rng.uniform(-600, 600))
    return filled
