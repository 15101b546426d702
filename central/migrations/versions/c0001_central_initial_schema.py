"""central initial schema

Personal fields are stored sealed (``personal_enc``, ``payload_enc``, blind index
``personnummer_idx``); edited in place before the first release (nothing deployed).

Revision ID: c0001
Revises:
Create Date: 2026-11-28 18:49:01.772016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "central_card",
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=True),
        sa.Column("product_number", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("personal_enc", sa.LargeBinary(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("serial"),
    )
    with op.batch_alter_table("central_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_central_card_change_id"), ["change_id"], unique=False)
        batch_op.create_index(
            "ix_central_card_office_change", ["office_id", "change_id"], unique=False
        )

    op.create_table(
        "central_counter",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "central_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_central_event_event_id"),
        sa.UniqueConstraint("kiosk_id", "seq", name="uq_central_event_kiosk_seq"),
    )
    op.create_table(
        "central_holder",
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("personal_enc", sa.LargeBinary(), nullable=True),
        sa.Column("personnummer_idx", sa.LargeBinary(length=16), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("holder_id"),
    )
    with op.batch_alter_table("central_holder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_central_holder_change_id"), ["change_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_central_holder_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_central_holder_personnummer_idx"), ["personnummer_idx"], unique=False
        )

    op.create_table(
        "central_kiosk",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("cert_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    op.create_table(
        "central_operator",
        sa.Column("hsa_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hsa_id"),
    )
    with op.batch_alter_table("central_operator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_central_operator_change_id"), ["change_id"], unique=False
        )

    op.create_table(
        "central_order",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("card_serial", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("personal_enc", sa.LargeBinary(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    with op.batch_alter_table("central_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_central_order_change_id"), ["change_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_central_order_office_id"), ["office_id"], unique=False)

    op.create_table(
        "central_puk_entry",
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("ciphertext", sa.String(length=512), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("serial"),
    )
    with op.batch_alter_table("central_puk_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_central_puk_entry_change_id"), ["change_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_central_puk_entry_office_id"), ["office_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("central_puk_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_puk_entry_office_id"))
        batch_op.drop_index(batch_op.f("ix_central_puk_entry_change_id"))

    op.drop_table("central_puk_entry")
    with op.batch_alter_table("central_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_order_office_id"))
        batch_op.drop_index(batch_op.f("ix_central_order_change_id"))

    op.drop_table("central_order")
    with op.batch_alter_table("central_operator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_operator_change_id"))

    op.drop_table("central_operator")
    op.drop_table("central_kiosk")
    with op.batch_alter_table("central_holder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_holder_personnummer_idx"))
        batch_op.drop_index(batch_op.f("ix_central_holder_office_id"))
        batch_op.drop_index(batch_op.f("ix_central_holder_change_id"))

    op.drop_table("central_holder")
    op.drop_table("central_event")
    op.drop_table("central_counter")
    with op.batch_alter_table("central_card", schema=None) as batch_op:
        batch_op.drop_index("ix_central_card_office_change")
        batch_op.drop_index(batch_op.f("ix_central_card_change_id"))

    op.drop_table("central_card")
