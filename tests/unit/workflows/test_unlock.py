"""PIN unlock (R6, R7) and code orders, on in-process virtual cards (the real PIV engine)."""

from __future__ import annotations

import contextlib

import pytest

from devices.card.errors import PinError, PinLockedError, WrongPinError
from devices.card.piv import PivSession
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import PersonalisedCard
from kiosk.domain.pin import PUK_TRIES
from kiosk.domain.types import Role
from kiosk.errors import (
    ActionNotPermittedError,
    DocumentNotSwedishError,
    IdentityCheckMissingError,
    PinRepeatMismatchError,
    PinTooSimpleError,
    PukBlockedCannotUnlockError,
    UnlockNeedsCodeLetterError,
    UnlockNotByCodeLetterError,
    UnlockWrongPlaceError,
)
from kiosk.services.workflows.errors import (
    CardCannotBeSavedError,
    CardNotLockedError,
    NotCardPukError,
    PukNotAvailableError,
    PukNotCachedOfflineError,
)
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from store.puk_cache import put_puk
from store.sync.errors import CentralUnreachableError
from tests.support.world import (
    NEW_PIN,
    OTHER_OFFICE,
    World,
    operator,
)


def service(world: World, refresh: object = None) -> UnlockService:
    return UnlockService(
        world.services,
        card_opener=world.opener(),
        puk_source=CachedPukSource(world.store, refresh=refresh),  # type: ignore[arg-type]
    )


def locked_card(
    world: World, serial: str, product_number: str | None = "701", **kw: object
) -> PersonalisedCard:
    made = world.card(world.spec(serial, state="active", product_number=product_number), **kw)  # type: ignore[arg-type]
    world.lock(made)
    world.insert(made)
    return made


def pin_works(made: PersonalisedCard, pin: str) -> bool:
    try:
        PivSession(InProcessConnection(made.card)).verify_pin(pin)
    except (WrongPinError, PinLockedError):  # the card refused the PIN; anything else is a failure
        return False
    return True


def test_r7_in_person_unlock_7xx_with_cached_puk(world: World) -> None:
    made = locked_card(world, "U701")
    done = service(world).unlock_in_person(world.visit(Role.ID_ADMIN), "U701", NEW_PIN, NEW_PIN)
    assert pin_works(made, NEW_PIN)
    assert world.state("U701") == "active"
    events = world.events()
    assert [e[0] for e in events] == ["card.unlocked_in_person"]
    assert done.event_id
    # the PUK and the PIN are nowhere in the journal
    text = repr(events)
    assert made.puk not in text and NEW_PIN not in text


def test_r7_in_person_unlock_is_for_id_admins_only(world: World) -> None:
    made = locked_card(world, "U702")
    with pytest.raises(ActionNotPermittedError):
        service(world).unlock_in_person(world.visit(Role.CLERK), "U702", NEW_PIN, NEW_PIN)
    assert made.card.pin_tries_left == 0 and world.events() == []


def test_r1_in_person_unlock_needs_swedish_document(world: World) -> None:
    locked_card(world, "U703")
    with pytest.raises(DocumentNotSwedishError):
        service(world).unlock_in_person(
            world.visit(Role.ID_ADMIN, document=world.foreign_passport), "U703", NEW_PIN, NEW_PIN
        )
    with pytest.raises(IdentityCheckMissingError):
        service(world).unlock_in_person(
            world.visit(Role.ID_ADMIN, document=None), "U703", NEW_PIN, NEW_PIN
        )


def test_r7_in_person_unlock_at_photo_office_or_own_organisation(world: World) -> None:
    made = locked_card(world, "U704")
    elsewhere = world.visit(Role.ID_ADMIN, office=OTHER_OFFICE)
    with pytest.raises(UnlockWrongPlaceError):
        service(world).unlock_in_person(elsewhere, "U704", NEW_PIN, NEW_PIN)
    own_org = world.visit(Role.ID_ADMIN, office=OTHER_OFFICE, same_organisation=True)
    service(world).unlock_in_person(own_org, "U704", NEW_PIN, NEW_PIN)
    assert pin_works(made, NEW_PIN)


