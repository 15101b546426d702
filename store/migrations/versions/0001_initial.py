"""Initial schema of the kiosk store.

Revision ID: 0001
Revises: -
Create Date: 2026-11-28 18:48:39.314488
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('personnummer_enc', sa.LargeBinary(), nullable=False),
    sa.Column('personnummer_idx', sa.LargeBinary(), nullable=False),
    sa.Column('hsa_id', sa.String(length=64), nullable=True),
    sa.Column('name_enc', sa.LargeBinary(), nullable=False),
    sa.Column('name_idx', sa.LargeBinary(), nullable=False),
    sa.Column('organisation', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('holders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holders_hsa_id'), ['hsa_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holders_name_idx'), ['name_idx'], unique=False)
        batch_op.create_index(batch_op.f('ix_holders_personnummer_idx'), ['personnummer_idx'], unique=False)

    op.create_table('journal',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=60), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.String(length=32), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=True),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('payload_enc', sa.LargeBinary(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('sync_status', sa.String(length=16), nullable=False),
    sa.Column('sync_reason', sa.String(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('event_id'),
    sa.UniqueConstraint('kiosk_id', 'seq', name='uq_journal_kiosk_seq')
    )
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.create_index('ix_journal_outbox', ['sync_status', 'priority', 'seq'], unique=False)

    op.create_table('offices',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sync_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('cards',
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('holder_id', sa.String(), nullable=False),
    sa.Column('product_number', sa.String(length=8), nullable=True),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('shipment_method', sa.String(length=16), nullable=False),
    sa.Column('rek_id', sa.String(length=32), nullable=True),
    sa.Column('photo_office_id', sa.String(), nullable=True),
    sa.Column('photo_date', sa.Date(), nullable=True),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('with_photo', sa.Boolean(), nullable=False),
    sa.Column('sis_marked', sa.Boolean(), nullable=False),
    sa.Column('assurance_level', sa.String(length=8), nullable=True),
    sa.Column('is_reserve', sa.Boolean(), nullable=False),
    sa.Column('has_signing_cert', sa.Boolean(), nullable=False),
    sa.Column('replaced_by_serial', sa.String(length=40), nullable=True),
    sa.Column('blocked_reason', sa.String(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], ),
    sa.ForeignKeyConstraint(['photo_office_id'], ['offices.id'], ),
    sa.PrimaryKeyConstraint('serial')
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_holder_id'), ['holder_id'], unique=False)

    op.create_table('identity_checks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('holder_id', sa.String(), nullable=False),
    sa.Column('document_kind', sa.String(length=32), nullable=False),
    sa.Column('issuing_state', sa.String(length=3), nullable=False),
    sa.Column('document_number_hash', sa.LargeBinary(), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=24), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('journal_event_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_checks_holder_id'), ['holder_id'], unique=False)

    op.create_table('operators',
    sa.Column('hsa_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('cert_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=False),
    sa.Column('office_id', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ),
    sa.PrimaryKeyConstraint('hsa_id')
    )
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operators_cert_fingerprint'), ['cert_fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_operators_office_id'), ['office_id'], unique=False)

    op.create_table('deadlines',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('card_serial', sa.String(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['card_serial'], ['cards.serial'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_card_serial'), ['card_serial'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadlines_due_date'), ['due_date'], unique=False)

    op.create_table('puk_cache',
    sa.Column('card_serial', sa.String(length=40), nullable=False),
    sa.Column('puk_enc', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['card_serial'], ['cards.serial'], ),
    sa.PrimaryKeyConstraint('card_serial')
    )


def downgrade() -> None:
    op.drop_table('puk_cache')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadlines_due_date'))
        batch_op.drop_index(batch_op.f('ix_deadlines_card_serial'))

    op.drop_table('deadlines')
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operators_office_id'))
        batch_op.drop_index(batch_op.f('ix_operators_cert_fingerprint'))

    op.drop_table('operators')
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_checks_holder_id'))

    op.drop_table('identity_checks')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cards_holder_id'))

    op.drop_table('cards')
    op.drop_table('sync_state')
    op.drop_table('offices')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_outbox')

    op.drop_table('journal')
    with op.batch_alter_table('holders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holders_personnummer_idx'))
        batch_op.drop_index(batch_op.f('ix_holders_name_idx'))
        batch_op.drop_index(batch_op.f('ix_holders_hsa_id'))

    op.drop_table('holders')
