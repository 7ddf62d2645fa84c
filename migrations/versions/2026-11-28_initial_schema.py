"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 00:33:30.883514
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_key",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_tenant"), ["tenant"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("transfer_score", sa.Float(), nullable=False),
        sa.Column("negative_transfer_risk", sa.String(length=8), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("service_version", sa.String(length=32), nullable=False),
        sa.Column("extractor_name", sa.String(length=200), nullable=True),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("replay_of", sa.String(length=32), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_record_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint(
            "tenant", "idempotency_key", name="uq_assessment_tenant_idempotency_key"
        ),
        sa.UniqueConstraint("tenant", "seq", name="uq_assessment_tenant_seq"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_tenant_created", ["tenant", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_assessment_tenant_source",
            ["tenant", "source_name", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_assessment_tenant_strategy",
            ["tenant", "strategy", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_assessment_tenant_target",
            ["tenant", "target_name", "created_at", "id"],
            unique=False,
        )

    op.create_table(
        "chain_head",
        sa.Column("tenant", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tenant", name=op.f("pk_chain_head")),
    )
    op.create_table(
        "extractor",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("modality", sa.String(length=32), nullable=False),
        sa.Column("input_spec", sa.JSON(), nullable=False),
        sa.Column("output_name", sa.String(length=200), nullable=False),
        sa.Column("output_dim", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("tokenizer_sha256", sa.String(length=64), nullable=True),
        sa.Column("preprocessing", sa.JSON(), nullable=False),
        sa.Column("bundled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_extractor")),
    )


def downgrade() -> None:

    op.drop_table("extractor")
    op.drop_table("chain_head")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_tenant_target")
        batch_op.drop_index("ix_assessment_tenant_strategy")
        batch_op.drop_index("ix_assessment_tenant_source")
        batch_op.drop_index("ix_assessment_tenant_created")

    op.drop_table("assessment")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_tenant"))

    op.drop_table("api_key")
