"""Building encrypted holder and operator rows, and reading them back as plain records.

Associated data binds each ciphertext to its row and column, so a ciphertext copied
into another row or column does not decrypt. Personnummer arrive already normalised
(12 digits, validated by ``kiosk``).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session
from sqlmodel import select

from store.crypto import FieldCipher
from store.database import Transaction
from store.errors import DecryptionFailedError, StoreError
from store.models import Holder, Operator
from store.records import HolderIdentity, HolderRecord, OperatorRecord
from store.search_terms import replace_many_terms, replace_terms
from store.state import get_state, set_state

SEARCH_TERMS_STATE_KEY = "search_terms.version"
SEARCH_TERMS_VERSION = "1"


def personnummer_aad(holder_id: str) -> bytes:
    return f"holders.personnummer:{holder_id}".encode()


def holder_name_aad(holder_id: str) -> bytes:
    return f"holders.name:{holder_id}".encode()


def operator_name_aad(hsa_id: str) -> bytes:
    return f"operators.name:{hsa_id}".encode()


def new_holder(
    cipher: FieldCipher,
    *,
    personnummer: str,
    name: str,
    hsa_id: str | None = None,
    organisation: str = "",
    holder_id: str | None = None,
) -> Holder:
    """A new ``Holder`` row with encrypted personnummer and name and their blind indexes."""
    ident = holder_id or str(uuid.uuid4())
    return Holder(
        id=ident,
        personnummer_enc=cipher.encrypt(personnummer, personnummer_aad(ident)),
        personnummer_idx=cipher.personnummer_index(personnummer),
        hsa_id=hsa_id,
        name_enc=cipher.encrypt(name, holder_name_aad(ident)),
        name_idx=cipher.name_index(name),
        organisation=organisation,
    )


def holder_record(cipher: FieldCipher, row: Holder) -> HolderRecord:
    return HolderRecord(
        id=row.id,
        personnummer=cipher.decrypt(row.personnummer_enc, personnummer_aad(row.id)),
        name=cipher.decrypt(row.name_enc, holder_name_aad(row.id)),
        hsa_id=row.hsa_id,
        organisation=row.organisation,
    )


def new_operator(
    cipher: FieldCipher,
    *,
    hsa_id: str,
    role: str,
    cert_fingerprint: str,
    name: str,
    office_id: str,
    active: bool = True,
) -> Operator:
    if role not in ("clerk", "id_admin"):
        raise ValueError(f"unknown operator role {role!r}")
    return Operator(
        hsa_id=hsa_id,
        role=role,
        cert_fingerprint=cert_fingerprint.lower(),
        name_enc=cipher.encrypt(name, operator_name_aad(hsa_id)),
        office_id=office_id,
        active=active,
    )


def operator_record(cipher: FieldCipher, row: Operator) -> OperatorRecord:
    return OperatorRecord(
        hsa_id=row.hsa_id,
        role=row.role,
        cert_fingerprint=row.cert_fingerprint,
        name=cipher.decrypt(row.name_enc, operator_name_aad(row.hsa_id)),
        office_id=row.office_id,
        active=row.active,
    )


def holder_identity(tx: Transaction, cipher: FieldCipher, holder_id: str) -> HolderIdentity | None:
    """Who the holder is (name and personnummer decrypted); ``None`` if not on record.

    Name and personnummer are ``None`` when they do not decrypt here (a row written by
    another path): the holder id and HSA-id still identify the holder.
    """
    row = tx.get(Holder, holder_id)
    if row is None:
        return None
    try:
        record = holder_record(cipher, row)
    except StoreError:
        return HolderIdentity(id=row.id, hsa_id=row.hsa_id, name=None, personnummer=None)
    return HolderIdentity(
        id=row.id, hsa_id=row.hsa_id, name=record.name, personnummer=record.personnummer
    )


def operator_by_fingerprint(
    tx: Transaction, cipher: FieldCipher, fingerprint_sha256_hex: str
) -> OperatorRecord | None:
    """The operator whose certificate has this fingerprint; ``None`` if not on the roster."""
    row = tx.exec(
        select(Operator).where(Operator.cert_fingerprint == fingerprint_sha256_hex)
    ).first()
    return None if row is None else operator_record(cipher, row)


def operator_by_hsa_id(tx: Transaction, cipher: FieldCipher, hsa_id: str) -> OperatorRecord | None:
    """The roster entry of this HSA-id; ``None`` if not on the roster."""
    row = tx.get(Operator, hsa_id)
    return None if row is None else operator_record(cipher, row)


def holder_by_id(tx: Transaction, cipher: FieldCipher, holder_id: str) -> HolderRecord | None:
    """The holder, decrypted; ``None`` if not on record."""
    row = tx.get(Holder, holder_id)
    return None if row is None else holder_record(cipher, row)


def operator_name(tx: Transaction, cipher: FieldCipher, hsa_id: str) -> str | None:
    """The operator's name, decrypted; ``None`` if not on the roster."""
    row = tx.get(Operator, hsa_id)
    return None if row is None else operator_record(cipher, row).name


