"""The state schema erpsync 0.1 created without migrations (schema_info version 1).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# A frozen copy of erpsync/state/schema.py as it was: later migrations start from it.
metadata = sa.MetaData()

linkage = sa.Table(
    "linkage",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
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
    sa.UniqueConstraint("entity", "erp_key", name="uq_linkage_erp"),
    sa.UniqueConstraint("entity", "platform_id", name="uq_linkage_platform"),
)
sa.Index("ix_linkage_failed", linkage.c.entity, linkage.c.download_failed)

watermark = sa.Table(
    "watermark",
    metadata,
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
sa.Index("ix_run_started", run.c.started_at)

run_step = sa.Table(
    "run_step",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
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
    sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
)

record_error = sa.Table(
    "record_error",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("record_key", sa.String(160), nullable=False),
    sa.Column("field", sa.String(60)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_record_error_run", record_error.c.run_id)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
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
sa.Index("ix_quarantine_open", quarantine.c.entity, quarantine.c.resolved_at)

run_conflict = sa.Table(
    "run_conflict",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("entity", sa.String(40), nullable=False),
    sa.Column("record_key", sa.String(160), nullable=False),
    sa.Column("winner", sa.String(10), nullable=False),
    sa.Column("detail", sa.JSON),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)


def upgrade() -> None:
    metadata.create_all(op.get_bind())
    op.execute(schema_info.insert().values(id=1, version=1))


def downgrade() -> None:
    raise NotImplementedError("the state database is migrated forward only")
