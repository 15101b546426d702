"""R5 signing certificate: present on the card, or downloaded by hand via Mina sidor."""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.decisions import Notice


class SigningFacts(Protocol):
    """Whatever knows whether a card carries a signing certificate: the card's record
    (``CardFacts``) or what a card check read from the card (``CardTestFacts``)."""

    @property
    def has_signing_cert(self) -> bool: ...


def signing_cert_notice(card: SigningFacts) -> Notice:
    """R5: whether the card has a signing certificate, and where to get one (Mina sidor)."""
    if card.has_signing_cert:
        return Notice("notice.r5.signing_present")
    return Notice("notice.r5.signing_missing")
