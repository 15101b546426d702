"""Card facts from the back of the card, where the register lacks them (R7, R9, R12).

The product number (R7 unlock paths, R9 blocking duties) and a reserve card's assurance
level (R12) come from the register by card number: no chip object carries them. Where the
register has none, the clerk reads them from the back of the card and types each twice;
``enter`` checks both entries (they must match and be valid) before it writes anything,
then writes the facts and their ``card.facts_entered`` event in one transaction. The event
names the operator who typed them, and the central fills its register in from it, so that
the next kiosk that meets the card finds them there. What the register already has is
never retyped.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.card_facts import entered_assurance_level, entered_product_number
from kiosk.errors import CardFactAlreadyKnownError
from kiosk.services.login import Operator
from kiosk.services.workflows.common import Backend, Done, load_card
from protocol.event_types import EventType
from store import cards

EVENT_FACTS_ENTERED = EventType.CARD_FACTS_ENTERED
SOURCE_BACK_OF_CARD = "back_of_card"


@dataclass(frozen=True)
class MissingCardFacts:
    """What the register lacks for a card: the clerk reads it from the back of the card.
    ``assurance_level`` is asked of reserve cards only (R12)."""

    serial: str
    product_number: bool
    assurance_level: bool

    @property
    def any(self) -> bool:
        return self.product_number or self.assurance_level


@dataclass(frozen=True)
class TypedTwice:
    """One fact as the clerk typed it, twice."""

    first: str
    second: str


class CardFactsService:
    """``missing`` says what to ask; ``enter`` writes what the clerk typed twice."""

    def __init__(self, services: Backend) -> None:
        self._s = services

    def missing(self, serial: str) -> MissingCardFacts:
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
        return MissingCardFacts(
            serial,
            product_number=record.product_number is None,
            assurance_level=record.is_reserve and record.assurance_level is None,
        )

    def enter(
        self,
        operator: Operator,
        serial: str,
        *,
        product_number: TypedTwice | None = None,
        assurance_level: TypedTwice | None = None,
    ) -> Done:
        """Check and write the facts typed twice (each optional); refuses a fact the
        register already has, and writes nothing unless every given fact is valid."""
        number = (
            entered_product_number(product_number.first, product_number.second)
            if product_number is not None
            else None
        )
        level = (
            entered_assurance_level(assurance_level.first, assurance_level.second).value
            if assurance_level is not None
            else None
        )
        if number is None and level is None:
            raise ValueError("enter needs a product number or an assurance level")
        now = self._s.clock()
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            if number is not None and record.product_number is not None:
                raise CardFactAlreadyKnownError()
            if level is not None and record.assurance_level is not None:
                raise CardFactAlreadyKnownError()
            cards.set_card_facts(tx, serial, at=now, product_number=number, assurance_level=level)
            event_id = self._s.append(
                tx,
                operator.hsa_id,
                EVENT_FACTS_ENTERED,
                {
                    "serial": serial,
                    "product_number": number,
                    "assurance_level": level,
                    "office_id": operator.office_id,
                    "source": SOURCE_BACK_OF_CARD,
                },
            )
        return Done(event_id, serial, None)
