"""What a receipt states, as plain data, and the digest the holder signs.

A receipt is built from one journal event plus the register (holder, card, office,
operator). :class:`ReceiptFacts` keeps the language-free facts; the renderer turns them
into Swedish or English text. The **digest** is SHA-256 over the canonical JSON of the
identifying facts (:func:`canonical_facts`: sorted keys, no blanks, UTF-8), so
``kiosk receipt verify`` can rebuild the facts from the journal and the register and
recompute it. Display-only values (office and operator names) are not in the digest.

Journal payloads the receipts read (``kiosk/services/workflows`` writes them):

* every event: ``serial`` or ``card_serial`` (the card), optionally ``holder_id``
  (otherwise the card's holder) and ``office_id`` (otherwise the kiosk's office);
* ``card.returned``; ``card.return_kept`` with ``reason`` (R11's keep-card exception;
  also ``kept`` + ``keep_reason`` on ``card.returned``);
* ``card.blocked``: ``reason`` (a ``BlockReason`` value) and the side duties the clerk
  confirmed, ``duties_confirmed`` (``telia_blocking_line``, ``police_report``; R9);
* ``card.unlocked_in_person`` / ``card.unlocked_with_code_letter`` (or ``card.unlocked``
  with ``method``/``path``): how the card was unlocked (R7);
* ``card.activated`` and the unlocks: ``deviations``, the identity check's deviations the
  clerk continued past with a reason (R1, ``kiosk.domain.deviations``);
* ``card.activated`` and the unlocks in person: ``photo_compared``, what the clerk
  compared the person with (``order_photo`` or ``document_only``);
* ``card.reordered``: ``replaced_by`` (the new card); the receipt always says to cut up
  the first card if it arrives (R3);
* ``card.name_change_recorded`` / ``card.return_due``: ``due`` (the deadline, R10/R11).

Any other payload key is ignored, so a PIN, a PUK or a full personnummer in a payload
can never reach a receipt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kiosk.domain.personnummer import mask_personnummer
from kiosk.domain.undelivered import REORDER_WAIT_DAYS
from kiosk.receipts.errors import ReceiptCardUnknownError
from protocol.event_format import SignedEvent
from protocol.event_types import EventType
from store.cards import card_record, registered_office_name
from store.crypto import FieldCipher
from store.database import Transaction
from store.holders import holder_by_id, operator_name
from store.records import CardRecord, HolderRecord

FACTS_VERSION = 1

#: Events for which the holder signs the receipt with their own card.
HOLDER_SIGNED_EVENTS = frozenset(
    {EventType.CARD_ACTIVATED, EventType.CARD_RETURNED, EventType.CARD_RETURN_KEPT}
)

#: Events the workflows end with a receipt for.
RECEIPT_EVENTS = frozenset(
    {
        EventType.CARD_ACTIVATED,
        EventType.CARD_RETURNED,
        EventType.CARD_RETURN_KEPT,
        EventType.CARD_UNLOCKED,
        EventType.CARD_UNLOCKED_IN_PERSON,
        EventType.CARD_UNLOCKED_WITH_CODE_LETTER,
        EventType.CARD_PIN_CHANGED,
        EventType.ORDER_PIN_LETTER,
        EventType.ORDER_PUK_LETTER,
        EventType.ORDER_CODE_LETTER,
        EventType.ORDER_REPLACEMENT_CARD,
        EventType.CARD_BLOCKED,
        EventType.CARD_REORDERED,
        EventType.CARD_NAME_CHANGE_RECORDED,
        EventType.CARD_RETURN_DUE,
        EventType.ORDER_PLACED,
    }
)

DetailValue = str | bool


@dataclass(frozen=True, repr=False)
class ReceiptFacts:
    """The facts of one receipt. ``repr`` shows no name or personnummer."""

    event_id: str
    event_type: str
    kiosk_id: str
    office_id: str
    occurred_at: str  # the journal's UTC timestamp, 2026-11-28T18:00:00.123456Z
    operator: str | None  # HSA-id
    holder_name: str
    personnummer_masked: str  # YYMMDD-XXXX
    card_serial: str
    product_number: str | None
    details: tuple[tuple[str, DetailValue], ...] = ()  # sorted by name
    office_name: str = field(default="", compare=False)
    operator_name: str = field(default="", compare=False)

    def __repr__(self) -> str:
        return f"ReceiptFacts(event_id={self.event_id!r}, event_type={self.event_type!r})"

    @property
    def needs_holder_signature(self) -> bool:
        return self.event_type in HOLDER_SIGNED_EVENTS

    def identifying(self) -> dict[str, Any]:
        """The facts the digest covers, as a JSON-ready mapping."""
        return {
            "v": FACTS_VERSION,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "kiosk_id": self.kiosk_id,
            "office_id": self.office_id,
            "occurred_at": self.occurred_at,
            "operator": self.operator,
            "holder_name": self.holder_name,
            "personnummer_masked": self.personnummer_masked,
            "card_serial": self.card_serial,
            "product_number": self.product_number,
            "details": dict(self.details),
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.identifying()
        data["office_name"] = self.office_name
        data["operator_name"] = self.operator_name
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReceiptFacts:
        """Inverse of :meth:`to_dict`; raises ``ValueError`` on a wrong shape."""
        try:
            details = data["details"]
            if not isinstance(details, dict) or not all(
                isinstance(v, str | bool) for v in details.values()
            ):
                raise ValueError("details must map names to strings or booleans")
            if int(data["v"]) != FACTS_VERSION:
                raise ValueError("unknown receipt facts version")
            return cls(
                event_id=str(data["event_id"]),
                event_type=str(data["event_type"]),
                kiosk_id=str(data["kiosk_id"]),
                office_id=str(data["office_id"]),
                occurred_at=str(data["occurred_at"]),
                operator=None if data["operator"] is None else str(data["operator"]),
                holder_name=str(data["holder_name"]),
                personnummer_masked=str(data["personnummer_masked"]),
                card_serial=str(data["card_serial"]),
                product_number=None
                if data["product_number"] is None
                else str(data["product_number"]),
                details=tuple(sorted((str(k), v) for k, v in details.items())),
                office_name=str(data.get("office_name", "")),
                operator_name=str(data.get("operator_name", "")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"receipt facts of the wrong shape: {exc}") from None


def canonical_facts(facts: ReceiptFacts) -> bytes:
    """Canonical JSON (sorted keys, compact, UTF-8) of the identifying facts."""
    return json.dumps(
        facts.identifying(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def receipt_digest(facts: ReceiptFacts) -> str:
    """SHA-256 (hex) of :func:`canonical_facts`: what the holder signs."""
    return hashlib.sha256(canonical_facts(facts)).hexdigest()


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))


def _duties(payload: dict[str, Any]) -> set[str]:
    """Confirmed side duties of a block: ``telia`` and/or ``police``."""
    names: set[str] = set()
    for key in ("duties_confirmed", "duties"):
        value = payload.get(key)
        if isinstance(value, list | tuple):
            names.update(str(d) for d in value)
        elif isinstance(value, dict):
            names.update(str(k) for k, v in value.items() if _truthy(v))
    for name in ("telia", "police"):
        for key in (f"{name}_confirmed", f"{name}_told", name):
            if _truthy(payload.get(key)):
                names.add(name)
    return {duty for duty in ("telia", "police") if any(duty in name for name in names)}


_UNLOCK_METHODS: dict[str, str] = {
    EventType.CARD_UNLOCKED_IN_PERSON: "in_person",
    EventType.CARD_UNLOCKED_WITH_CODE_LETTER: "code_letter",
}


PHOTO_COMPARISONS = ("order_photo", "document_only")


def _deviations(payload: dict[str, Any]) -> list[str]:
    """The deviations a reason overrode (``kiosk.domain.deviations``), known names only."""
    from kiosk.domain.deviations import may_override

    value = payload.get("deviations")
    names = value if isinstance(value, list | tuple) else []
    return sorted({str(name) for name in names if may_override(str(name))})


def _text(payload: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def event_details(event_type: str, payload: dict[str, Any]) -> tuple[tuple[str, DetailValue], ...]:
    """The receipt's details from an event payload (an allow-list: nothing else is read)."""
    details: dict[str, DetailValue] = {}
    if event_type == EventType.CARD_RETURNED:
        details["kept"] = _truthy(payload.get("kept"))
        reason = _text(payload, "keep_reason")
        if details["kept"] and reason:
            details["keep_reason"] = reason
    if event_type == EventType.CARD_RETURN_KEPT:
        details["kept"] = True
        reason = _text(payload, "keep_reason", "reason")
        if reason:
            details["keep_reason"] = reason
    if event_type == EventType.CARD_BLOCKED:
        reason = _text(payload, "reason")
        if reason:
            details["reason"] = reason
        for duty in sorted(_duties(payload)):
            details[f"duty_{duty}"] = True
    if event_type.startswith(EventType.CARD_UNLOCKED):
        method = _UNLOCK_METHODS.get(event_type) or _text(payload, "method", "path")
        if method:
            details["method"] = method
    if event_type == EventType.CARD_ACTIVATED or event_type.startswith(EventType.CARD_UNLOCKED):
        for deviation in _deviations(payload):
            details[f"deviation_{deviation}"] = True
        compared = _text(payload, "photo_compared")
        if compared in PHOTO_COMPARISONS:
            details["photo_compared"] = compared
    if event_type == EventType.CARD_REORDERED:
        details["cut_up_first_card"] = True
        new_serial = _text(payload, "replaced_by", "new_serial")
        if new_serial and payload.get("replaced_by_order") is True:
            details["new_order"] = new_serial
        elif new_serial:
            details["new_serial"] = new_serial
    if event_type == EventType.ORDER_PLACED:
        details.update(order_details(payload))
    if event_type in (EventType.CARD_NAME_CHANGE_RECORDED, EventType.CARD_RETURN_DUE):
        due = _text(payload, "due")
        if due:
            details["deadline"] = due
    return tuple(sorted(details.items()))


