"""Personalise virtual cards: holder, product number series, PIN, PUK, certificates, LoA.

PUK rules (R7): for 7xx cards the PUK is derived per card from the card-management master
secret (``derive_puk``), so the central side can release it for an unlock; for 5xx, 6xx
and cards without a product number it is random and exists only on the code letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Literal

from cryptography.hazmat.primitives.serialization import Encoding

from devices.card.apdu import tlv
from devices.card.errors import InvalidPinFormatError
from devices.card.piv import (
    CHUID_EXPIRY,
    CHUID_FASCN,
    CHUID_GUID,
    OBJECT_CHUID,
    OBJECT_PRINTED_INFO,
    PRINTED_CARD_SERIAL,
    PRINTED_EXPIRY,
    PRINTED_ISSUER,
    PRINTED_NAME,
    Slot,
)
from devices.virtual.card import VirtualPivCard
from devices.virtual.pki import HolderCredentials, KeyType, TestPki, Variant

ProductSeries = Literal["5xx", "6xx", "7xx", "none"]
AssuranceLevel = Literal["LoA2", "LoA3"]

DEFAULT_PIN = "123456"
# The demo's card-management master secret (the central side derives 7xx PUKs with it too).
DEMO_MASTER_SECRET = b"demo-card-management-master-secret"
TEST_PERSONNUMMER = "191212121212"  # Skatteverket's published test number (Tolvan)
TEST_NAME = "Tolvan Tolvansson"
_GUID_NAMESPACE = uuid.UUID("6f0c6d2e-3b7a-5a55-9e2f-6b1f5d0f4a11")


def derive_puk(master_secret: bytes, card_serial: str) -> str:
    """The 8-digit PUK of a 7xx card: HMAC-SHA256(master secret, card serial) → digits."""
    mac = hmac.new(master_secret, b"siths-puk:" + card_serial.encode("ascii"), hashlib.sha256)
    return f"{int.from_bytes(mac.digest()[:8], 'big') % 100_000_000:08d}"


def guid_for_serial(card_serial: str) -> uuid.UUID:
    return uuid.uuid5(_GUID_NAMESPACE, card_serial)


def _cert_object(cred_der: bytes) -> bytes:
    return tlv(0x70, cred_der) + tlv(0x71, b"\x00") + tlv(0xFE, b"")


@dataclass(frozen=True)
class PersonalisedCard:
    """A virtual card and what was printed with it. PIN/PUK stay out of ``repr``."""

    card: VirtualPivCard
    serial: str
    guid: uuid.UUID
    product_number: str | None
    assurance_level: AssuranceLevel | None
    holder: HolderCredentials
    pin: str = field(repr=False)
    puk: str = field(repr=False)
    code_letter: str | None = field(repr=False)
    #: The holder sets the code at activation; ``pin`` is then the card's initial code.
    holder_chosen_code: bool = False

    @property
    def product_series(self) -> ProductSeries:
        first = (self.product_number or "")[:1]
        return {"5": "5xx", "6": "6xx", "7": "7xx"}.get(first, "none")  # type: ignore[return-value]


def code_letter_text(serial: str, puk: str, *, lang: str = "sv") -> str:
    """The code letter that comes with a 5xx / 6xx / no-number card (R7)."""
    if lang == "en":
        return (
            "CODE LETTER - e-service card\n"
            f"Card number: {serial}\n"
            f"PUK code: {puk}\n"
            "Keep this letter apart from the card. You need the PUK code to unlock a\n"
            "locked card.\n"
        )
    return (
        "KODBREV - e-tjänstekort\n"
        f"Kortnummer: {serial}\n"
        f"PUK-kod: {puk}\n"
        "Förvara brevet åtskilt från kortet. PUK-koden behövs för att låsa upp ett\n"
        "spärrat (låst) kort.\n"
    )


class CardFactory:
    """Makes personalised virtual cards from one test PKI and one master secret."""

    def __init__(self, pki: TestPki, *, master_secret: bytes) -> None:
        self.pki = pki
        self._master = master_secret

    def __repr__(self) -> str:
        return "CardFactory()"

    def personalise(
        self,
        *,
        holder_id: str = TEST_PERSONNUMMER,
        name: str = TEST_NAME,
        product: ProductSeries = "7xx",
        product_number: str | None = None,
        pin: str = DEFAULT_PIN,
        puk: str | None = None,
        signing: bool = True,
        key_type: KeyType = "p256",
        variant: Variant = "ok",
        reserve: AssuranceLevel | None = None,
        serial: str | None = None,
        piv_applet: bool = True,
        holder: HolderCredentials | None = None,
        holder_chosen_code: bool = False,
    ) -> PersonalisedCard:
        """A new card; ``puk`` overrides the series rule (tests and the demo command).

        ``holder_chosen_code``: a card whose holder sets the code at activation (as the
        SITHS eID portal's cards); ``pin`` is its initial code, from the PIN letter."""
        if not (pin.isascii() and pin.isdigit() and 6 <= len(pin) <= 8):
            raise InvalidPinFormatError()
        if puk is not None and not (puk.isascii() and puk.isdigit() and len(puk) == 8):
            raise InvalidPinFormatError()
        card_serial = serial or f"97522690{secrets.randbelow(10**8):08d}"
        if product_number is None and product != "none":
            product_number = f"{product[0]}{secrets.randbelow(100):02d}"
        if product_number is not None and product_number[:1] == "7":
            puk_code = puk or derive_puk(self._master, card_serial)
            letter = None
        else:
            puk_code = puk or f"{secrets.randbelow(10**8):08d}"
            letter = code_letter_text(card_serial, puk_code)
        credentials = holder or self.pki.issue_holder(
            holder_id,
            name,
            signing=signing,
            variant=variant,
            key_type=key_type,
            card_number=card_serial,
        )
        guid = guid_for_serial(card_serial)
        expiry = (self.pki.now + dt.timedelta(days=5 * 365)).strftime("%Y%m%d")
        objects: dict[int, bytes] = {
            OBJECT_CHUID: tlv(CHUID_FASCN, bytes(25))
            + tlv(CHUID_GUID, guid.bytes)
            + tlv(CHUID_EXPIRY, expiry.encode())
            + tlv(0x3E, b"")
            + tlv(0xFE, b""),
        }
        printed = (
            tlv(PRINTED_NAME, name.encode("utf-8")[:125])
            + tlv(PRINTED_EXPIRY, expiry.encode())
            + tlv(PRINTED_CARD_SERIAL, card_serial.encode())
            + tlv(PRINTED_ISSUER, b"SITHS TEST")
        )
        objects[OBJECT_PRINTED_INFO] = printed + tlv(0xFE, b"")
        keys = {}
        for slot_number, cred in credentials.slots().items():
            objects[Slot(slot_number).object_id] = _cert_object(
                cred.cert.public_bytes(Encoding.DER)
            )
            keys[slot_number] = cred.key
        card = VirtualPivCard(
            objects=objects, keys=keys, pin=pin, puk=puk_code, piv_applet=piv_applet
        )
        return PersonalisedCard(
            card=card,
            serial=card_serial,
            guid=guid,
            product_number=product_number,
            assurance_level=reserve,
            holder=credentials,
            pin=pin,
            puk=puk_code,
            code_letter=letter,
            holder_chosen_code=holder_chosen_code,
        )
