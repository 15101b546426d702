"""The kiosk's tables (SQLModel) and the plain records that leave the store.

Enumerations are plain ``str`` columns (the domain in ``kiosk`` owns their meaning).
Personal identity numbers and names are stored only encrypted (``*_enc``, AES-GCM)
with a keyed blind index (``*_idx``) for exact lookup. The tables use their own
metadata (:data:`METADATA`), so other SQLModel users in the process (the central
service) do not mix into the kiosk's migrations.

Services and screens never see these ORM rows: the store's data functions return the
frozen records of :mod:`store.records`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, LargeBinary, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Column, Field, SQLModel


class KioskBase(SQLModel, registry=registry()):
    """Base of the kiosk's tables: a registry (and metadata) of their own."""


METADATA = KioskBase.metadata

ROLES = ("clerk", "id_admin")
SHIPMENT_METHODS = ("a_post", "registered")
ASSURANCE_LEVELS = ("LoA2", "LoA3")
DEADLINE_KINDS = ("name_change", "return")
SYNC_STATUSES = ("pending", "accepted", "rejected")


def _blob(*, nullable: bool = False, index: bool = False) -> Column[bytes]:
    return Column(LargeBinary, nullable=nullable, index=index)


class Office(KioskBase, table=True):
    __tablename__ = "offices"

    id: str = Field(primary_key=True, max_length=40)
    name: str


class Operator(KioskBase, table=True):
    __tablename__ = "operators"

    hsa_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)
    cert_fingerprint: str = Field(max_length=64, index=True)
    name_enc: bytes = Field(sa_column=_blob())
    office_id: str = Field(foreign_key="offices.id", index=True)
    active: bool = True


class Holder(KioskBase, table=True):
    __tablename__ = "holders"

    id: str = Field(primary_key=True, max_length=36)
    personnummer_enc: bytes = Field(sa_column=_blob())
    personnummer_idx: bytes = Field(sa_column=_blob(index=True))
    hsa_id: str | None = Field(default=None, max_length=64, index=True)
    name_enc: bytes = Field(sa_column=_blob())
    name_idx: bytes = Field(sa_column=_blob(index=True))
    organisation: str = ""


class Card(KioskBase, table=True):
    __tablename__ = "cards"

    serial: str = Field(primary_key=True, max_length=40)
    holder_id: str = Field(foreign_key="holders.id", index=True)
    product_number: str | None = Field(default=None, max_length=8)
    state: str = Field(max_length=24)
    shipment_method: str = Field(max_length=16)
    rek_id: str | None = Field(default=None, max_length=32)
    photo_office_id: str | None = Field(default=None, foreign_key="offices.id")
    photo_date: date | None = None
    order_date: date
    with_photo: bool = True
    sis_marked: bool = False
    assurance_level: str | None = Field(default=None, max_length=8)
    is_reserve: bool = False
    has_signing_cert: bool = True
    replaced_by_serial: str | None = Field(default=None, max_length=40)
    blocked_reason: str | None = None
    updated_at: datetime
    #: The holder sets the card's code at activation, from the card's initial code.
    holder_chosen_code: bool = False


class IdentityCheck(KioskBase, table=True):
    __tablename__ = "identity_checks"

    id: str = Field(primary_key=True, max_length=36)
    holder_id: str = Field(foreign_key="holders.id", index=True)
    document_kind: str = Field(max_length=32)
    issuing_state: str = Field(max_length=3)
    document_number_hash: bytes = Field(sa_column=_blob())
    expiry: date
    result: str = Field(max_length=24)
    operator: str = Field(max_length=64)
    checked_at: datetime
    journal_event_id: str | None = Field(default=None, max_length=36)


class Deadline(KioskBase, table=True):
    __tablename__ = "deadlines"

    id: str = Field(primary_key=True, max_length=36)
    card_serial: str = Field(foreign_key="cards.serial", index=True)
    kind: str = Field(max_length=16)
    due_date: date = Field(index=True)
    reason: str | None = None
    kept: bool = False
    resolved: bool = False


