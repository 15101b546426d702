"""central operator name

The roster carries operator names: ``data`` (the clear part, an empty object) and
``personal_enc`` (the name, sealed with the central's field key, associated data
``central_operator:<hsa_id>``), as the other pulled entities keep their personal fields.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("central_operator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("personal_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("central_operator", schema=None) as batch_op:
        batch_op.drop_column("personal_enc")
        batch_op.drop_column("data")
