"""What the central holds, read: chain heads and stored events (with the chain check),
card states, holders, and the kiosk certificate check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from central.access import CentralAccess
from central.errors import UnknownKioskError, WrongKioskCertificateError
from central.fields import holder_aad
from central.tables import CARD, EVENT, HOLDER, KIOSK, STORED_FIELDS, event_from_stored
from protocol.checkpoint import HeadAnswer
from protocol.event_format import FORMAT_V2, GENESIS_HASH, GENESIS_SIGNATURE, SignedEvent


class ReadOperations(CentralAccess):
    """Reading what the central holds; nothing here writes."""

    def holder_data(self, holder_id: str) -> dict[str, Any] | None:
        """A holder's whole ``data`` (personal fields opened), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(HOLDER.c.data, HOLDER.c.personal_enc).where(HOLDER.c.holder_id == holder_id)
            ).first()
        if row is None:
            return None
        return self.cipher.join(row.data or {}, row.personal_enc, holder_aad(holder_id))

    def holder_ids_by_personnummer(self, personnummer: str) -> list[str]:
        """Exact lookup through the keyed blind index (the number is never stored)."""
        index = self.cipher.personnummer_index(personnummer)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(HOLDER.c.holder_id)
                .where(HOLDER.c.personnummer_idx == index)
                .order_by(HOLDER.c.holder_id)
            )
            return [str(r[0]) for r in rows]

    def kiosk_head(self, kiosk_id: str) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(KIOSK.c.head_seq, KIOSK.c.head_hash).where(KIOSK.c.kiosk_id == kiosk_id)
            ).first()
        if row is None:
            raise UnknownKioskError(kiosk_id=kiosk_id)
        return int(row[0]), str(row[1])

    def head_answer(self, kiosk_id: str) -> HeadAnswer:
        """What the central holds of the kiosk's events: the chain head and the seqs
        recorded ahead of it (blocks pushed first), for the kiosk to resend the rest."""
        with self.engine.connect() as conn:
            kiosk = conn.execute(
                select(KIOSK.c.head_seq, KIOSK.c.head_hash, KIOSK.c.public_key).where(
                    KIOSK.c.kiosk_id == kiosk_id
                )
            ).first()
            if kiosk is None:
                raise UnknownKioskError(kiosk_id=kiosk_id)
            seq, digest = int(kiosk.head_seq), str(kiosk.head_hash)
            rows = conn.execute(
                select(EVENT.c.seq)
                .where(EVENT.c.kiosk_id == kiosk_id, EVENT.c.seq > seq)
                .order_by(EVENT.c.seq)
            )
            ahead = tuple(int(r[0]) for r in rows)
        return HeadAnswer(
            kiosk_id,
            seq,
            digest,
            ahead,
            self._checkpoint(kiosk_id, seq, digest, kiosk_key=str(kiosk.public_key)),
        )

    def card_state(self, serial: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(CARD.c.state).where(CARD.c.serial == serial)).first()
        return None if row is None else str(row[0])

    def event_counts(self, kiosk_id: str | None = None) -> dict[str, int]:
        """Stored events by status (for checks: nothing applied twice)."""
        query = select(EVENT.c.status, func.count()).group_by(EVENT.c.status)
        if kiosk_id is not None:
            query = query.where(EVENT.c.kiosk_id == kiosk_id)
        with self.engine.connect() as conn:
            return {str(s): int(n) for s, n in conn.execute(query)}

    def events(self, kiosk_id: str) -> list[SignedEvent]:
        """The kiosk's stored events in seq order (payloads opened)."""
        cols = [EVENT.c[name] for name in STORED_FIELDS]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*cols).where(EVENT.c.kiosk_id == kiosk_id).order_by(EVENT.c.seq)
            ).all()
        return [event_from_stored(dict(row._mapping), self.cipher) for row in rows]

    def verify_chain(self, kiosk_id: str) -> bool:
        """Every stored event of the kiosk hashes, links and verifies with its key."""
        with self.engine.connect() as conn:
            key_row = conn.execute(
                select(KIOSK.c.public_key).where(KIOSK.c.kiosk_id == kiosk_id)
            ).first()
        if key_row is None:
            raise UnknownKioskError(kiosk_id=kiosk_id)
        public_key = bytes.fromhex(str(key_row[0]))
        prev, prev_signature = GENESIS_HASH, GENESIS_SIGNATURE
        for expected_seq, event in enumerate(self.events(kiosk_id), start=1):
            if event.seq != expected_seq or event.prev_hash != prev:
                return False
            if event.event_format == FORMAT_V2 and event.prev_signature != prev_signature:
                return False
            if not (event.hash_ok() and event.signature_ok(public_key)):
                return False
            prev, prev_signature = event.hash, event.signature
        return True

    def certificate_registered(self, fingerprint: str | None) -> bool:
        """Some active kiosk is registered with this TLS client certificate (SHA-256 of
        its DER): the central's first check, before it reads a request body."""
        if not fingerprint:
            return False
        with self.engine.connect() as conn:
            row = conn.execute(
                select(KIOSK.c.kiosk_id).where(
                    KIOSK.c.cert_fingerprint == fingerprint.lower(), KIOSK.c.active.is_(True)
                )
            ).first()
        return row is not None

    def check_kiosk_certificate(
        self, kiosk_id: str, fingerprint: str | None, *, required: bool
    ) -> None:
        """The TLS client certificate (SHA-256 of its DER) must be the one registered
        for the kiosk; without a certificate, only when none is required."""
        kiosk = self._kiosk(kiosk_id)
        registered = kiosk["cert_fingerprint"]
        if fingerprint is None:
            if required:
                raise WrongKioskCertificateError(kiosk_id=kiosk["kiosk_id"])
            return
        if registered is None or registered != fingerprint.lower():
            raise WrongKioskCertificateError(kiosk_id=kiosk["kiosk_id"])
