"""Changing the PIN with the current PIN (R8); three wrong PINs in a record lock the card (R6).

The new PIN is typed twice and checked against the PIN policy before the card is
touched. No PIN is kept, logged or put into an error or the journal.
"""

from __future__ import annotations

from devices.card.errors import PinLockedError, WrongPinError
from kiosk.domain.pin import (
    PIN_TRIES,
    after_wrong_pin,
    check_pin_change,
    check_pin_change_allowed,
)
from kiosk.domain.roles import Action, require_not_limited, require_role
from kiosk.domain.types import CardState
from kiosk.services.card import CardOpener
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import (
    Backend,
    Done,
    card_facts,
    load_card,
    require_holders_card,
    require_same_card,
    serial_in_reader,
    touch_card,
)
from kiosk.services.workflows.errors import PinNowLockedError, WrongCurrentPinError
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType

EVENT_PIN_CHANGED = EventType.CARD_PIN_CHANGED
EVENT_PIN_LOCKED = EventType.CARD_PIN_LOCKED


class PinChangeService:
    def __init__(self, services: Backend, *, card_opener: CardOpener) -> None:
        self._s = services
        self._open_card = card_opener

    def card_in_reader(self) -> str:
        """The serial of the card the holder put in the customer reader."""
        return serial_in_reader(self._open_card)

    @journals_refusals("pin_change")
    def check_before_typing(self, visit: Visit, serial: str) -> None:
        """Every check that needs neither the card nor a PIN (who may, whose card, its
        state): the screen runs it before the holder types anything; raises the refusal."""
        self._card_state(visit, serial)

    def _card_state(self, visit: Visit, serial: str) -> CardState:
        require_role(visit.operator.role, Action.CHANGE_PIN)
        require_not_limited(visit.operator.blocking_only, Action.CHANGE_PIN)
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            require_holders_card(record, visit)
            state = card_facts(record).state
        check_pin_change_allowed(state)
        return state

    @journals_refusals("pin_change")
    def change_pin(
        self, visit: Visit, serial: str, current_pin: str, new_pin: str, repeated: str
    ) -> Done:
        state = self._card_state(visit, serial)
        check_pin_change(state, current_pin, new_pin, repeated)
        with self._open_card() as card:
            require_same_card(card, serial)
            try:
                card.change_pin(current_pin, new_pin)
            except WrongPinError as exc:
                if not exc.state.locked:
                    raise WrongCurrentPinError(state=exc.state, kind=exc.kind) from None
                self._record_locked(visit, serial)
                raise PinNowLockedError(serial=serial, kind=exc.kind) from None
            except PinLockedError as exc:
                self._record_locked(visit, serial)
                raise PinNowLockedError(serial=serial, kind=exc.kind) from None
        with self._s.store.unit_of_work() as tx:
            load_card(tx, serial)
            touch_card(tx, serial, self._s.clock())
            event_id = self._s.append(
                tx, visit.operator.hsa_id, EVENT_PIN_CHANGED, {"serial": serial}
            )
        return Done(event_id, serial, CardState.ACTIVE)

    def _record_locked(self, visit: Visit, serial: str) -> None:
        """R6: the card has used up its PIN tries, so the record is locked too."""
        self._s.record_card_state(
            visit.operator.hsa_id,
            serial,
            EVENT_PIN_LOCKED,
            lambda state: after_wrong_pin(state, wrong_in_row=PIN_TRIES),
        )
