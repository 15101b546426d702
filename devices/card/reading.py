"""``read_card``: one call that reads what a card test (R13) and the counter screens show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from devices.card.certs import CertificateSummary, ChainStatus, TrustAnchors, summarize
from devices.card.piv import PivSession, Slot


@dataclass(frozen=True)
class CardReading:
    """A plain snapshot of a card; no PIN, PUK, identifier or name in its repr. The product
    number (R7) and a reserve card's assurance level (R12) are not on the chip: the kiosk
    takes them from the register by card number."""

    serial: str  # printed card serial number, or the CHUID GUID when the card has none
    guid: str
    certificates: tuple[CertificateSummary, ...]
    chain: ChainStatus  # of the authentication certificate (9A)
    pin_tries_left: int | None  # None: PIN already verified in this session
    holder_identifier: str | None = field(repr=False, default=None)
    holder_name: str | None = field(repr=False, default=None)

    @property
    def has_signing_certificate(self) -> bool:
        """R5: the card test says whether a signing certificate (9C) is present."""
        return any(c.slot == Slot.SIGNATURE for c in self.certificates)

    @property
    def pin_locked(self) -> bool:
        return self.pin_tries_left == 0

    @property
    def certificates_ok(self) -> bool:
        """R13: every certificate on the card is valid and chains to the anchors."""
        return bool(self.certificates) and all(c.chain is ChainStatus.OK for c in self.certificates)

    def certificate(self, slot: Slot) -> CertificateSummary | None:
        for summary in self.certificates:
            if summary.slot == slot:
                return summary
        return None


def read_card(session: PivSession, anchors: TrustAnchors, *, now: dt.datetime) -> CardReading:
    """CHUID, printed information, the four certificates, chain checks and PIN tries."""
    chuid = session.read_chuid()
    printed = session.read_printed_info()
    summaries = [
        summarize(int(slot), cert, anchors, now)
        for slot, cert in session.read_certificates().items()
        if cert is not None
    ]
    auth = next((s for s in summaries if s.slot == Slot.AUTHENTICATION), None)
    guid = chuid.guid.hex.upper() if chuid else ""
    serial = (printed.card_serial if printed else None) or guid
    return CardReading(
        serial=serial,
        guid=guid,
        certificates=tuple(summaries),
        chain=auth.chain if auth else ChainStatus.MISSING,
        pin_tries_left=session.pin_retries(),
        holder_identifier=auth.holder_identifier if auth else None,
        holder_name=auth.holder_name if auth else None,
    )
