"""The counter's end-to-end tests on both card backends, over the real stack.

``piv``: the kiosk's own PIV code over pyscard → pcscd → vpcd → the virtual card.
``pkcs11``: OpenSC's ``opensc-pkcs11.so`` in the PKCS#11 worker process → pcscd → vpcd →
the same virtual card. Login (challenge signature), card test, activation with the
holder's receipt signature, PIN change and both unlocks run on each; the unlock goes
through OpenSC's PIV fallback on the PKCS#11 backend (OpenSC's PIV driver does not unblock
through PKCS#11).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from devices.card.pkcs11_worker import DEFAULT_MODULE, Pkcs11Worker
from devices.virtual.factory import DEFAULT_PIN
from kiosk.config import ReaderConfig
from kiosk.domain.types import Role
from kiosk.receipts.signature import sign_receipt, signature_valid, signer_is_holder
from kiosk.services.card import CardAccess, opener_for
from kiosk.services.card_check import CardCheckService, Verdict
from kiosk.services.device_adapters import PcscCards, pcsc_opener
from kiosk.services.login import LoginService
from kiosk.services.pkcs11_cards import Pkcs11Cards
from kiosk.services.ports import ReaderRole
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.pin_change import PinChangeService
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from kiosk.trust_files import trust_from_certificates
from tests.integration.pcscd_fixture import InsertCard
from tests.support.world import CLERK, NEW_PIN, PNR, World

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

BACKENDS = ["piv", "pkcs11"]


@pytest.fixture(scope="module")
def pkcs11_worker() -> Iterator[Pkcs11Worker]:
    """One worker for the module: OpenSC is loaded once, as in the app."""
    worker = Pkcs11Worker(DEFAULT_MODULE, timeout=30)
    yield worker
    worker.close()


@pytest.fixture(params=BACKENDS)
def access(request: pytest.FixtureRequest, pkcs11_worker: Pkcs11Worker) -> CardAccess:
    readers = ReaderConfig()
    if request.param == "piv":
        return PcscCards(readers.operator_pattern, readers.customer_pattern)
    return Pkcs11Cards(
        pkcs11_worker,
        readers.operator_pattern,
        readers.customer_pattern,
        piv_opener=lambda reader: pcsc_opener(reader)(),
    )


def lock(access: CardAccess) -> None:
    """R6: three wrong PINs in a row, through the backend under test."""
    with contextlib.closing(access.open(ReaderRole.CUSTOMER)) as card:
        for _ in range(3):
            with contextlib.suppress(WrongPinError, PinLockedError):
                card.verify_pin("000001")
        assert card.pin_state().locked


def verify(access: CardAccess, pin: str) -> None:
    with contextlib.closing(access.open(ReaderRole.CUSTOMER)) as card:
        card.verify_pin(pin)


def test_login_signs_the_challenge(
    world: World, vpcd_cards: InsertCard, access: CardAccess
) -> None:
    made = world.factory.personalise(holder_id=CLERK, name="Klara Clerk", product_number="712")
    vpcd_cards(made.card, 0)
    der = made.holder.authentication.cert.public_bytes(Encoding.DER)
    record = SimpleNamespace(
        hsa_id=CLERK, name="Klara Clerk", role=Role.CLERK, office_id="KK-SOLNA", active=True
    )
    roster = SimpleNamespace(  # found by the HSA-id in the certificate, not by fingerprint
        find_by_hsa_id=lambda hsa_id: record if hsa_id == CLERK else None,
        last_contact=lambda: None,
    )
    login = LoginService(
        cards=access,
        trust=trust_from_certificates(world.factory.pki.trust_anchors),
        roster=roster,  # type: ignore[arg-type]
        clock=world.clock,
    )
    with pytest.raises(WrongPinError):
        login.login("999999")
    identity = login.login(DEFAULT_PIN)
    assert identity.hsa_id == CLERK
    assert identity.fingerprint == hashlib.sha256(der).hexdigest()  # kept as a record


def test_r13_card_test(world: World, vpcd_cards: InsertCard, access: CardAccess) -> None:
    made = world.card(world.spec("9752269000000013", state="active", product_number="712"))
    vpcd_cards(made.card, 1)
    check = CardCheckService(
        cards=access,
        trust=trust_from_certificates(world.factory.pki.trust_anchors),
        clock=world.clock,
    )
    report = check.run(DEFAULT_PIN)
    assert report.verdict is Verdict.OK
    assert report.pin_ok and report.signing_present
    assert report.card_serial == "9752269000000013"
    assert report.chain is not None and report.chain.ok
    wrong = check.run("999999")
    assert not wrong.pin_ok
    assert any(f.key == "ui.test.finding.pin_wrong" for f in wrong.findings)


def test_r2_activation_with_the_holders_receipt_signature(
    world: World, vpcd_cards: InsertCard, access: CardAccess
) -> None:
    made = world.card(world.spec("9752269000000021"), holder_id=PNR)
    vpcd_cards(made.card, 1)
    opener = opener_for(access, ReaderRole.CUSTOMER)
    done = ActivationService(world.services, card_opener=opener).activate(
        world.visit(), "9752269000000021"
    )
    assert world.state("9752269000000021") == "active"
    digest = hashlib.sha256(done.event_id.encode()).hexdigest()
    with opener() as card:
        with pytest.raises(WrongPinError):
            sign_receipt(card, digest, "999999")
        signature = sign_receipt(card, digest, DEFAULT_PIN)
    assert signature.slot == "9C"
    assert signature_valid(signature, digest)
    assert signer_is_holder(signature, PNR, None, local_date(world.clock()))


def test_r8_pin_change(world: World, vpcd_cards: InsertCard, access: CardAccess) -> None:
    made = world.card(world.spec("9752269000000039", state="active", product_number="511"))
    vpcd_cards(made.card, 1)
    service = PinChangeService(world.services, card_opener=opener_for(access, ReaderRole.CUSTOMER))
    service.change_pin(world.visit(), "9752269000000039", DEFAULT_PIN, NEW_PIN, NEW_PIN)
    verify(access, NEW_PIN)
    assert [e[0] for e in world.events()] == ["card.pin_changed"]
    assert NEW_PIN not in repr(world.events())


def _unlock(world: World, access: CardAccess) -> UnlockService:
    return UnlockService(
        world.services,
        card_opener=opener_for(access, ReaderRole.CUSTOMER),
        puk_source=CachedPukSource(world.store),
    )


def test_r7_in_person_unlock_7xx(world: World, vpcd_cards: InsertCard, access: CardAccess) -> None:
    made = world.card(world.spec("9752269000000047", state="active", product_number="701"))
    vpcd_cards(made.card, 1)
    lock(access)
    assert made.card.pin_tries_left == 0
    service = _unlock(world, access)
    done = service.unlock_in_person(
        world.visit(Role.ID_ADMIN), "9752269000000047", NEW_PIN, NEW_PIN
    )
    assert done.state is not None and done.state.value == "active"
    assert done.notices == ()  # the new PIN was verified through the same backend
    verify(access, NEW_PIN)
    assert made.card.pin_tries_left == 3
    assert [e[0] for e in world.events()] == ["card.unlocked_in_person"]


def test_r7_code_letter_unlock_5xx(
    world: World, vpcd_cards: InsertCard, access: CardAccess
) -> None:
    made = world.card(world.spec("9752269000000054", state="active", product_number="511"))
    vpcd_cards(made.card, 1)
    lock(access)
    _unlock(world, access).unlock_with_code_letter(
        world.visit(Role.CLERK), "9752269000000054", made.puk, NEW_PIN, NEW_PIN
    )
    verify(access, NEW_PIN)
    assert world.state("9752269000000054") == "active"
    assert [e[0] for e in world.events()] == ["card.unlocked_with_code_letter"]
