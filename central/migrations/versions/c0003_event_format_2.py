"""central events of format 2

Format 2 events (``protocol.event_format``) hash a digest of the payload and the
signature before instead of the plaintext payload. The central keeps what makes them
verifiable again: ``event_format``, ``payload_digest`` and ``prev_signature``; the payload
nonce is sealed together with the payload in ``payload_enc``. Stored format 1 events stay
as they are (``event_format`` 1).

Revision ID: c0003_event_format_2
Revises: c0002
Create Date: 2026-12-01 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0003_event_format_2"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("central_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("event_format", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("payload_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prev_signature", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("central_event", schema=None) as batch_op:
        batch_op.drop_column("prev_signature")
        batch_op.drop_column("payload_digest")
        batch_op.drop_column("event_format")
