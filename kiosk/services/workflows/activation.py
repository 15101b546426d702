"""Activation at the counter (R2, with R1 and R3).

The card must have been shipped to the holder of this visit, photographed at this office
(else the refusal names the office to go to), and the visit must have an approved identity
check with a valid physical document; the card's certificate must not be revoked in the
cached revocation lists, nor the list be past its grace period. A card replaced by a
reorder is refused with "blocked: cut it up and throw it away". The state change and the
``card.activated`` event are written in one transaction.

A card whose holder chooses the code (``holder_chooses_code``) is activated with a
:class:`HolderCode`: the card's initial code and the new code typed twice. The new code is
checked against the PIN policy before the card is touched, then set on the card from the
initial code, then the card is activated. No code is kept, logged or journaled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from kiosk.domain.activation import check_activation
from kiosk.domain.decisions import Decision
from kiosk.domain.orders import OrderState
from kiosk.domain.pin import check_holder_chosen_code
from kiosk.domain.roles import Action, require_not_limited, require_role
from kiosk.domain.types import CardState
from kiosk.services.card import CardOpener, CardSession
from kiosk.services.ports import TrustStore
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import (
    Backend,
    Done,
    card_facts,
    deviations_payload,
    load_card,
    office_name,
    require_same_card,
    require_unrevoked_card,
    set_state,
)
from kiosk.services.workflows.errors import (
    HolderCodeNeededError,
    PinNowLockedError,
    WrongInitialCodeError,
)
from kiosk.services.workflows.photo_comparison import (
    ComparisonPhoto,
    ShowsComparisonPhoto,
    comparison_photo,
)
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType
from store import orders as order_store

EVENT_ACTIVATED = EventType.CARD_ACTIVATED


@dataclass(frozen=True)
class ActivationCheck(ShowsComparisonPhoto):
    serial: str
    decision: Decision
    #: The holder sets the card's code at activation (ask for a :class:`HolderCode`).
    holder_chooses_code: bool = False
    comparison: ComparisonPhoto = field(default_factory=ComparisonPhoto)


@dataclass(frozen=True, repr=False)
class HolderCode:
    """The codes the holder types at activation; never in a repr, a log or an error."""

    initial: str = field(repr=False)
    new: str = field(repr=False)
    repeated: str = field(repr=False)

    def __repr__(self) -> str:
        return "HolderCode(***)"


class ActivationService:
    """``check`` says whether a card may be activated now; ``activate`` does it."""

    def __init__(
        self,
        services: Backend,
        *,
        card_opener: CardOpener | None = None,
        trust: TrustStore | None = None,
    ) -> None:
        """``trust``: the card's certificate is checked against the cached revocation
        lists before the card is activated (with a card opener)."""
        self._s = services
        self._open_card = card_opener
        self._trust = trust

    @journals_refusals("activation", returned=lambda check: check.decision.refusal)
    def check(self, visit: Visit, serial: str) -> ActivationCheck:
        """The R2 decision for ``serial`` in this visit; writes nothing."""
        require_role(visit.operator.role, Action.ACTIVATE)
        require_not_limited(visit.operator.blocking_only, Action.ACTIVATE)
        holder_id = visit.require_holder()
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            facts = card_facts(record)
            photo_office = office_name(tx, facts.photo_office_id)
            photo = comparison_photo(tx, self._s.store.cipher, serial, holder_id)
        decision = check_activation(
            facts,
            holder_id=holder_id,
            office_id=visit.operator.office_id,
            document=visit.identity_document(),
            today=local_date(self._s.clock()),
            photo_office_name=photo_office,
        )
        return ActivationCheck(
            serial, decision, holder_chooses_code=facts.holder_chooses_code, comparison=photo
        )

    @journals_refusals("activation")
    def activate(self, visit: Visit, serial: str, code: HolderCode | None = None) -> Done:
        """Activate ``serial`` (raises the refusal). With a card opener, the card in the
        customer reader must be this card, its certificate not revoked. A card whose
        holder chooses the code needs ``code`` and the card: the new code is checked
        against the PIN policy first, then set on the card from the initial code."""
        checked = self.check(visit, serial)
        checked.decision.require()
        if checked.holder_chooses_code:
            if code is None or self._open_card is None:
                raise HolderCodeNeededError(serial=serial)
            check_holder_chosen_code(code.initial, code.new, code.repeated)
        if self._open_card is not None:
            with self._open_card() as card:
                require_same_card(card, serial)
                require_unrevoked_card(card, self._trust, self._s.clock())
                if checked.holder_chooses_code and code is not None:
                    _set_holder_code(card, serial, code)
        now = self._s.clock()
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            # re-checked inside the transaction: nothing changed since ``check``
            check_activation(
                card_facts(record),
                holder_id=visit.require_holder(),
                office_id=visit.operator.office_id,
                document=visit.identity_document(),
                today=local_date(now),
            ).require()
            set_state(tx, serial, CardState.ACTIVE, now)
            order = order_store.order_for_card(tx, serial)
            if order is not None:  # the order is done at once, not when the central says so
                order_store.set_order_state(
                    tx, order.order_id, state=OrderState.ACTIVATED.value, at=now
                )
            event_id = self._s.append(
                tx,
                visit.operator.hsa_id,
                EVENT_ACTIVATED,
                {
                    "serial": serial,
                    "holder_id": record.holder_id,
                    "office_id": visit.operator.office_id,
                    "state": CardState.ACTIVE.value,
                    "photo_compared": checked.photo_compared,
                    **deviations_payload(visit),
                },
            )
        return Done(event_id, serial, CardState.ACTIVE)


def _set_holder_code(card: CardSession, serial: str, code: HolderCode) -> None:
    """Change the card's reference data from the initial code to the holder's code."""
    try:
        card.change_pin(code.initial, code.new)
    except WrongPinError as exc:
        if not exc.state.locked:
            raise WrongInitialCodeError(state=exc.state, kind=exc.kind) from None
        raise PinNowLockedError(serial=serial, kind=exc.kind) from None
    except PinLockedError as exc:
        raise PinNowLockedError(serial=serial, kind=exc.kind) from None
