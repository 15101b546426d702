"""Administration of the central: kiosks, the operator roster, cards, holders, PUK
cache entries and central blocks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select, update

from central import rules
from central.access import CentralAccess
from central.fields import card_aad, operator_aad
from central.tables import CARD, HOLDER, KIOSK, OPERATOR, PUK
from protocol.event_format import GENESIS_HASH


class AdminOperations(CentralAccess):
    """Setting up what the kiosks work with; each change gets its change id."""

    def register_kiosk(
        self,
        *,
        kiosk_id: str,
        office_id: str,
        public_key: bytes,
        cert_fingerprint: str | None = None,
    ) -> None:
        """Register (or re-key) a kiosk; its chain head is kept when it exists."""
        with self.engine.begin() as conn:
            row = conn.execute(select(KIOSK.c.kiosk_id).where(KIOSK.c.kiosk_id == kiosk_id)).first()
            values = {
                "office_id": office_id,
                "public_key": public_key.hex(),
                "cert_fingerprint": cert_fingerprint.lower() if cert_fingerprint else None,
                "active": True,
            }
            if row is None:
                conn.execute(
                    insert(KIOSK).values(
                        kiosk_id=kiosk_id, head_seq=0, head_hash=GENESIS_HASH, **values
                    )
                )
            else:
                conn.execute(update(KIOSK).where(KIOSK.c.kiosk_id == kiosk_id).values(**values))

    def set_operator(
        self,
        *,
        hsa_id: str,
        role: str,
        office_id: str,
        active: bool = True,
        name: str | None = None,
    ) -> None:
        """Add or change one roster entry (role ``clerk`` or ``id_admin``). ``name``: the
        operator's name as the kiosks show it, sealed with the field key (``""`` removes
        it); ``None`` keeps the entry's name."""
        if role not in rules.ROLES:
            raise ValueError(f"unknown role {role!r}")
        values: dict[str, Any] = {"role": role, "office_id": office_id, "active": active}
        with self._write() as conn:
            known = conn.execute(
                select(OPERATOR.c.hsa_id).where(OPERATOR.c.hsa_id == hsa_id)
            ).first()
            if name is not None or known is None:
                personal = {"name": name} if name else {}
                clear, sealed, _ = self.cipher.split(personal, operator_aad(hsa_id))
                values.update(data=clear, personal_enc=sealed)
            self._upsert(conn, OPERATOR, "hsa_id", hsa_id, values)

    def put_cards(self, cards: Iterable[Mapping[str, Any]]) -> int:
        """Create or replace cards (keys: serial, office_id, state, holder_id,
        product_number, data). A blocked card stays blocked. Returns the count.
        Locks: existing card rows first, the change counter last (as a push does)."""
        rows = list(cards)
        with self._write() as conn:
            serials = [str(r["serial"]) for r in rows]
            current = self._lock_cards(conn, serials)
            existing = set(current)
            blocked = {serial for serial, card in current.items() if card["state"] == "blocked"}
            start = self._allocate(conn, len(rows))
            new_rows: list[dict[str, Any]] = []
            for offset, r in enumerate(rows):
                serial = str(r["serial"])
                state = "blocked" if serial in blocked else str(r.get("state", "ordered"))
                clear, sealed, _ = self.cipher.split(dict(r.get("data") or {}), card_aad(serial))
                values = {
                    "office_id": str(r["office_id"]),
                    "holder_id": r.get("holder_id"),
                    "product_number": r.get("product_number"),
                    "state": state,
                    "data": clear,
                    "personal_enc": sealed,
                    "change_id": start + offset,
                }
                if serial in existing:
                    conn.execute(update(CARD).where(CARD.c.serial == serial).values(**values))
                else:
                    new_rows.append({"serial": serial, **values})
            if new_rows:
                conn.execute(insert(CARD), new_rows)
        return len(rows)

    def put_holder(self, *, holder_id: str, office_id: str, data: Mapping[str, Any]) -> None:
        """Create or replace a holder (``data``: personnummer, name, hsa_id, organisation,
        ...); the personal fields are sealed with the central's field key."""
        with self._write() as conn:
            self._upsert(
                conn,
                HOLDER,
                "holder_id",
                holder_id,
                self._holder_values(holder_id, office_id, data),
            )

    def put_puk_entry(self, *, serial: str, office_id: str, ciphertext: str) -> None:
        """Store one PUK cache entry (7xx cards only, R7), sealed under the office key
        with :func:`protocol.puk.seal_puk`; the central never sees the PUK."""
        with self._write() as conn:
            card = conn.execute(
                select(CARD.c.product_number).where(CARD.c.serial == serial)
            ).first()
            if card is None or not str(card[0] or "").startswith("7"):
                raise ValueError("the PUK cache holds 7xx cards only")
            self._upsert(
                conn, PUK, "serial", serial, {"office_id": office_id, "ciphertext": ciphertext}
            )

    def block_card(self, serial: str) -> None:
        """A block made centrally (service desk); it wins over any kiosk change."""
        with self._write() as conn:
            if serial not in self._lock_cards(conn, [serial]):
                raise ValueError("unknown card")
            change = self._allocate(conn, 1)
            conn.execute(
                update(CARD)
                .where(CARD.c.serial == serial)
                .values(state="blocked", change_id=change)
            )
