"""central fork alarm

A kiosk whose journal does not match what the central holds of it (rolled back, cut,
rewritten, or answered with a checkpoint of another key) is recorded here for the
central's operators.

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-01 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "central_fork_alarm",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("central_hash", sa.String(length=64), nullable=True),
        sa.Column("kiosk_hash", sa.String(length=64), nullable=True),
        sa.Column("detected_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("central_fork_alarm", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_central_fork_alarm_kiosk_id"), ["kiosk_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("central_fork_alarm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_fork_alarm_kiosk_id"))
    op.drop_table("central_fork_alarm")
