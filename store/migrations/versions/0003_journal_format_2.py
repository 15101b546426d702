"""Journal events of format 2 (protocol.event_format): a payload digest and the
signature before are hashed instead of the plaintext payload.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:00:00

Existing rows stay format 1: their hashes and signatures are what the central holds, so
they are not rewritten. The first format 2 event links to the last of them (its
``prev_hash`` and ``prev_signature``), and the audit understands both formats. A format 2
row's ``payload_enc`` holds the 16-byte payload nonce followed by the canonical payload.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('event_format', sa.Integer(), nullable=False, server_default='1')
        )
        batch_op.add_column(sa.Column('payload_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_signature', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_column('prev_signature')
        batch_op.drop_column('payload_digest')
        batch_op.drop_column('event_format')
