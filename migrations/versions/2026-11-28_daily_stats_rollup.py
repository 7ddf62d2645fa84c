"""daily stats rollup

`assessment_day` keeps per-tenant, per-UTC-day, per-strategy counts and score sums, written in
the insert's transaction beside `assessment_hour`; GET /assessments/stats reads it for whole days
of `bucket=day|week`. Backfilled here from existing records.

Revision ID: 0003_daily_rollup
Revises: 0002_history
Create Date: 2026-11-28 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_daily_rollup"
down_revision = "0002_history"
branch_labels = None
depends_on = None


def _day_expr() -> str:
    # Must equal what the application writes: the UTC day, in each dialect's storage form.
    if op.get_bind().dialect.name == "postgresql":
        return "date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return "strftime('%Y-%m-%d 00:00:00.000000', created_at)"


def upgrade() -> None:
    op.create_table(
        "assessment_day",
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("day_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "day_start", "strategy", name=op.f("pk_assessment_day")),
    )
    day = _day_expr()
    op.execute(
        "INSERT INTO assessment_day (tenant, day_start, strategy, n, score_sum) "
        f"SELECT tenant, {day}, strategy, count(*), sum(transfer_score) FROM assessment "
        f"GROUP BY tenant, {day}, strategy"
    )


def downgrade() -> None:
    op.drop_table("assessment_day")
