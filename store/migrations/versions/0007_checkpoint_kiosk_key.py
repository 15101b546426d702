"""The kiosk key a central checkpoint names.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00

``central_checkpoint.kiosk_key``: the kiosk's public key as the central registered it
(hex), which a version 2 checkpoint signs; NULL for a version 1 checkpoint kept before.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('central_checkpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kiosk_key', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('central_checkpoint', schema=None) as batch_op:
        batch_op.drop_column('kiosk_key')
