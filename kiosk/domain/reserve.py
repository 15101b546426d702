"""R12 reserve cards: which assurance level (LoA2, issued remotely, or LoA3) a card holds."""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.decisions import Notice
from kiosk.domain.types import AssuranceLevel


class ReserveFacts(Protocol):
    """Whether a card is a reserve card and at which level: ``CardFacts`` has both."""

    @property
    def is_reserve(self) -> bool: ...

    @property
    def assurance_level(self) -> AssuranceLevel | None: ...


def assurance_notice(card: ReserveFacts) -> Notice:
    """R12: which assurance level a reserve card holds (LoA2: issued remotely)."""
    if not card.is_reserve:
        return Notice("notice.r12.ordinary")
    if card.assurance_level is AssuranceLevel.LOA2:
        return Notice("notice.r12.reserve_loa2")
    if card.assurance_level is AssuranceLevel.LOA3:
        return Notice("notice.r12.reserve_loa3")
    return Notice("notice.r12.reserve_unknown")
