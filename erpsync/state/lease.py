"""One run per company at a time: a lease row in the state database.

Seed, incremental and backfill runs of one company all take the same lease before they
read or write anything. The holder renews it while it runs (a heartbeat thread); a run
that dies stops renewing, and its lease can be taken once it has expired, so a crash
blocks the company for at most one TTL, and not at all for a run on this same machine
whose process is gone (a killed seed resumed at once). Taking the lease is one
conditional statement that only one contender can win, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from erpsync.errors import ErpsyncError, RunSkipped
from erpsync.state import schema as t

if TYPE_CHECKING:
    from erpsync.state.store import StateStore

__all__ = ["AttachedLease", "Lease", "LeaseHeld", "LeaseLost"]


class LeaseHeld(RunSkipped):
    """Another run holds the company: this one is skipped, not queued."""

    def __init__(self, company: str, holder: str, flow: str, host: str, expires_at: datetime):
        self.holder, self.flow = holder, flow
        super().__init__(
            f"company {company} is being synced by {flow} run {holder} on {host} "
            f"(lease until {expires_at:%Y-%m-%d %H:%M:%S} UTC); this run is skipped"
        )


class LeaseLost(ErpsyncError):
    """The lease expired while the run held it (it stalled longer than the TTL)."""

    exit_code = 4


@dataclass(frozen=True)
class _Holder:
    run_id: str
    flow: str
    host: str
    process: str


def _process_id(pid: int) -> str:
    """ "pid@start" where the kernel tells when the process started (a reused pid then
    does not pass for the dead holder), else the pid alone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            started = fh.read().decode().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return str(pid)
    return f"{pid}@{started}"


def _alive(process: str) -> bool:
    pid = int(process.split("@", 1)[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return "@" not in process or _process_id(pid) == process


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Lease:
    """The company lease of one run; use as a context manager around the run."""

    def __init__(self, store: StateStore, run_id: str, flow: str, ttl_seconds: float) -> None:
        self._store = store
        self._holder = _Holder(run_id, flow, socket.gethostname(), _process_id(os.getpid()))
        self.ttl = timedelta(seconds=ttl_seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    @property
    def company(self) -> str:
        return self._store.company

    def acquire(self) -> None:
        """Take the lease or raise LeaseHeld naming who has it."""
        c = t.lease.c
        now = _now()
        h = self._holder
        values = {
            "holder": h.run_id, "flow": h.flow, "host": h.host, "process": h.process,
            "acquired_at": now, "expires_at": now + self.ttl,
        }  # fmt: skip
        engine = self._store.engine
        try:  # the company's first run ever: the row does not exist yet
            with engine.begin() as conn:
                conn.execute(t.lease.insert().values(company=self.company, **values))
            taken = 1
        except sa.exc.IntegrityError:  # it exists: take it if it has expired (or is ours)
            with engine.begin() as conn:
                taken = conn.execute(
                    t.lease.update()
                    .where(c.company == self.company)
                    .where(sa.or_(c.expires_at < now, c.holder == h.run_id))
                    .values(values)
                ).rowcount
        if not taken:
            taken = self._take_from_the_dead(values)
        if not taken:
            raise self._held()
        self._start_heartbeat()

    def _take_from_the_dead(self, values: dict[str, object]) -> int:
        """A holder on this machine whose process is gone (killed) cannot renew: take the
        lease now instead of waiting for it to expire. Only if it is still that holder's."""
        c = t.lease.c
        with self._store.engine.begin() as conn:
            row = conn.execute(sa.select(t.lease).where(c.company == self.company)).first()
            if row is None or row.host != self._holder.host or _alive(row.process):
                return 0
            return conn.execute(
                t.lease.update()
                .where(c.company == self.company, c.holder == row.holder)
                .values(values)
            ).rowcount

    def _held(self) -> LeaseHeld:
        c = t.lease.c
        with self._store.engine.connect() as conn:
            row = conn.execute(sa.select(t.lease).where(c.company == self.company)).one()
        return LeaseHeld(self.company, row.holder, row.flow, row.host, _aware(row.expires_at))

    def renew(self) -> bool:
        """Extend the lease; False when another run has taken it meanwhile."""
        c = t.lease.c
        with self._store.engine.begin() as conn:
            done = conn.execute(
                t.lease.update()
                .where(c.company == self.company, c.holder == self._holder.run_id)
                .values(expires_at=_now() + self.ttl)
            ).rowcount
        if not done:
            self.lost = True
        return bool(done)

    def check(self) -> None:
        """Raise LeaseLost if the lease was lost: nothing more may be written."""
        if self.lost:
            raise LeaseLost(
                f"company {self.company}: the run lease expired while run "
                f"{self._holder.run_id} held it (stalled past {self.ttl.total_seconds():.0f}s)"
            )

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        c = t.lease.c
        with self._store.engine.begin() as conn:
            conn.execute(
                t.lease.delete().where(c.company == self.company, c.holder == self._holder.run_id)
            )

    def _start_heartbeat(self) -> None:
        interval = max(self.ttl.total_seconds() / 3, 0.05)

        def beat() -> None:
            while not self._stop.wait(interval):
                try:
                    if not self.renew():
                        return
                except sa.exc.SQLAlchemyError:
                    continue  # the database blinked: try again before the lease runs out

        self._thread = threading.Thread(target=beat, name=f"lease-{self.company}", daemon=True)
        self._thread.start()

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class AttachedLease:
    """A run's lease as seen by work it handed to another process (the ERP writes on the
    ERP's server): it neither takes, renews nor releases the lease, it only checks that
    the run it works for still holds it."""

    def __init__(self, store: StateStore, run_id: str) -> None:
        self._store = store
        self.run_id = run_id

    @property
    def company(self) -> str:
        return self._store.company

    def check(self) -> None:
        c = t.lease.c
        with self._store.engine.connect() as conn:
            row = conn.execute(sa.select(t.lease).where(c.company == self.company)).first()
        if row is None or row.holder != self.run_id or _aware(row.expires_at) < _now():
            raise LeaseLost(
                f"company {self.company}: run {self.run_id} no longer holds the run lease; "
                "its ERP writes stop here"
            )