def event_card_serial(payload: dict[str, Any]) -> str | None:
    for key in ("serial", "card_serial"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def order_details(payload: dict[str, Any]) -> dict[str, DetailValue]:
    """An order's receipt: what was ordered, how it is sent, with or without photo, and
    from when the holder may ask for a new card if nothing arrives (R3)."""
    details: dict[str, DetailValue] = {"with_photo": payload.get("with_photo") is True}
    for name in ("card_kind", "delivery"):
        value = _text(payload, name)
        if value:
            details[name] = value
    try:
        start = _text(payload, "photo_date") if payload.get("with_photo") is True else None
        start = start or _text(payload, "order_date")
        if start:
            first_day = date.fromisoformat(start) + timedelta(days=REORDER_WAIT_DAYS)
            details["reorder_from"] = first_day.isoformat()
    except ValueError:
        pass
    return details


def holder_and_card(
    tx: Transaction, cipher: FieldCipher, event: SignedEvent
) -> tuple[HolderRecord, CardRecord | None]:
    """The holder and the card an event is about (raises :class:`ReceiptCardUnknownError`);
    an order has no card yet."""
    payload = event.payload
    serial = event_card_serial(payload)
    card = card_record(tx, serial) if serial else None
    if card is None and event.event_type == EventType.ORDER_PLACED:
        holder_id = payload.get("holder_id")
        found = holder_by_id(tx, cipher, holder_id) if isinstance(holder_id, str) else None
        if found is None:
            raise ReceiptCardUnknownError(event_id=event.event_id)
        return found, None
    if card is None:
        raise ReceiptCardUnknownError(event_id=event.event_id)
    holder_id = payload.get("holder_id")
    holder = holder_by_id(tx, cipher, holder_id if isinstance(holder_id, str) else card.holder_id)
    if holder is None:
        raise ReceiptCardUnknownError(event_id=event.event_id)
    return holder, card


def facts_for_event(
    tx: Transaction, cipher: FieldCipher, event: SignedEvent, *, office_id: str
) -> ReceiptFacts:
    """Build the facts from an event and the register (inside the caller's transaction)."""
    payload = event.payload
    holder, card = holder_and_card(tx, cipher, event)
    office = str(payload.get("office_id") or office_id)
    office_title = registered_office_name(tx, office)
    operator = operator_name(tx, cipher, event.operator) if event.operator else None
    return ReceiptFacts(
        event_id=event.event_id,
        event_type=event.event_type,
        kiosk_id=event.kiosk_id,
        office_id=office,
        occurred_at=event.occurred_at,
        operator=event.operator,
        holder_name=holder.name,
        personnummer_masked=mask_personnummer(holder.personnummer),
        card_serial=card.serial if card is not None else "",
        product_number=card.product_number if card is not None else None,
        details=event_details(event.event_type, payload),
        office_name=office_title or "",
        operator_name=operator or "",
    )
