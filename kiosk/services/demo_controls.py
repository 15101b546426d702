"""The demo's hands at the counter: demo cards and documents by id, put into the
in-process virtual readers (``kiosk.services.device_adapters.InProcessReaders``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.services.ports import DemoItem, ReaderRole

if TYPE_CHECKING:
    from devices.virtual.card import VirtualPivCard
    from kiosk.services.device_adapters import InProcessReaders


@dataclass(frozen=True)
class DemoCard:
    item_id: str
    label: str
    card: VirtualPivCard
    code_letter_puk: str | None = field(default=None, repr=False)  # 5xx/6xx/none only


@dataclass(frozen=True)
class DemoDocument:
    item_id: str
    label: str
    zone_text: str


class InProcessDemo:
    """``DemoControls`` over ``InProcessReaders``: demo cards and documents by id."""

    def __init__(
        self,
        readers: InProcessReaders,
        cards: Sequence[DemoCard],
        documents: Sequence[DemoDocument],
    ) -> None:
        self._readers = readers
        self._cards = {c.item_id: c for c in cards}
        self._documents = {d.item_id: d for d in documents}

    def add_card(self, card: DemoCard) -> None:
        """A new demo card (one the demo's central produced); safe from any thread."""
        self._cards = {**self._cards, card.item_id: card}

    def cards(self) -> Sequence[DemoItem]:
        return [DemoItem(c.item_id, c.label, c.code_letter_puk) for c in self._cards.values()]

    def documents(self) -> Sequence[DemoItem]:
        return [DemoItem(d.item_id, d.label) for d in self._documents.values()]

    def virtual_card(self, item_id: str) -> VirtualPivCard:
        return self._cards[item_id].card

    def insert(self, role: ReaderRole, item_id: str) -> None:
        self._readers.insert(role, self._cards[item_id].card)

    def remove(self, role: ReaderRole) -> None:
        self._readers.remove(role)

    def scan(self, item_id: str) -> None:
        self._readers.scan(self._documents[item_id].zone_text)
