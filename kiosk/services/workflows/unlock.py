"""PIN unlock at the counter (R6, R7) and ordering PUK codes / code letters.

- 7xx, in person: an id-administrator, at the photo office (or of the holder's own
  organisation), with an approved identity check on a valid physical Swedish document.
  The PUK comes from the encrypted cache (``PukSource``) and goes straight to the card;
  the holder types the new PIN twice; the kiosk unblocks and then verifies the new PIN.
- 5xx/6xx/no product number: the holder types the PUK from the code letter and a new PIN.
- PUK blocked: the card cannot be saved (recorded as ``puk_blocked``); the screen offers
  blocking and a replacement order.
- No code letter (5xx/6xx/none): order a new one (``order.code_letter``); a 7xx holder who
  cannot come in person: order a PUK letter (``order.puk_letter``).

The store may still say ``active`` for a card that the holder locked away from the
counter (R6 happens on the card): the card's own PIN counter decides whether it is locked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from clock import local_date
from devices.card.errors import CardError, PukBlockedError, WrongPukError
from kiosk.domain.decisions import Notice
from kiosk.domain.pin import PUK_TRIES, after_wrong_puk, check_new_pin
from kiosk.domain.roles import Action, require_not_limited
from kiosk.domain.types import CardFacts, CardState, ProductSeries
from kiosk.domain.unlock import (
    UnlockPath,
    check_code_order,
    check_unlock,
    code_order_for,
    unlock_notices,
    unlock_paths,
)
from kiosk.services.card import CardCapability, CardOpener, CardSession, require_capability
from kiosk.services.errors import NoCardInReaderError
from kiosk.services.login import Operator
from kiosk.services.ports import TrustStore
from kiosk.services.visit import Visit
from kiosk.services.workflows.common import (
    Backend,
    Done,
    card_facts,
    deviations_payload,
    load_card,
    office_name,
    require_holders_card,
    require_same_card,
    require_unrevoked_card,
    serial_in_reader,
    set_state,
)
from kiosk.services.workflows.errors import (
    CardCannotBeSavedError,
    CardNotLockedError,
    NewPinNotAcceptedError,
    NotCardPukError,
)
from kiosk.services.workflows.photo_comparison import (
    ComparisonPhoto,
    ShowsComparisonPhoto,
    comparison_photo,
)
from kiosk.services.workflows.puk import PukSource
from kiosk.services.workflows.refusals import journals_refusals
from protocol.event_types import EventType

EVENT_UNLOCKED_IN_PERSON = EventType.CARD_UNLOCKED_IN_PERSON
EVENT_UNLOCKED_CODE_LETTER = EventType.CARD_UNLOCKED_WITH_CODE_LETTER
EVENT_PUK_BLOCKED = EventType.CARD_PUK_BLOCKED
EVENT_ORDER_CODE_LETTER = EventType.ORDER_CODE_LETTER
EVENT_ORDER_PUK_LETTER = EventType.ORDER_PUK_LETTER


@dataclass(frozen=True)
class UnlockPlan(ShowsComparisonPhoto):
    """What the unlock screen shows before anything is typed."""

    serial: str
    series: ProductSeries
    state: CardState
    paths: tuple[UnlockPath, ...]
    notices: tuple[Notice, ...]
    # what refuses the unlock before anyone types (role, place, document, a PUK-blocked card)
    refusal: Exception | None = None
    # in person: the order's photo to compare the holder with (none: the document only)
    comparison: ComparisonPhoto = field(default_factory=ComparisonPhoto)

    @property
    def in_person(self) -> bool:
        return UnlockPath.IN_PERSON in self.paths


def _locked_state(state: CardState) -> CardState:
    """Before the card is read, an ``active`` record may be a card locked at home."""
    return CardState.LOCKED if state is CardState.ACTIVE else state


def _as_locked(facts: CardFacts) -> CardFacts:
    return replace(facts, state=_locked_state(facts.state))


class UnlockService:
    def __init__(
        self,
        services: Backend,
        *,
        card_opener: CardOpener,
        puk_source: PukSource,
        trust: TrustStore | None = None,
    ) -> None:
        """``trust``: the card's certificate is checked against the cached revocation
        lists (in ``plan`` when the card is in the reader, and again before unblocking)."""
        self._s = services
        self._open_card = card_opener
        self._puks = puk_source
        self._trust = trust

    def card_in_reader(self) -> str:
        """The serial of the card the holder put in the customer reader."""
        return serial_in_reader(self._open_card)

    # -- what is possible ----------------------------------------------------------------

    def plan(self, visit: Visit, serial: str) -> UnlockPlan:
        """The path and, before anyone types a PIN, every check that needs no card."""
        facts, photo_office = self._facts(visit, serial)
        self._refuse_revoked_before_pins(serial)
        paths = unlock_paths(facts.series)
        refusal: Exception | None = None
        photo = ComparisonPhoto()
        if UnlockPath.IN_PERSON in paths:
            with self._s.store.unit_of_work() as tx:
                photo = comparison_photo(tx, self._s.store.cipher, serial, visit.require_holder())
        if facts.state is CardState.PUK_BLOCKED:
            refusal = CardCannotBeSavedError(serial=serial)
        elif UnlockPath.IN_PERSON in paths:
            refusal = check_unlock(
                _as_locked(facts),
                UnlockPath.IN_PERSON,
                role=visit.operator.role,
                office_id=visit.operator.office_id,
                same_organisation=visit.same_organisation,
                document=visit.identity_document(),
                today=local_date(self._s.clock()),
                photo_office_name=photo_office,
            ).refusal
        notices = unlock_notices(facts.series)
        return UnlockPlan(serial, facts.series, facts.state, paths, notices, refusal, photo)

    def _refuse_revoked_before_pins(self, serial: str) -> None:
        """Before the holder types a PUK or a new PIN: a revoked card, or a revocation
        list past its grace period, refuses here when the card is already in the reader
        (else the unlock itself checks it, before unblocking)."""
        if self._trust is None:
            return
        try:
            with self._open_card() as card:
                if card.printed_serial() == serial:
                    require_unrevoked_card(card, self._trust, self._s.clock())
        except (NoCardInReaderError, CardError):
            return

    # -- unlocking -----------------------------------------------------------------------

    def _facts(self, visit: Visit, serial: str) -> tuple[CardFacts, str | None]:
        require_not_limited(visit.operator.blocking_only, Action.UNLOCK_WITH_PUK)
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            require_holders_card(record, visit)
            facts = card_facts(record)
            return facts, office_name(tx, facts.photo_office_id)

    def _require_locked(self, card: CardSession, serial: str) -> None:
        """The card can be unblocked here, and its own PIN counter says it is locked."""
        require_capability(card, CardCapability.UNBLOCK_PIN)
        state = card.pin_state()
        if not state.locked:
            tries = "-" if state.tries_left is None else state.tries_left
            raise CardNotLockedError(serial=serial, tries_left=tries)

    def _unblock(
        self, card: CardSession, visit: Visit, serial: str, puk: str, new_pin: str
    ) -> None:
        try:
            card.unblock_pin(puk, new_pin)
        except WrongPukError as exc:
            if not exc.state.locked:
                raise NotCardPukError(state=exc.state, kind=exc.kind) from None
            self._record_puk_blocked(visit, serial)
            raise CardCannotBeSavedError(serial=serial, kind=exc.kind) from None
        except PukBlockedError as exc:
            self._record_puk_blocked(visit, serial)
            raise CardCannotBeSavedError(serial=serial, kind=exc.kind) from None

    def _record_puk_blocked(self, visit: Visit, serial: str) -> None:
        """The card has used up its PUK tries, so the record is PUK-blocked too (an
        ``active`` record is a card that was locked at home)."""
        self._s.record_card_state(
            visit.operator.hsa_id,
            serial,
            EVENT_PUK_BLOCKED,
            lambda state: after_wrong_puk(_locked_state(state), wrong_in_row=PUK_TRIES),
        )

    def _new_pin_accepted(self, card: CardSession, new_pin: str) -> bool:
        try:
            card.verify_pin(new_pin)
        except CardError:
            return False
        return True

    def _unblock_and_record(
        self,
        card: CardSession,
        visit: Visit,
        serial: str,
        puk: str,
        new_pin: str,
        *,
        event_type: EventType,
        path: UnlockPath,
    ) -> Done:
        """Unblock, check the new PIN, record. Once the card has unblocked, its event is
        written whatever the check says (a card pulled now leaves no unrecorded change);
        a failed check is journaled and shown to the clerk as a notice."""
        self._unblock(card, visit, serial, puk, new_pin)
        verified = self._new_pin_accepted(card, new_pin)
        done = self._record_unlock(visit, serial, event_type, path, verified=verified)
        if verified:
            return done
        failed = NewPinNotAcceptedError()
        return replace(done, notices=(Notice(failed.key), Notice(str(failed.hint_key))))

    def _record_unlock(
        self,
        visit: Visit,
        serial: str,
        event_type: EventType,
        path: UnlockPath,
        *,
        verified: bool,
    ) -> Done:
        now = self._s.clock()
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            compared: dict[str, str] = {}
            if path is UnlockPath.IN_PERSON:
                photo = comparison_photo(tx, self._s.store.cipher, serial, record.holder_id)
                compared["photo_compared"] = photo.compared
            set_state(tx, serial, CardState.ACTIVE, now)
            event_id = self._s.append(
                tx,
                visit.operator.hsa_id,
                event_type,
                {
                    "serial": serial,
                    "path": path.value,
                    "office_id": visit.operator.office_id,
                    "new_pin_verified": verified,
                    "state": CardState.ACTIVE.value,
                    **compared,
                    **deviations_payload(visit),
                },
            )
        return Done(event_id, serial, CardState.ACTIVE)

    @journals_refusals("unlock")
    def unlock_in_person(self, visit: Visit, serial: str, new_pin: str, repeated: str) -> Done:
        """R7 (a): 7xx, id-administrator, Swedish document, PUK from the cache."""
        facts, photo_office = self._facts(visit, serial)
        check_unlock(
            _as_locked(facts),
            UnlockPath.IN_PERSON,
            role=visit.operator.role,
            office_id=visit.operator.office_id,
            same_organisation=visit.same_organisation,
            document=visit.identity_document(),
            today=local_date(self._s.clock()),
            photo_office_name=photo_office,
        ).require()
        check_new_pin(new_pin, repeated)
        with self._open_card() as card:
            require_same_card(card, serial)
            require_unrevoked_card(card, self._trust, self._s.clock())
            self._require_locked(card, serial)
            puk = self._puks.puk_for(serial, role=visit.operator.role)
            return self._unblock_and_record(
                card,
                visit,
                serial,
                puk,
                new_pin,
                event_type=EVENT_UNLOCKED_IN_PERSON,
                path=UnlockPath.IN_PERSON,
            )

    @journals_refusals("unlock")
    def unlock_with_code_letter(
        self, visit: Visit, serial: str, puk: str, new_pin: str, repeated: str
    ) -> Done:
        """R7: 5xx/6xx/none, the PUK from the code letter typed by the holder."""
        facts, _ = self._facts(visit, serial)
        check_unlock(
            _as_locked(facts),
            UnlockPath.CODE_LETTER,
            role=visit.operator.role,
            office_id=visit.operator.office_id,
        ).require()
        check_new_pin(new_pin, repeated)
        with self._open_card() as card:
            require_same_card(card, serial)
            require_unrevoked_card(card, self._trust, self._s.clock())
            self._require_locked(card, serial)
            return self._unblock_and_record(
                card,
                visit,
                serial,
                puk,
                new_pin,
                event_type=EVENT_UNLOCKED_CODE_LETTER,
                path=UnlockPath.CODE_LETTER,
            )

    # -- orders --------------------------------------------------------------------------

    def _order(self, operator: Operator, serial: str, series_7xx: bool) -> Done:
        with self._s.store.unit_of_work() as tx:
            record = load_card(tx, serial)
            facts = card_facts(record)
            check_code_order(facts, role=operator.role).require()
            order = code_order_for(facts.series)
            wanted_7xx = facts.series is ProductSeries.S7
            if wanted_7xx != series_7xx:
                from kiosk.errors import UnlockNeedsCodeLetterError, UnlockNotByCodeLetterError

                if wanted_7xx:
                    raise UnlockNotByCodeLetterError()
                raise UnlockNeedsCodeLetterError(series=facts.series.value)
            event_type = EVENT_ORDER_PUK_LETTER if series_7xx else EVENT_ORDER_CODE_LETTER
            event_id = self._s.append(
                tx,
                operator.hsa_id,
                event_type,
                {
                    "serial": serial,
                    "holder_id": record.holder_id,
                    "order": order.value,
                    "office_id": operator.office_id,
                },
            )
        return Done(event_id, serial, None)

    @journals_refusals("code_letter_order")
    def order_code_letter(self, operator: Operator, serial: str) -> Done:
        """R7: a 5xx/6xx/none holder lost the code letter: order a new one (id-admin)."""
        return self._order(operator, serial, series_7xx=False)

    @journals_refusals("puk_letter_order")
    def order_puk_letter(self, operator: Operator, serial: str) -> Done:
        """R7 (b): a 7xx holder who cannot come in person gets a PUK letter (id-admin)."""
        return self._order(operator, serial, series_7xx=True)
