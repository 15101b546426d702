"""central orders: the order's state as a column, and the card photos

``central_order.state`` (ordered, in_production, shipped, activated, replaced; also
in ``data``) lets the production step find the orders to make. ``central_photo``
holds the holders' card photos, the JPEG sealed with the central's field key
(associated data ``central_photo:<digest>``), named by the SHA-256 of the JPEG.

Revision ID: c0004
Revises: c0003_event_format_2
Create Date: 2026-12-01 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003_event_format_2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("central_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_central_order_state"), ["state"], unique=False)
    op.create_table(
        "central_photo",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("jpeg_enc", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("central_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_central_photo_office_id"), ["office_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("central_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_photo_office_id"))
    op.drop_table("central_photo")
    with op.batch_alter_table("central_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_order_state"))
        batch_op.drop_column("state")