class PukCache(KioskBase, table=True):
    """Encrypted PUKs of the office's own 7xx cards only."""

    __tablename__ = "puk_cache"

    card_serial: str = Field(primary_key=True, foreign_key="cards.serial", max_length=40)
    puk_enc: bytes = Field(sa_column=_blob())


class JournalRow(KioskBase, table=True):
    """One signed journal event; the payload is AES-GCM encrypted (aad = event id)."""

    __tablename__ = "journal"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "seq", name="uq_journal_kiosk_seq"),
        Index("ix_journal_outbox", "sync_status", "priority", "seq"),
    )

    event_id: str = Field(primary_key=True, max_length=36)
    kiosk_id: str = Field(max_length=60)
    seq: int
    occurred_at: str = Field(max_length=32)
    operator: str | None = Field(default=None, max_length=64)
    event_type: str = Field(max_length=64)
    payload_enc: bytes = Field(sa_column=_blob())
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    # format 2 (protocol.event_format): payload_enc holds the payload nonce + payload
    event_format: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    payload_digest: str | None = Field(default=None, max_length=64)
    prev_signature: str | None = Field(default=None, max_length=128)
    sync_status: str = Field(default="pending", max_length=16)
    sync_reason: str | None = None
    priority: int = 1


class SyncState(KioskBase, table=True):
    __tablename__ = "sync_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class HolderTerm(KioskBase, table=True):
    """One search term of a holder: a blind index of a name word or the birth date."""

    __tablename__ = "holder_terms"

    term_idx: bytes = Field(sa_column=Column(LargeBinary, primary_key=True))
    holder_id: str = Field(primary_key=True, max_length=36, foreign_key="holders.id", index=True)


class Order(KioskBase, table=True):
    """A card order: placed at the counter or pulled from the central, which moves it on
    (in production, shipped with its card number and Rek-id, activated, replaced)."""

    __tablename__ = "orders"

    order_id: str = Field(primary_key=True, max_length=36)
    holder_id: str = Field(foreign_key="holders.id", index=True)
    office_id: str = Field(max_length=40)  # where it was ordered
    photo_office_id: str | None = Field(default=None, max_length=40)
    photo_date: date | None = None
    order_date: date
    card_kind: str = Field(max_length=16)  # ordinary | reserve_loa2 | reserve_loa3
    delivery: str = Field(max_length=16)  # a_post | registered
    state: str = Field(max_length=16, index=True)
    rek_id: str | None = Field(default=None, max_length=32)
    card_serial: str | None = Field(default=None, max_length=40, index=True)
    photo_digest: str | None = Field(default=None, max_length=64)
    replaces_serial: str | None = Field(default=None, max_length=40)
    replaces_order_id: str | None = Field(default=None, max_length=36)
    updated_at: datetime


class Photo(KioskBase, table=True):
    """A holder's card photo: the JPEG encrypted (AES-GCM, associated data
    ``photo:<digest>``), named by the SHA-256 of the JPEG bytes."""

    __tablename__ = "photos"

    digest: str = Field(primary_key=True, max_length=64)
    jpeg_enc: bytes = Field(sa_column=_blob())
    uploaded: bool = False  # sent to the central (a photo travels once)
    stored_at: datetime


class CentralCheckpoint(KioskBase, table=True):
    """The latest checkpoint the central signed of this kiosk's chain
    (``protocol.checkpoint``), verified with the pinned central key before it is kept."""

    __tablename__ = "central_checkpoint"

    kiosk_id: str = Field(primary_key=True, max_length=64)
    head_seq: int
    head_hash: str = Field(max_length=64)
    issued_at: str = Field(max_length=40)
    central_key: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    kiosk_key: str | None = Field(default=None, max_length=64)  # version 2 checkpoints
