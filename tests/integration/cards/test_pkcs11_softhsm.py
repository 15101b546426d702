"""The PKCS#11 backend on SoftHSM2: two card profiles (one PIN + PUK; login PIN, signing
PIN + PUK), unblock through PKCS#11 (SO login with the PUK, ``C_InitPIN``), and the worker
process: a module that does not load, a call that hangs."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from clock import FixedClock, local_date
from devices.card.errors import (
    MiddlewareTimeoutError,
    Pkcs11ModuleError,
    UnblockNotAvailableError,
    WrongPinError,
    WrongPukError,
)
from devices.card.pin import PinKind
from devices.card.pkcs11_worker import Pkcs11Worker
from devices.virtual.factory import CardFactory
from kiosk.receipts.signature import sign_receipt, signature_valid, signer_is_holder
from kiosk.services.card import CardCapability, CardKey, require_capability
from kiosk.services.card_check import CardCheckService, Verdict
from kiosk.services.pkcs11_cards import Pkcs11Cards, Pkcs11CardSession
from kiosk.services.ports import ReaderRole
from kiosk.trust_files import trust_from_certificates
from tests.support.softhsm import SOFTHSM_MODULE, SoftHsm, softhsm_available

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

PIN, SIGNING_PIN, PUK = "123456", "24681357", "87654321"
PNR = "191212121212"
CARD_NUMBER = "9752269012345678"


@pytest.fixture(scope="module")
def softhsm(tmp_path_factory: pytest.TempPathFactory, factory: CardFactory) -> Iterator[SoftHsm]:
    if not softhsm_available():
        pytest.fail("SoftHSM2 is not installed (Debian package softhsm2)")
    hsm = SoftHsm.create(tmp_path_factory.mktemp("softhsm"))
    pki = factory.pki
    two = pki.issue_holder(PNR, "Tolvan Tolvansson", card_number=CARD_NUMBER)
    hsm.add_card("customer two-pin", two, pin=PIN, puk=PUK, signing_pin=SIGNING_PIN)
    one = pki.issue_holder(PNR, "Tolvan Tolvansson", card_number="9752269000000001")
    hsm.add_card("operator one-pin", one, pin=PIN, puk=PUK)
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ.update(hsm.env)  # the worker process inherits it
    yield hsm
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


@pytest.fixture
def worker(softhsm: SoftHsm) -> Iterator[Pkcs11Worker]:
    started = Pkcs11Worker(SOFTHSM_MODULE, timeout=20)
    yield started
    started.close()


@pytest.fixture
def cards(worker: Pkcs11Worker) -> Pkcs11Cards:
    return Pkcs11Cards(worker, "operator", "customer")


@pytest.fixture
def two_pin(cards: Pkcs11Cards) -> Iterator[Pkcs11CardSession]:
    with contextlib.closing(cards.open(ReaderRole.CUSTOMER)) as session:
        yield session


def test_two_pin_card_has_a_signing_pin_and_its_card_number(two_pin: Pkcs11CardSession) -> None:
    assert CardCapability.SIGNING_PIN in two_pin.capabilities()
    assert CardCapability.EXACT_PIN_COUNT not in two_pin.capabilities()
    assert two_pin.printed_serial() == CARD_NUMBER  # from the certificates
    assert two_pin.certificate(CardKey.SIGNING) is not None
    assert two_pin.certificate(CardKey.AUTHENTICATION) is not None
    two_pin.verify_pin(PIN)
    with pytest.raises(WrongPinError) as refused:
        two_pin.verify_pin(PIN, kind=PinKind.SIGNING)  # the login PIN is not the signing PIN
    assert refused.value.kind is PinKind.SIGNING
    assert refused.value.tries_left is None  # flags only
    two_pin.verify_pin(SIGNING_PIN, kind=PinKind.SIGNING)
    assert two_pin.pin_state(PinKind.SIGNING).verified


def test_receipt_signature_asks_for_the_signing_pin(
    two_pin: Pkcs11CardSession, clock: FixedClock
) -> None:
    digest = hashlib.sha256(b"receipt").hexdigest()
    with pytest.raises(WrongPinError):
        sign_receipt(two_pin, digest, PIN)
    signature = sign_receipt(two_pin, digest, SIGNING_PIN)
    assert signature.slot == "9C"
    assert signature_valid(signature, digest)
    assert signer_is_holder(signature, PNR, None, local_date(clock()))


def test_r13_card_test_on_a_two_pin_card(
    cards: Pkcs11Cards, factory: CardFactory, clock: FixedClock
) -> None:
    check = CardCheckService(
        cards=cards, trust=trust_from_certificates(factory.pki.trust_anchors), clock=clock
    )
    report = check.run(PIN)
    assert report.verdict is Verdict.OK
    assert report.signing_present and report.card_serial == CARD_NUMBER


def test_r8_change_each_pin_of_a_two_pin_card(two_pin: Pkcs11CardSession) -> None:
    two_pin.change_pin(SIGNING_PIN, "13572468", kind=PinKind.SIGNING)
    two_pin.verify_pin("13572468", kind=PinKind.SIGNING)
    two_pin.verify_pin(PIN)  # the login PIN is untouched
    two_pin.change_pin("13572468", SIGNING_PIN, kind=PinKind.SIGNING)


def test_r7_unblock_through_pkcs11_so_login_and_init_pin(two_pin: Pkcs11CardSession) -> None:
    require_capability(two_pin, CardCapability.UNBLOCK_PIN)
    with pytest.raises(WrongPukError):
        two_pin.unblock_pin("11111111", "271828")
    two_pin.unblock_pin(PUK, "271828")
    two_pin.verify_pin("271828")
    two_pin.unblock_pin(PUK, "11223344", kind=PinKind.SIGNING)
    two_pin.verify_pin("11223344", kind=PinKind.SIGNING)
    two_pin.unblock_pin(PUK, PIN)
    two_pin.unblock_pin(PUK, SIGNING_PIN, kind=PinKind.SIGNING)


def test_one_pin_card_signs_with_its_only_pin(cards: Pkcs11Cards) -> None:
    with contextlib.closing(cards.open(ReaderRole.OPERATOR)) as card:
        assert CardCapability.SIGNING_PIN not in card.capabilities()
        digest = hashlib.sha256(b"receipt").hexdigest()
        assert signature_valid(sign_receipt(card, digest, PIN), digest)


def test_unblock_without_middleware_or_piv_tells_the_clerk(worker: Pkcs11Worker) -> None:
    """A middleware known not to unblock, on a card without PIV: a plain refusal."""
    session = Pkcs11Cards(worker, "operator", "customer").open(ReaderRole.CUSTOMER)
    try:
        session._manufacturer = "piv_II"  # as OpenSC's PIV driver reports itself
        assert CardCapability.UNBLOCK_PIN not in session.capabilities()
        with pytest.raises(UnblockNotAvailableError) as refused:
            require_capability(session, CardCapability.UNBLOCK_PIN)
        assert refused.value.key == "error.card.unblock_not_available"
    finally:
        session.close()


def test_a_module_that_does_not_load_is_a_typed_error(tmp_path: Path) -> None:
    worker = Pkcs11Worker(str(tmp_path / "missing-pkcs11.so"), timeout=10)
    try:
        with pytest.raises(Pkcs11ModuleError) as failed:
            worker.call("card_names")
        assert "missing-pkcs11.so" in str(failed.value)
        assert not worker.running
    finally:
        worker.close()


def test_a_hanging_call_ends_the_worker_and_the_next_call_starts_afresh(
    softhsm: SoftHsm,
) -> None:
    worker = Pkcs11Worker(SOFTHSM_MODULE, timeout=1)
    try:
        assert "customer two-pin" in worker.call("card_names")
        pid = worker.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # the middleware hangs in a C call
        with pytest.raises(MiddlewareTimeoutError):
            worker.call("card_names")
        assert not worker.running
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # ended, not left behind
        assert "customer two-pin" in worker.call("card_names")
        assert worker.pid != pid
    finally:
        worker.close()
