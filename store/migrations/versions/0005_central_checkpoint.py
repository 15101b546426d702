"""The central's latest signed checkpoint of this kiosk's chain.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:00:00

A journal behind its checkpoint, or different from it at the checkpoint's seq, was
rolled back, cut or rewritten (``store.checkpoints``).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('central_checkpoint',
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.String(length=40), nullable=False),
    sa.Column('central_key', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_id')
    )


def downgrade() -> None:
    op.drop_table('central_checkpoint')
