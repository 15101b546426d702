"""R5 signing certificate: present on the card, or downloaded by hand via Mina sidor."""

from __future__ import annotations

from kiosk.domain.decisions import Notice
from kiosk.domain.types import CardFacts


def signing_cert_notice(card: CardFacts) -> Notice:
    """R5: whether the card has a signing certificate, and where to get one (Mina sidor)."""
    if card.has_signing_cert:
        return Notice("notice.r5.signing_present")
    return Notice("notice.r5.signing_missing")
