"""rate bucket

`rate_bucket` holds one token bucket per API key (or client address), so every process and
replica on one PostgreSQL database spends from the same bucket. UNLOGGED on PostgreSQL: rate
limiting needs no crash safety, and each request's update then skips the WAL flush.

Revision ID: 0005_rate_bucket
Revises: 0004_tenant_extractors
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_rate_bucket"
down_revision = "0004_tenant_extractors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "rate_bucket",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_bucket")),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("rate_bucket")
