"""policies

`policy` stores decision-policy versions: the shipped ones (`tenant` NULL) and each tenant's
fits, with the parameter file's exact text, its hash, what it was fitted on and its
leave-one-family-out report. Fits and activations are audited as `chain_entry` links
(kinds `policy_fit`, `policy_activation`); a tenant's active policy is its latest activation.

Revision ID: 0007_policies
Revises: 0006_outcomes
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_policies"
down_revision = "0006_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fitted_on", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policy")),
    )
    op.create_index("ix_policy_tenant_created", "policy", ["tenant", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_policy_tenant_created", table_name="policy")
    op.drop_table("policy")
