"""Cards whose holder chooses the code at activation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00

``cards.holder_chosen_code``: the holder sets the card's code at activation, from the
card's initial code (as the SITHS eID portal's cards do).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('holder_chosen_code', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_column('holder_chosen_code')
