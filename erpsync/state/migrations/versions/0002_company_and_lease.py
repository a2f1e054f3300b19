"""A company column in every table, keys per company, and the per-company run lease.

Rows written before this migration belong to the company of the configuration that runs
it (`config.attributes["company"]`).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PLAIN = ("run", "run_step", "record_error", "quarantine", "run_conflict")


def _company_column() -> sa.Column[str]:
    # Added with an empty default (SQLite needs one to add a NOT NULL column), then set to
    # the migrating company; erpsync always writes the company explicitly.
    return sa.Column("company", sa.String(40), nullable=False, server_default="")


def upgrade() -> None:
    company = str(context.config.attributes["company"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name in _PLAIN:
        op.add_column(name, _company_column())

    with op.batch_alter_table("linkage", recreate="always" if sqlite else "never") as b:
        b.add_column(_company_column())
        b.drop_constraint("uq_linkage_erp", type_="unique")
        b.drop_constraint("uq_linkage_platform", type_="unique")
        b.drop_index("ix_linkage_failed")
        b.create_unique_constraint("uq_linkage_erp", ["company", "entity", "erp_key"])
        b.create_unique_constraint("uq_linkage_platform", ["company", "entity", "platform_id"])
        b.create_index("ix_linkage_failed", ["company", "entity", "download_failed"])

    if sqlite:  # its primary key cannot be altered: copy the (small) table into a new one
        _copy_watermarks_sqlite(company)
    else:
        op.add_column("watermark", _company_column())
        op.drop_constraint("watermark_pkey", "watermark", type_="primary")
        op.create_primary_key("watermark_pkey", "watermark", ["company", "entity", "direction"])

    op.drop_index("ix_run_started", "run")
    op.create_index("ix_run_started", "run", ["company", "started_at"])
    op.drop_index("ix_quarantine_open", "quarantine")
    op.create_index("ix_quarantine_open", "quarantine", ["company", "entity", "resolved_at"])
    for name in (*_PLAIN, "linkage", "watermark"):  # (SQLite's watermark copy has it already)
        op.execute(sa.table(name, sa.column("company")).update().values(company=company))
    op.drop_table("schema_info")  # Alembic's alembic_version replaces it

    op.create_table(
        "lease",
        sa.Column("company", sa.String(40), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("flow", sa.String(40), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("process", sa.String(40), nullable=False),  # "pid@start" on that host
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def _copy_watermarks_sqlite(company: str) -> None:
    op.create_table(
        "_watermark_new",
        sa.Column("company", sa.String(40), primary_key=True),
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("direction", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("frontier", sa.JSON),
        sa.Column("run_id", sa.String(64)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    columns = "entity, direction, value, frontier, run_id, updated_at"
    op.execute(
        sa.text(
            f"INSERT INTO _watermark_new (company, {columns}) SELECT :company, {columns} "  # noqa: S608 - constant names
            "FROM watermark"
        ).bindparams(company=company)
    )
    op.drop_table("watermark")
    op.rename_table("_watermark_new", "watermark")


def downgrade() -> None:
    raise NotImplementedError("the state database is migrated forward only")
