"""per tenant extractors

An extractor registered through the API belongs to the caller's tenant; one registered by the
operator (CLI) has `tenant` NULL and is shared by every tenant. Rows that exist before this
revision were visible to every tenant, so they stay shared. `name` is no longer the primary key
(two tenants may use one name): a surrogate `id` is, with (tenant, name) unique and shared names
unique through a partial index.

Downgrade makes every row global again, as before; it refuses while a name is held more than
once (two tenants, or a tenant and the shared registry), since the old key is the name alone.

Revision ID: 0004_tenant_extractors
Revises: 0003_daily_rollup
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_tenant_extractors"
down_revision = "0003_daily_rollup"
branch_labels = None
depends_on = None

SHARED = sa.text("tenant IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("extractor", schema=None) as batch_op:
        # PostgreSQL numbers the existing rows from the identity; SQLite's rebuilt table makes
        # `id` its rowid, numbered as the rows are copied.
        batch_op.add_column(sa.Column("id", sa.Integer(), sa.Identity(), nullable=False))
        batch_op.add_column(sa.Column("tenant", sa.String(length=100), nullable=True))
        batch_op.drop_constraint("pk_extractor", type_="primary")
        batch_op.create_primary_key("pk_extractor", ["id"])
        batch_op.create_unique_constraint("uq_extractor_tenant_name", ["tenant", "name"])
    op.create_index("uq_extractor_shared_name", "extractor", ["name"], unique=True,
                    sqlite_where=SHARED, postgresql_where=SHARED)


def downgrade() -> None:
    held_twice = op.get_bind().execute(sa.text(
        "SELECT name FROM extractor GROUP BY name HAVING count(*) > 1 ORDER BY name")).scalars()
    names = list(held_twice)
    if names:
        raise RuntimeError(
            "cannot downgrade below 0004_tenant_extractors: these extractor names are registered "
            f"by more than one tenant (or by a tenant and the operator): {', '.join(names)}. "
            "The older schema keys extractors by name alone; delete the extra rows first.")
    op.drop_index("uq_extractor_shared_name", table_name="extractor")
    with op.batch_alter_table("extractor", schema=None) as batch_op:
        batch_op.drop_constraint("uq_extractor_tenant_name", type_="unique")
        batch_op.drop_constraint("pk_extractor", type_="primary")
        batch_op.create_primary_key("pk_extractor", ["name"])
        batch_op.drop_column("tenant")
        batch_op.drop_column("id")
