"""history by seq, hourly stats rollup

History pages are ordered by the per-tenant `seq` (see db/repositories.py), so the per-filter
indexes end in `seq` instead of (created_at, id); `assessment_hour` keeps per-hour counts and
score sums for GET /assessments/stats, backfilled here from existing records.

Revision ID: 0002_history
Revises: 0001
Create Date: 2026-11-28 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_history"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_INDEXES = {
    "ix_assessment_tenant_source": ["tenant", "source_name", "created_at", "id"],
    "ix_assessment_tenant_target": ["tenant", "target_name", "created_at", "id"],
    "ix_assessment_tenant_strategy": ["tenant", "strategy", "created_at", "id"],
}
NEW_INDEXES = {
    "ix_assessment_tenant_source_seq": ["tenant", "source_name", "seq"],
    "ix_assessment_tenant_target_seq": ["tenant", "target_name", "seq"],
    "ix_assessment_tenant_strategy_seq": ["tenant", "strategy", "seq"],
    "ix_assessment_tenant_extractor_seq": ["tenant", "extractor_name", "seq"],
}


def _hour_expr() -> str:
    # Must equal what the application writes: the UTC hour, in each dialect's storage form.
    if op.get_bind().dialect.name == "postgresql":
        return "date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return "strftime('%Y-%m-%d %H:00:00.000000', created_at)"


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        for name in OLD_INDEXES:
            batch_op.drop_index(name)
        for name, columns in NEW_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)

    op.create_table(
        "assessment_hour",
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("hour_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "hour_start", "strategy", name=op.f("pk_assessment_hour")),
    )
    hour = _hour_expr()
    op.execute(
        "INSERT INTO assessment_hour (tenant, hour_start, strategy, n, score_sum) "
        f"SELECT tenant, {hour}, strategy, count(*), sum(transfer_score) FROM assessment "
        f"GROUP BY tenant, {hour}, strategy"
    )


def downgrade() -> None:
    op.drop_table("assessment_hour")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        for name in NEW_INDEXES:
            batch_op.drop_index(name)
        for name, columns in OLD_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