def test_r7_puk_not_cached_and_central_unreachable_says_so(world: World) -> None:
    made = locked_card(world, "U705", cache_puk=False)
    with pytest.raises(PukNotCachedOfflineError):
        service(world).unlock_in_person(world.visit(Role.ID_ADMIN), "U705", NEW_PIN, NEW_PIN)

    def unreachable() -> bool:
        raise CentralUnreachableError(url="https://central.invalid")

    with pytest.raises(PukNotCachedOfflineError):
        service(world, unreachable).unlock_in_person(
            world.visit(Role.ID_ADMIN), "U705", NEW_PIN, NEW_PIN
        )
    assert made.card.pin_tries_left == 0 and world.state("U705") == "active"


def test_r7_puk_pulled_from_central_when_not_cached(world: World) -> None:
    made = locked_card(world, "U706", cache_puk=False)

    def pull() -> bool:  # the central releases the PUK into the cache on pull
        with world.store.unit_of_work() as session:
            put_puk(
                session, world.store.cipher, card_serial="U706", product_number="701", puk=made.puk
            )
        return True

    service(world, pull).unlock_in_person(world.visit(Role.ID_ADMIN), "U706", NEW_PIN, NEW_PIN)
    assert pin_works(made, NEW_PIN)


def test_r7_central_has_no_puk(world: World) -> None:
    locked_card(world, "U707", cache_puk=False)
    with pytest.raises(PukNotAvailableError):
        service(world, lambda: True).unlock_in_person(
            world.visit(Role.ID_ADMIN), "U707", NEW_PIN, NEW_PIN
        )


def test_r7_code_letter_unlock_5xx(world: World) -> None:
    made = locked_card(world, "U501", "511")
    service(world).unlock_with_code_letter(
        world.visit(Role.CLERK), "U501", made.puk, NEW_PIN, NEW_PIN
    )
    assert pin_works(made, NEW_PIN)
    assert world.state("U501") == "active"
    assert [e[0] for e in world.events()] == ["card.unlocked_with_code_letter"]


@pytest.mark.parametrize("product_number", ["611", None])
def test_r7_code_letter_unlock_6xx_and_no_product_number(
    world: World, product_number: str | None
) -> None:
    made = locked_card(world, "U601", product_number)
    service(world).unlock_with_code_letter(world.visit(), "U601", made.puk, NEW_PIN, NEW_PIN)
    assert pin_works(made, NEW_PIN)


def test_r7_7xx_has_no_code_letter(world: World) -> None:
    made = locked_card(world, "U708")
    with pytest.raises(UnlockNotByCodeLetterError):
        service(world).unlock_with_code_letter(
            world.visit(Role.ID_ADMIN), "U708", made.puk, NEW_PIN, NEW_PIN
        )


def test_r7_5xx_is_not_unlocked_in_person(world: World) -> None:
    locked_card(world, "U502", "511")
    with pytest.raises(UnlockNeedsCodeLetterError):
        service(world).unlock_in_person(world.visit(Role.ID_ADMIN), "U502", NEW_PIN, NEW_PIN)


def test_r7_wrong_code_letter_puk_shows_tries_left(world: World) -> None:
    made = locked_card(world, "U503", "511")
    with pytest.raises(NotCardPukError) as info:
        service(world).unlock_with_code_letter(world.visit(), "U503", "00000000", NEW_PIN, NEW_PIN)
    assert info.value.params["tries_left"] == PUK_TRIES - 1
    assert made.card.pin_tries_left == 0 and world.events() == []


