"""The ERP write intent: the key reserved for a platform record, committed before the
Business Object Interface writes it, so exactly-once uploads need no UDF in the company.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: nothing to carry over. Creates before this revision relied on the
    # UDF_PLATFORM_* columns; a configured platform_id_udf still finds those.
    op.create_table(
        "erp_write_intent",
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


def downgrade() -> None:
    raise NotImplementedError("the state database is migrated forward only")
