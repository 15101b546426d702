"""central outside block

Blocks a diverged kiosk sent outside its chain (R9), kept to be matched when the
kiosk's recovered chain brings them again.

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "central_outside_block",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("event_format", sa.Integer(), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=True),
        sa.Column("prev_signature", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("central_outside_block", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_central_outside_block_kiosk_id"), ["kiosk_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("central_outside_block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_outside_block_kiosk_id"))
    op.drop_table("central_outside_block")