def test_r7_puk_blocked_card_cannot_be_saved(world: World) -> None:
    made = locked_card(world, "U504", "511")
    session = PivSession(InProcessConnection(made.card))
    for _ in range(PUK_TRIES - 1):
        with contextlib.suppress(PinError):  # wrong PUK, then blocked: nothing else
            session.unblock_with_puk("00000000", NEW_PIN)
    with pytest.raises(CardCannotBeSavedError):
        service(world).unlock_with_code_letter(world.visit(), "U504", "00000000", NEW_PIN, NEW_PIN)
    assert world.state("U504") == "puk_blocked"
    assert [e[0] for e in world.events()] == ["card.puk_blocked"]
    # a second attempt is refused by the rules before the card is touched
    with pytest.raises(PukBlockedCannotUnlockError):
        service(world).unlock_with_code_letter(world.visit(), "U504", made.puk, NEW_PIN, NEW_PIN)


def test_r6_unlock_refused_when_card_is_not_locked(world: World) -> None:
    made = world.card(world.spec("U505", state="active", product_number="511"))
    world.insert(made)
    with pytest.raises(CardNotLockedError):
        service(world).unlock_with_code_letter(world.visit(), "U505", made.puk, NEW_PIN, NEW_PIN)
    assert made.card.puk_tries_left == 10


def test_r8_new_pin_typed_twice_and_policy_before_the_card(world: World) -> None:
    made = locked_card(world, "U506", "511")
    with pytest.raises(PinRepeatMismatchError):
        service(world).unlock_with_code_letter(world.visit(), "U506", made.puk, NEW_PIN, "271829")
    with pytest.raises(PinTooSimpleError):
        service(world).unlock_with_code_letter(world.visit(), "U506", made.puk, "123456", "123456")
    assert made.card.puk_tries_left == 10


def test_r7_order_code_letter_for_5xx(world: World) -> None:
    world.card(world.spec("U507", state="active", product_number="511"))
    done = service(world).order_code_letter(operator(Role.ID_ADMIN), "U507")
    events = world.events()
    assert [e[0] for e in events] == ["order.code_letter"] and done.event_id
    with pytest.raises(ActionNotPermittedError):
        service(world).order_code_letter(operator(Role.CLERK), "U507")
    with pytest.raises(UnlockNeedsCodeLetterError):
        service(world).order_puk_letter(operator(Role.ID_ADMIN), "U507")


def test_r7_order_puk_letter_for_7xx_holder_who_cannot_come(world: World) -> None:
    world.card(world.spec("U709", state="active"))
    service(world).order_puk_letter(operator(Role.ID_ADMIN), "U709")
    assert [e[0] for e in world.events()] == ["order.puk_letter"]
    with pytest.raises(UnlockNotByCodeLetterError):
        service(world).order_code_letter(operator(Role.ID_ADMIN), "U709")


def test_r7_puk_source_releases_only_to_id_admin(world: World) -> None:
    world.card(world.spec("U710", state="active"))
    source = CachedPukSource(world.store)
    with pytest.raises(ActionNotPermittedError):
        source.puk_for("U710", role=Role.CLERK)
    assert len(source.puk_for("U710", role=Role.ID_ADMIN)) == 8
    assert repr(source) == "CachedPukSource()"


def test_r7_unblocked_card_is_recorded_even_when_the_new_pin_check_fails(world: World) -> None:
    """The card is pulled (or fails) after RESET RETRY COUNTER succeeded: the card has
    changed, so its event is written, with the failed check, and the clerk is told."""
    made = locked_card(world, "U799")
    answer = made.card.transmit

    def pulled_after_unblock(apdu: bytes) -> bytes:
        response = answer(apdu)
        if apdu[1] == 0x2C and response[-2:] == b"\x90\x00":
            made.card.faults[0x20] = 0x6F00  # the VERIFY that follows fails
        return response

    made.card.transmit = pulled_after_unblock  # type: ignore[method-assign]
    done = service(world).unlock_in_person(world.visit(Role.ID_ADMIN), "U799", NEW_PIN, NEW_PIN)
    assert world.state("U799") == "active"
    ((event_type, payload),) = [(e[0], e[1]) for e in world.events()]
    assert event_type == "card.unlocked_in_person"
    assert payload["new_pin_verified"] is False
    assert [n.key for n in done.notices] == [
        "error.workflows.new_pin_failed",
        "hint.workflows.new_pin_failed",
    ]
