"""The card layer on the real PC/SC stack: pcscd + vsmartcard-vpcd + virtual PIV cards."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import hashes

from devices.card.certs import ChainStatus, TrustAnchors
from devices.card.errors import (
    CardRemovedError,
    NotPivCardError,
    PinLockedError,
    PukBlockedError,
    ResponseTooLongError,
    SecurityStatusNotSatisfiedError,
    UnexpectedStatusError,
    WrongPinError,
    WrongPukError,
)
from devices.card.pcsc import PcscContext
from devices.card.piv import MAX_GET_RESPONSES, MAX_RESPONSE_BYTES, PivSession, Slot
from devices.card.readers import (
    ReaderRoles,
)
from devices.card.reading import read_card
from devices.virtual.factory import CardFactory, derive_puk
from devices.virtual.pcscd import VPCD_READERS
from tests.integration.cards.conftest import MASTER_SECRET
from tests.integration.cards.signatures import verify_signature
from tests.integration.pcscd_fixture import InsertCard

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

OPERATOR, CUSTOMER = VPCD_READERS
Open = Callable[[str], PivSession]


def test_read_card_in_both_readers(
    factory: CardFactory,
    vpcd_cards: InsertCard,
    open_session: Open,
    anchors: TrustAnchors,
    pcsc: PcscContext,
    now: dt.datetime,
) -> None:
    operator = factory.personalise(product="7xx", holder_id="SE2321000016-1003")
    customer = factory.personalise(product="5xx", signing=False)
    vpcd_cards(operator.card, 0)
    vpcd_cards(customer.card, 1)
    roles = ReaderRoles().assign(pcsc.list_readers())
    assert roles == {"operator": OPERATOR, "customer": CUSTOMER}

    op = read_card(open_session(roles["operator"]), anchors, now=now)
    cu = read_card(open_session(roles["customer"]), anchors, now=now)
    assert op.serial == operator.serial and cu.serial == customer.serial
    assert op.has_signing_certificate and not cu.has_signing_certificate  # R5
    assert op.chain is ChainStatus.OK and op.certificates_ok  # R13
    assert op.certificate(Slot.AUTHENTICATION) is not None
    assert op.certificate(Slot.AUTHENTICATION).identifier_kind == "hsa_id"  # type: ignore[union-attr]
    assert cu.certificate(Slot.AUTHENTICATION).identifier_kind == "personnummer"  # type: ignore[union-attr]
    assert op.pin_tries_left == 3 and cu.pin_tries_left == 3


def test_r6_three_wrong_pins_lock_the_card(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise()
    vpcd_cards(issued.card, 1)
    session = open_session(CUSTOMER)
    tries = []
    for _ in range(2):
        with pytest.raises(WrongPinError) as wrong:
            session.verify_pin("000000")
        tries.append(wrong.value.tries_left)
    with pytest.raises(PinLockedError):
        session.verify_pin("000000")
    assert tries == [2, 1]
    assert session.pin_retries() == 0
    with pytest.raises(PinLockedError):
        session.verify_pin(issued.pin)


def test_r7_unlock_7xx_with_derived_puk(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise(product="7xx")
    puk = derive_puk(MASTER_SECRET, issued.serial)  # what the central side releases
    vpcd_cards(issued.card, 1)
    session = open_session(CUSTOMER)
    for _ in range(3):
        with pytest.raises((WrongPinError, PinLockedError)):
            session.verify_pin("000000")
    with pytest.raises(WrongPukError) as wrong:
        session.unblock_with_puk("00000000", "246810")
    assert wrong.value.tries_left == 9
    session.unblock_with_puk(puk, "246810")
    assert session.pin_retries() == 3
    session.verify_pin("246810")


def test_r7_unlock_5xx_needs_code_letter_puk(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise(product="5xx")
    assert issued.code_letter is not None and issued.puk in issued.code_letter
    assert issued.puk != derive_puk(MASTER_SECRET, issued.serial) or issued.puk.isdigit()
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    for _ in range(3):
        with pytest.raises((WrongPinError, PinLockedError)):
            session.verify_pin("999999")
    session.unblock_with_puk(issued.puk, "135790")
    session.verify_pin("135790")


def test_r7_puk_blocked_after_ten_wrong_tries(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise(product="6xx")
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    assert session.puk_retries() == 10
    for left in range(9, 0, -1):
        with pytest.raises(WrongPukError) as wrong:
            session.unblock_with_puk("00000000", "246810")
        assert wrong.value.tries_left == left
    with pytest.raises(PukBlockedError):
        session.unblock_with_puk("00000000", "246810")
    with pytest.raises(PukBlockedError):
        session.unblock_with_puk(issued.puk, "246810")  # blocked for good
    assert session.puk_retries() == 0


def test_r8_change_pin(factory: CardFactory, vpcd_cards: InsertCard, open_session: Open) -> None:
    issued = factory.personalise()
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    with pytest.raises(WrongPinError):
        session.change_pin("000000", "11223344")
    session.change_pin(issued.pin, "11223344")
    issued.card.power_off()  # the next holder session starts unverified
    session = open_session(OPERATOR)
    with pytest.raises(WrongPinError):
        session.verify_pin(issued.pin)
    session.verify_pin("11223344")


@pytest.mark.parametrize("key_type", ["p256", "rsa2048"])
def test_signatures_verify_against_card_certificates(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open, key_type: str
) -> None:
    issued = factory.personalise(key_type=key_type)  # type: ignore[arg-type]
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    with pytest.raises(SecurityStatusNotSatisfiedError):
        session.sign_challenge(b"operator-login-challenge")
    session.verify_pin(issued.pin)
    challenge = os.urandom(32)
    signature = session.sign_challenge(challenge)
    auth_cert = session.read_certificate(Slot.AUTHENTICATION)
    assert auth_cert is not None
    verify_signature(auth_cert, signature, challenge)
    session.verify_pin(issued.pin)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"receipt 42")
    receipt_signature = session.sign_digest(digest.finalize())
    sign_cert = session.read_certificate(Slot.SIGNATURE)
    assert sign_cert is not None
    verify_signature(sign_cert, receipt_signature, b"receipt 42")


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("expired", ChainStatus.EXPIRED),
        ("not_yet_valid", ChainStatus.NOT_YET_VALID),
        ("wrong_chain", ChainStatus.UNTRUSTED),
    ],
)
def test_r13_chain_checks_refuse_bad_certificates(
    factory: CardFactory,
    vpcd_cards: InsertCard,
    open_session: Open,
    anchors: TrustAnchors,
    variant: str,
    expected: ChainStatus,
    now: dt.datetime,
) -> None:
    issued = factory.personalise(variant=variant)  # type: ignore[arg-type]
    vpcd_cards(issued.card, 1)
    reading = read_card(open_session(CUSTOMER), anchors, now=now)
    assert reading.chain is expected
    assert not reading.certificates_ok


def test_r13_missing_intermediate_fails_chain(
    factory: CardFactory,
    vpcd_cards: InsertCard,
    open_session: Open,
    anchors: TrustAnchors,
    now: dt.datetime,
) -> None:
    issued = factory.personalise()
    vpcd_cards(issued.card, 1)
    only_root = TrustAnchors((), anchors.roots)
    assert read_card(open_session(CUSTOMER), only_root, now=now).chain is ChainStatus.UNTRUSTED


def test_card_removed_in_the_middle_of_an_operation(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise()
    link = vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    assert session.read_chuid() is not None
    link.pull_after(2)  # the card leaves while its certificate is being read
    with pytest.raises(CardRemovedError):
        session.read_certificate(Slot.AUTHENTICATION)
    with pytest.raises(CardRemovedError):
        session.read_chuid()


def test_card_answering_unexpected_status_words(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise()
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    issued.card.faults[0xCB] = 0x6F00
    with pytest.raises(UnexpectedStatusError) as info:
        session.read_certificate(Slot.AUTHENTICATION)
    assert info.value.params == {"sw": "6F00"}
    issued.card.faults.clear()
    issued.card.faults[0x20] = 0x6581  # memory failure on VERIFY
    with pytest.raises(UnexpectedStatusError):
        session.verify_pin(issued.pin)


def test_card_answering_61_00_for_ever_is_stopped_by_apdu_count_over_pcsc(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise()
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    issued.card.hostile_get_response()  # 256 bytes and "61 00" on every GET RESPONSE
    before = issued.card.apdu_count
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.AUTHENTICATION)
    assert issued.card.apdu_count - before == 1 + MAX_RESPONSE_BYTES // 256
    issued.card.hostile_get_response(piece=b"")  # "61 00" and nothing else
    before = issued.card.apdu_count
    with pytest.raises(ResponseTooLongError):
        session.read_certificate(Slot.AUTHENTICATION)
    assert issued.card.apdu_count - before == 1 + MAX_GET_RESPONSES
    issued.card.faults.clear()
    issued.card.fault_data.clear()
    assert session.read_certificate(Slot.AUTHENTICATION) is not None


def test_card_without_piv_application(
    factory: CardFactory, vpcd_cards: InsertCard, open_session: Open
) -> None:
    issued = factory.personalise(piv_applet=False)
    vpcd_cards(issued.card, 1)
    with pytest.raises(NotPivCardError):
        open_session(CUSTOMER)
