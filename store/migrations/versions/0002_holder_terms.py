"""Search terms: blind indexes of each holder's name words and birth date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 17:00:00

The terms are keyed with the kiosk's index key, which a migration does not hold:
``store.search_terms.backfill_terms`` fills them in for existing holders when the
store is opened.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holder_terms',
    sa.Column('term_idx', sa.LargeBinary(), nullable=False),
    sa.Column('holder_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], ),
    sa.PrimaryKeyConstraint('term_idx', 'holder_id')
    )
    with op.batch_alter_table('holder_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holder_terms_holder_id'), ['holder_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('holder_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holder_terms_holder_id'))
    op.drop_table('holder_terms')
