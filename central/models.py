"""The central service's tables: its own metadata, separate from the kiosk store's.

Personal fields (personnummer, names) are never stored in clear: ``data`` holds the
rest, ``personal_enc`` the personal part sealed with the central's field key, and
event payloads are stored sealed (``payload_enc``); see ``central.fields``.

The central is the system of record. Every entity a kiosk pulls (cards, holders,
orders, operators, PUK cache entries) carries a ``change_id`` taken from one counter
row that is locked until commit, so change ids become visible in commit order and a
kiosk's pull cursor never skips a change (see docs/sync.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, LargeBinary, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class CentralBase(SQLModel, registry=registry()):
    """Base of the central tables; ``CentralBase.metadata`` holds only them."""


class CentralCounter(CentralBase, table=True):
    __tablename__ = "central_counter"
    name: str = Field(primary_key=True, max_length=32)
    value: int = Field(default=0, sa_column_kwargs={"nullable": False})


class CentralKiosk(CentralBase, table=True):
    __tablename__ = "central_kiosk"
    kiosk_id: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64)
    public_key: str = Field(max_length=64)  # Ed25519, hex of the 32 raw bytes
    cert_fingerprint: str | None = Field(default=None, max_length=64)  # SHA-256 hex, DER
    head_seq: int = Field(default=0)
    head_hash: str = Field(default="0" * 64, max_length=64)
    active: bool = Field(default=True)


class CentralEvent(CentralBase, table=True):
    """Every event a kiosk delivered that verified: accepted (applied) or rejected."""

    __tablename__ = "central_event"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_central_event_event_id"),
        UniqueConstraint("kiosk_id", "seq", name="uq_central_event_kiosk_seq"),
    )
    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    event_id: str = Field(max_length=36)
    kiosk_id: str = Field(max_length=64)
    seq: int
    occurred_at: str = Field(max_length=40)
    received_at: str = Field(max_length=40)
    operator: str | None = Field(default=None, max_length=64)
    event_type: str = Field(max_length=64)
    # AES-GCM under the central's field key, associated data = event id (central.fields)
    payload_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    # format 2 (protocol.event_format): payload_enc seals the payload nonce + payload
    event_format: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    payload_digest: str | None = Field(default=None, max_length=64)
    prev_signature: str | None = Field(default=None, max_length=128)
    status: str = Field(max_length=16)  # accepted | rejected
    reason: str | None = Field(default=None, max_length=200)
    linked: bool = Field(default=True)  # False while ahead of the chain head (early block)


class CentralOperator(CentralBase, table=True):
    __tablename__ = "central_operator"
    hsa_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)  # clerk | id_admin
    office_id: str = Field(max_length=64)
    active: bool = Field(default=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # the operator's name (central.fields): AES-GCM, None when the roster has no name
    personal_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    change_id: int = Field(default=0, index=True)


class CentralHolder(CentralBase, table=True):
    __tablename__ = "central_holder"
    holder_id: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # personal fields of ``data`` (central.fields): AES-GCM, None when there are none
    personal_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # keyed blind index (HMAC) of the personnummer for exact lookup
    personnummer_idx: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary(16), nullable=True, index=True)
    )
    change_id: int = Field(default=0, index=True)


class CentralCard(CentralBase, table=True):
    __tablename__ = "central_card"
    __table_args__ = (Index("ix_central_card_office_change", "office_id", "change_id"),)
    serial: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64)
    holder_id: str | None = Field(default=None, max_length=64)
    product_number: str | None = Field(default=None, max_length=16)
    state: str = Field(max_length=16)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # personal fields of ``data`` (central.fields): AES-GCM, None when there are none
    personal_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    change_id: int = Field(default=0, index=True)


class CentralOrder(CentralBase, table=True):
    __tablename__ = "central_order"
    order_id: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64, index=True)
    card_serial: str | None = Field(default=None, max_length=64)
    # ordered | in_production | shipped | activated | replaced (also in ``data``)
    state: str | None = Field(default=None, max_length=16, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # personal fields of ``data`` (central.fields): AES-GCM, None when there are none
    personal_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    change_id: int = Field(default=0, index=True)


class CentralPukEntry(CentralBase, table=True):
    """The office's encrypted PUK cache for its 7xx cards: opaque ciphertext here."""

    __tablename__ = "central_puk_entry"
    serial: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64, index=True)
    ciphertext: str = Field(max_length=512)
    change_id: int = Field(default=0, index=True)


class CentralPhoto(CentralBase, table=True):
    """A holder's card photo as a kiosk sent it: the JPEG sealed with the central's field
    key (associated data ``central_photo:<digest>``), named by its SHA-256."""

    __tablename__ = "central_photo"
    digest: str = Field(primary_key=True, max_length=64)
    office_id: str = Field(max_length=64, index=True)  # the office that took it
    jpeg_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    received_at: str = Field(max_length=40)


class CentralForkAlarm(CentralBase, table=True):
    """A kiosk whose journal does not match what the central holds of it: a pushed event
    at a seq the chain has with another hash, or a kiosk's own report (behind, fork,
    foreign checkpoint). For the central's operators (``kiosk central --fork-alarms``)."""

    __tablename__ = "central_fork_alarm"
    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    kiosk_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=32)  # protocol.checkpoint.DivergenceKind, or "pushed fork"
    seq: int
    central_hash: str | None = Field(default=None, max_length=64)
    kiosk_hash: str | None = Field(default=None, max_length=64)
    detected_at: str = Field(max_length=40)


class CentralOutsideBlock(CentralBase, table=True):
    """A ``card.blocked`` a kiosk sent outside its chain while its journal was diverged
    (R9: ``POST /v1/blocks``), stored as signed and decided by the push's rules. When
    the kiosk recovers and pushes the block in its chain (same event id, new seq and
    hash), that event is matched here (``chain_seq``) and not applied again."""

    __tablename__ = "central_outside_block"
    event_id: str = Field(primary_key=True, max_length=36)
    kiosk_id: str = Field(max_length=64, index=True)
    seq: int  # the seq it carried in the kiosk's diverged journal
    occurred_at: str = Field(max_length=40)
    received_at: str = Field(max_length=40)
    operator: str | None = Field(default=None, max_length=64)
    event_type: str = Field(max_length=64)
    serial: str | None = Field(default=None, max_length=64)
    payload_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    event_format: int = Field(default=1)
    payload_digest: str | None = Field(default=None, max_length=64)
    prev_signature: str | None = Field(default=None, max_length=128)
    status: str = Field(max_length=16)  # accepted | rejected
    reason: str | None = Field(default=None, max_length=200)
    chain_seq: int | None = Field(default=None)  # where it arrived in the chain later
