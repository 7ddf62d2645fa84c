"""rankings

`ranking` keeps POST /rank's records: append-only, in the tenant's one hash chain beside the
assessments (seq comes from the same `chain_head`, so a tenant's seqs stay unique and gap-free
across both tables; GET /audit/verify walks them merged in seq order).

Revision ID: 0008_rankings
Revises: 0005_rate_bucket
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_rankings"
down_revision = "0005_rate_bucket"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ranking",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("top_candidate", sa.String(length=200), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("service_version", sa.String(length=32), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_record_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking")),
        sa.UniqueConstraint("tenant", "seq", name="uq_ranking_tenant_seq"),
        sa.UniqueConstraint("tenant", "idempotency_key", name="uq_ranking_tenant_idempotency_key"),
    )


def downgrade() -> None:
    op.drop_table("ranking")