def add_holder(
    tx: Transaction,
    cipher: FieldCipher,
    *,
    personnummer: str,
    name: str,
    hsa_id: str | None = None,
    organisation: str = "",
) -> str:
    """A new holder on record (encrypted), written at once so that cards naming the
    holder can follow in the transaction; returns the holder's new id."""
    row = new_holder(
        cipher, personnummer=personnummer, name=name, hsa_id=hsa_id, organisation=organisation
    )
    tx.add(row)
    tx.flush()
    replace_terms(tx, cipher, row.id, name=name, personnummer=personnummer)
    return row.id


def rename_holder(tx: Transaction, cipher: FieldCipher, holder_id: str, name: str) -> bool:
    """The holder's name becomes ``name`` (R10): encrypted under the row's associated
    data, the full-name index and the search terms rewritten, so that lookup finds the
    new name and no longer the old one. In the caller's transaction; ``False`` when the
    holder is not on record or the name is empty."""
    row = tx.get(Holder, holder_id)
    if row is None or not name.strip():
        return False
    personnummer = cipher.decrypt(row.personnummer_enc, personnummer_aad(holder_id))
    row.name_enc = cipher.encrypt(name, holder_name_aad(holder_id))
    row.name_idx = cipher.name_index(name)
    tx.add(row)
    tx.flush()
    replace_terms(tx, cipher, holder_id, name=name, personnummer=personnummer)
    return True


def add_operator(
    tx: Transaction,
    cipher: FieldCipher,
    *,
    hsa_id: str,
    role: str,
    cert_fingerprint: str,
    name: str,
    office_id: str,
    active: bool = True,
) -> None:
    """A new operator on the roster (name encrypted)."""
    tx.add(
        new_operator(
            cipher,
            hsa_id=hsa_id,
            role=role,
            cert_fingerprint=cert_fingerprint,
            name=name,
            office_id=office_id,
            active=active,
        )
    )


def fill_operator_name(tx: Transaction, cipher: FieldCipher, hsa_id: str, name: str) -> bool:
    """Give a roster entry without a name this one (encrypted), e.g. the common name of the
    operator's login certificate; ``False`` when the entry has a name already, the name is
    empty or the operator is not on the roster. The central's name replaces it on the next
    pull that carries one."""
    row = tx.get(Operator, hsa_id)
    if row is None or not name or operator_record(cipher, row).name:
        return False
    row.name_enc = cipher.encrypt(name, operator_name_aad(hsa_id))
    return True


def set_operator_fingerprint(tx: Transaction, hsa_id: str, cert_fingerprint: str) -> bool:
    """Give the operator a new certificate fingerprint; ``False`` if not on the roster."""
    row = tx.get(Operator, hsa_id)
    if row is None:
        return False
    row.cert_fingerprint = cert_fingerprint
    return True


def backfill_search_terms(session: Session, cipher: FieldCipher) -> int:
    """Index every holder once (a store from before search terms); returns how many.

    Rows that do not decrypt are left out; if none does (a wrong key), nothing is
    marked done, so the right key indexes them later.
    """
    if get_state(session, SEARCH_TERMS_STATE_KEY) == SEARCH_TERMS_VERSION:
        return 0
    holders: list[tuple[str, str, str]] = []
    unreadable = 0
    for row in session.scalars(select(Holder)):
        try:
            record = holder_record(cipher, row)
        except DecryptionFailedError:
            unreadable += 1
            continue
        holders.append((record.id, record.name, record.personnummer))
    if unreadable and not holders:
        return 0
    replace_many_terms(session, cipher, holders)
    set_state(session, SEARCH_TERMS_STATE_KEY, SEARCH_TERMS_VERSION)
    return len(holders)


def holder_id_by_personnummer(
    tx: Transaction, cipher: FieldCipher, personnummer: str
) -> str | None:
    """The id of the holder with this normalised personnummer (12 digits), if on record."""
    from sqlalchemy import select

    table = Holder.__table__  # type: ignore[attr-defined]
    index = cipher.personnummer_index(personnummer)
    rows = tx.execute(select(Holder).where(table.c.personnummer_idx == index)).scalars()
    for row in rows:
        if cipher.decrypt(row.personnummer_enc, personnummer_aad(row.id)) == personnummer:
            return str(row.id)
    return None
