"""The kiosk's one card protocol over a PIV card, and the one PIN error family."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from devices.card.errors import (
    CardOperationNotAllowedError,
    PinError,
    PinLockedError,
    PukBlockedError,
    WrongPinError,
    WrongPukError,
)
from devices.card.pin import PinKind, PinState
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.errors import PukBlockedCannotUnlockError
from kiosk.services.card import CardCapability, CardKey, CardSession, require_capability
from kiosk.services.device_adapters import PIV_CAPABILITIES, PivCardSession
from kiosk.services.errors import PinBlockedError, PinRejectedError
from kiosk.services.workflows.errors import (
    CardCannotBeSavedError,
    NotCardPukError,
    PinNowLockedError,
    WrongCurrentPinError,
)

PIN, PUK = "123456", "12345678"


@pytest.fixture(scope="module")
def factory(now: dt.datetime) -> CardFactory:
    return CardFactory(TestPki.create(now=now), master_secret=b"card-session")


@pytest.fixture
def made(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(product="7xx", pin=PIN, puk=PUK, key_type="p256")


def _open(made: PersonalisedCard) -> PivCardSession:
    return PivCardSession(InProcessConnection(made.card))


def test_a_piv_card_allows_everything_but_a_pin_of_its_own_for_signing(
    made: PersonalisedCard,
) -> None:
    card: CardSession = _open(made)
    assert card.capabilities() == PIV_CAPABILITIES
    assert CardCapability.SIGNING_PIN not in card.capabilities()
    require_capability(card, CardCapability.UNBLOCK_PIN)


def test_serials_and_certificates(made: PersonalisedCard) -> None:
    card = _open(made)
    assert card.printed_serial() == made.serial == card.card_serial()
    der = card.certificate(CardKey.AUTHENTICATION)
    assert der is not None
    assert x509.load_der_x509_certificate(der).subject == made.holder.authentication.cert.subject


def test_pin_state_is_exact_on_piv(made: PersonalisedCard) -> None:
    card = _open(made)
    assert card.pin_state() == PinState.exact(3)
    with pytest.raises(WrongPinError) as wrong:
        card.verify_pin("999999")
    assert wrong.value.state == PinState.exact(2) and wrong.value.kind is PinKind.LOGIN
    assert card.pin_state(PinKind.SIGNING).tries_left == 2  # PIV: one PIN for both
    card.verify_pin(PIN)
    assert card.pin_state() == PinState.already_verified()


def test_three_wrong_pins_lock_and_the_puk_unblocks(made: PersonalisedCard) -> None:
    card = _open(made)
    for _ in range(2):
        with pytest.raises(WrongPinError):
            card.verify_pin("999999")
    with pytest.raises(PinLockedError):
        card.verify_pin("999999")
    state = card.pin_state()
    assert state.locked and state.tries_left == 0
    with pytest.raises(WrongPukError) as wrong:
        card.unblock_pin("00000000", "271828")
    assert wrong.value.tries_left == 9
    card.unblock_pin(PUK, "271828")
    card.verify_pin("271828")
    card.change_pin("271828", PIN)
    card.verify_pin(PIN)


def test_signatures_verify_with_the_key_certificate(made: PersonalisedCard) -> None:
    card = _open(made)
    card.verify_pin(PIN)
    der = card.certificate(CardKey.AUTHENTICATION)
    assert der is not None
    public = x509.load_der_x509_certificate(der).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(
        card.sign(CardKey.AUTHENTICATION, b"challenge"), b"challenge", ec.ECDSA(hashes.SHA256())
    )
    digest = hashlib.sha256(b"receipt").digest()
    signature = card.sign_digest(CardKey.AUTHENTICATION, digest)
    public.verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))


class _NoUnblock(PivCardSession):
    """A card whose backend does not unblock (OpenSC's PIV driver through PKCS#11)."""

    def capabilities(self) -> frozenset[CardCapability]:
        return PIV_CAPABILITIES - {CardCapability.UNBLOCK_PIN}


def test_an_operation_the_card_does_not_allow_is_refused(made: PersonalisedCard) -> None:
    card = _NoUnblock(InProcessConnection(made.card))
    with pytest.raises(CardOperationNotAllowedError) as refused:
        require_capability(card, CardCapability.UNBLOCK_PIN)
    assert refused.value.params == {"operation": "unblock_pin"}


def test_a_card_that_gives_only_flags_shows_no_count() -> None:
    flags = PinState(final_try=True)
    assert not flags.exact_count and not flags.locked
    wrong = WrongPinError(state=flags)
    assert wrong.tries_left is None and wrong.params == {"tries_left": "?"}


@pytest.mark.parametrize(
    ("error", "family"),
    [
        (PinRejectedError(state=PinState.exact(2)), WrongPinError),
        (WrongCurrentPinError(state=PinState.exact(2)), WrongPinError),
        (PinBlockedError(), PinLockedError),
        (PinNowLockedError(serial="S1"), PinLockedError),
        (NotCardPukError(state=PinState.exact(4)), WrongPukError),
        (CardCannotBeSavedError(serial="S1"), PukBlockedError),
        (PukBlockedCannotUnlockError(), PukBlockedError),
    ],
    ids=lambda value: type(value).__name__,
)
def test_every_layer_speaks_the_one_pin_family(error: PinError, family: type[PinError]) -> None:
    assert isinstance(error, family) and isinstance(error, PinError)
    assert PIN not in str(error) and PIN not in repr(error.params)
