"""outcomes

`chain_entry` holds the links of a tenant's hash chain that are not assessments: outcomes (what a
team measured after acting on an assessment) and, from 0007, policy fits and activations. They
share the tenant's `seq` counter and `chain_head` with `assessment`, so GET /audit/verify walks
both tables as one chain. Append-only.

Revision ID: 0006_outcomes
Revises: 0008_rankings
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outcomes"
down_revision = "0008_rankings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_entry",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_record_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_entry")),
        sa.UniqueConstraint("tenant", "seq", name="uq_chain_entry_tenant_seq"),
    )
    op.create_index("ix_chain_entry_tenant_kind_subject_seq", "chain_entry",
                    ["tenant", "kind", "subject", "seq"])
    op.create_index("ix_chain_entry_tenant_kind_seq", "chain_entry", ["tenant", "kind", "seq"])


def downgrade() -> None:
    op.drop_index("ix_chain_entry_tenant_kind_seq", table_name="chain_entry")
    op.drop_index("ix_chain_entry_tenant_kind_subject_seq", table_name="chain_entry")
    op.drop_table("chain_entry")
