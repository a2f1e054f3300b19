"""Tables of the engine's own state: what was synced, how far each stream has read, what
each run did, and what the gates rejected.

The state lives in its own database (SQLite by default, PostgreSQL by URL), never in the
ERP or the platform and never in Prefect's results: it must survive a lost Prefect
server, and its writes must be ordered with the sync writes they describe.

Every table carries the company (the connection id of one ERP company and its platform,
`state.company`), so several companies share one state database without touching each
other's runs, watermarks or linkages. This module is the current shape; the migrations
in erpsync/state/migrations take an existing database there (Alembic).
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "erp_write_intent",
    "lease",
    "linkage",
    "metadata",
    "quarantine",
    "record_error",
    "run",
    "run_conflict",
    "run_step",
    "watermark",
]

metadata = sa.MetaData()


def _company() -> sa.Column[str]:
    return sa.Column("company", sa.String(40), nullable=False)


# One row per record known on both sides (or on its way there). The ERP key is the Sage
# key rendered as text ("00-0000042", "1001-HON|000"); the platform id is the platform's
# primary key. Either may be missing while a record is in flight: a platform customer
# waiting for its ERP number, an ERP item whose first write has not been acknowledged.
linkage = sa.Table(
    "linkage",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _company(),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("erp_key", sa.String(160)),
    sa.Column("platform_id", sa.String(64)),
    # Hash of the last payload written to the platform / to the ERP (echo suppression and
    # "write only what changed").
    sa.Column("platform_hash", sa.String(32)),
    sa.Column("erp_hash", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False, server_default="synced"),
    sa.Column("last_error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # Seed 003, step 22: a download that failed is retried first on the next run;
    # download_failed_run records the run that last retried it ("tried this run").
    sa.Column("download_failed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("download_failed_run", sa.String(64)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("company", "entity", "erp_key", name="uq_linkage_erp"),
    sa.UniqueConstraint("company", "entity", "platform_id", name="uq_linkage_platform"),
)
sa.Index("ix_linkage_failed", linkage.c.company, linkage.c.entity, linkage.c.download_failed)

# How far each stream has read: one row per entity and direction. The value is opaque to
# this table: a Sage stamp "2026-11-22 14.53333" for ERP reads, an ISO timestamp for
# platform reads.
watermark = sa.Table(
    "watermark",
    metadata,
    sa.Column("company", sa.String(40), primary_key=True),
    sa.Column("entity", sa.String(40), primary_key=True),
    sa.Column("direction", sa.String(16), primary_key=True),
    sa.Column("value", sa.String(64), nullable=False),
    # Rows inside the overlap window the last run already processed, per table read
    # (erpsync.engine.boundary): the next run drops exactly those before any work.
    sa.Column("frontier", sa.JSON),
    sa.Column("run_id", sa.String(64)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

run = sa.Table(
    "run",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    _company(),
    sa.Column("flow", sa.String(40), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("message", sa.Text),
    # The run's parameters (never secrets: those are references resolved at connect time).
    sa.Column("parameters", sa.JSON),
    # I/O the run made: {"erp_queries": n, "platform_calls": {"GET items": n, ...},
    # "platform_records_sent": n}. What a run costs, for ops and the benchmark.
    sa.Column("io", sa.JSON),
)
sa.Index("ix_run_started", run.c.company, run.c.started_at)

run_step = sa.Table(
    "run_step",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
    _company(),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("read", sa.Integer, nullable=False, server_default="0"),
    sa.Column("changed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("written", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("quarantined", sa.Integer, nullable=False, server_default="0"),
    sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("waiting", sa.Integer, nullable=False, server_default="0"),
    sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
)

# Records a step could not map or write, with the reason: the run goes on without them.
record_error = sa.Table(
    "record_error",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _company(),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("record_key", sa.String(160), nullable=False),
    sa.Column("field", sa.String(60)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_record_error_run", record_error.c.run_id)

# Records a data-quality gate kept from the ERP, with every failed expectation.
quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _company(),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("direction", sa.String(10), nullable=False),
    sa.Column("record_key", sa.String(160), nullable=False),
    sa.Column("platform_id", sa.String(64)),
    sa.Column("payload", sa.JSON, nullable=False),
    # [{"expectation": ..., "column": ..., "value": ..., "message": ...}, ...]
    sa.Column("failures", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_run_id", sa.String(64)),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
)
sa.Index("ix_quarantine_open", quarantine.c.company, quarantine.c.entity, quarantine.c.resolved_at)

# Both sides changed the same record since the last sync; the configured master won.
run_conflict = sa.Table(
    "run_conflict",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _company(),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("record_key", sa.String(160), nullable=False),
    sa.Column("winner", sa.String(10), nullable=False),
    sa.Column("detail", sa.JSON),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# One run per company at a time, across flows (seed, incremental, backfill): the holder
# renews `expires_at` while it runs; a run that died leaves a lease that others may take
# once it has expired.
lease = sa.Table(
    "lease",
    metadata,
    sa.Column("company", sa.String(40), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),  # the run id
    sa.Column("flow", sa.String(40), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("process", sa.String(40), nullable=False),  # "pid@start" on that host
    sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

# A key reserved in the ERP for a platform record, committed before the Business Object
# Interface's write() of that record: the next run finds a record the ERP took in a run
# that died before its linkage was committed by this key, not by a UDF the company may
# not have. erp_key is rendered as the linkage's (the Sage key's parts joined by "|");
# identity holds the few values that tell the record from another one under the same key
# (a number a Sage user took meanwhile). State "reserved" until the linkage is committed,
# then "done"; done rows keep their key from being handed to another record.
erp_write_intent = sa.Table(
    "erp_write_intent",
    metadata,
    sa.Column("company", sa.String(40), primary_key=True),
    sa.Column("entity", sa.String(40), primary_key=True),
    sa.Column("platform_id", sa.String(64), primary_key=True),
    sa.Column("erp_key", sa.String(160), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("identity", sa.JSON),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("company", "entity", "erp_key", name="uq_erp_write_intent_key"),
)
