"""Card orders and their photos.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:00:00

``orders``: the card orders placed at the counter or pulled from the central.
``photos``: the holders' card photos, JPEG encrypted with the kiosk's field key
(associated data ``photo:<digest>``), named by the SHA-256 of the JPEG.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('orders',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('holder_id', sa.String(length=36), nullable=False),
    sa.Column('office_id', sa.String(length=40), nullable=False),
    sa.Column('photo_office_id', sa.String(length=40), nullable=True),
    sa.Column('photo_date', sa.Date(), nullable=True),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('card_kind', sa.String(length=16), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('rek_id', sa.String(length=32), nullable=True),
    sa.Column('card_serial', sa.String(length=40), nullable=True),
    sa.Column('photo_digest', sa.String(length=64), nullable=True),
    sa.Column('replaces_serial', sa.String(length=40), nullable=True),
    sa.Column('replaces_order_id', sa.String(length=36), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], ),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_card_serial'), ['card_serial'], unique=False)
    op.create_table('photos',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('jpeg_enc', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded', sa.Boolean(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )


def downgrade() -> None:
    op.drop_table('photos')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_card_serial'))
        batch_op.drop_index(batch_op.f('ix_orders_state'))
        batch_op.drop_index(batch_op.f('ix_orders_holder_id'))
    op.drop_table('orders')
