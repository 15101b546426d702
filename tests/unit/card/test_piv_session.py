"""PivSession against the in-process virtual card: exact APDUs and typed results."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from devices.card.apdu import iter_tlv
from devices.card.certs import ChainStatus, TrustAnchors
from devices.card.errors import (
    CardRemovedError,
    InvalidPinFormatError,
    MalformedResponseError,
    NotPivCardError,
    PinLockedError,
    PukBlockedError,
    SecurityStatusNotSatisfiedError,
    UnexpectedStatusError,
    WrongPinError,
    WrongPukError,
)
from devices.card.piv import PivSession, Slot
from devices.card.reading import read_card
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from tests.unit.card.conftest import RecordingConnection

SELECT = bytes.fromhex("00A4040009A0000003080000100000")


@pytest.fixture
def issued(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(product="7xx", pin="123456", puk="12345678")


def _session(card: PersonalisedCard) -> tuple[PivSession, RecordingConnection]:
    recorder = RecordingConnection(InProcessConnection(card.card))
    return PivSession(recorder), recorder


def test_select_sends_piv_aid_and_gets_template(issued: PersonalisedCard) -> None:
    session, rec = _session(issued)
    assert rec.sent == [SELECT]
    assert session.select().startswith(b"\x61")


def test_not_piv_card(factory: CardFactory) -> None:
    card = factory.personalise(piv_applet=False)
    with pytest.raises(NotPivCardError):
        PivSession(InProcessConnection(card.card))


def test_chuid_and_printed_info(issued: PersonalisedCard) -> None:
    session, rec = _session(issued)
    chuid = session.read_chuid()
    assert chuid is not None and chuid.guid == issued.guid
    assert rec.sent[-1] == bytes.fromhex("00CB3FFF055C035FC10200")
    printed = session.read_printed_info()
    assert printed is not None
    # The product number is printed on the back of the card, not stored on the chip: no
    # private tags (0x10 product number, 0x11 assurance level) in the standard object.
    raw = session.get_object(0x5FC109)
    assert raw is not None and not {0x10, 0x11} & {tag for tag, _ in iter_tlv(raw)}
    assert printed.card_serial == issued.serial
    assert printed.holder_name is not None and printed.holder_name not in repr(printed)


def test_long_certificate_uses_get_response(issued: PersonalisedCard) -> None:
    session, rec = _session(issued)
    cert = session.read_certificate(Slot.AUTHENTICATION)
    assert cert == issued.holder.authentication.cert
    assert rec.sent[1] == bytes.fromhex("00CB3FFF055C035FC10500")
    assert any(apdu[:2] == b"\x00\xc0" for apdu in rec.sent[2:])


def test_r5_absent_signing_certificate_is_none(factory: CardFactory) -> None:
    card = factory.personalise(signing=False)
    session = PivSession(InProcessConnection(card.card))
    assert session.read_certificate(Slot.SIGNATURE) is None
    assert session.read_certificate(Slot.CARD_AUTH) is not None


def test_verify_pin_apdu_is_ff_padded(issued: PersonalisedCard) -> None:
    session, rec = _session(issued)
    session.verify_pin("123456")
    assert rec.sent[-1] == bytes.fromhex("0020008008313233343536FFFF")
    assert session.pin_retries() is None  # verified in this session


def test_r6_three_wrong_pins_lock(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    assert session.pin_retries() == 3
    with pytest.raises(WrongPinError) as first:
        session.verify_pin("000000")
    assert first.value.tries_left == 2
    with pytest.raises(WrongPinError):
        session.verify_pin("000000")
    with pytest.raises(PinLockedError):
        session.verify_pin("000000")
    assert session.pin_retries() == 0
    with pytest.raises(PinLockedError):
        session.verify_pin("123456")  # right PIN no longer helps


def test_r6_right_pin_resets_counter(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    with pytest.raises(WrongPinError):
        session.verify_pin("000000")
    session.verify_pin("123456")
    issued.card.power_off()
    session.select()
    assert session.pin_retries() == 3


def test_r7_unblock_with_puk(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    for _ in range(3):
        with pytest.raises((WrongPinError, PinLockedError)):
            session.verify_pin("000000")
    with pytest.raises(WrongPukError) as wrong:
        session.unblock_with_puk("87654321", "654321")
    assert wrong.value.tries_left == 9
    session.unblock_with_puk("12345678", "654321")
    assert session.pin_retries() == 3
    session.verify_pin("654321")


def test_r7_puk_blocked_after_ten_wrong(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    assert session.puk_retries() == 10
    for expected in range(9, 0, -1):
        with pytest.raises(WrongPukError) as info:
            session.unblock_with_puk("00000000", "654321")
        assert info.value.tries_left == expected
    with pytest.raises(PukBlockedError):
        session.unblock_with_puk("00000000", "654321")
    with pytest.raises(PukBlockedError):
        session.unblock_with_puk("12345678", "654321")  # permanently
    assert session.puk_retries() == 0


def test_r8_change_pin(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    with pytest.raises(WrongPinError):
        session.change_pin("000000", "24681357")
    session.change_pin("123456", "24681357")
    issued.card.power_off()
    session.select()
    with pytest.raises(WrongPinError):
        session.verify_pin("123456")
    session.verify_pin("24681357")


@pytest.mark.parametrize("bad", ["12345", "123456789", "12a456", "١٢٣٤٥٦"])
def test_pin_format_checked_before_sending(issued: PersonalisedCard, bad: str) -> None:
    session, rec = _session(issued)
    with pytest.raises(InvalidPinFormatError):
        session.verify_pin(bad)
    assert len(rec.sent) == 1  # only the SELECT
    assert bad not in str(InvalidPinFormatError())


def test_sign_challenge_verifies_with_9a_p256(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    with pytest.raises(SecurityStatusNotSatisfiedError):
        session.sign_challenge(b"login-challenge")
    session.verify_pin("123456")
    signature = session.sign_challenge(b"login-challenge")
    public = issued.holder.authentication.cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, b"login-challenge", ec.ECDSA(hashes.SHA256()))


def test_sign_rsa2048_uses_chaining_and_verifies(factory: CardFactory) -> None:
    card = factory.personalise(key_type="rsa2048", signing=True)
    rec = RecordingConnection(InProcessConnection(card.card))
    session = PivSession(rec)
    session.verify_pin("123456")
    signature = session.sign_challenge(b"hello")
    public = card.holder.authentication.cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, b"hello", padding.PKCS1v15(), hashes.SHA256())
    assert any(apdu[0] == 0x10 and apdu[1] == 0x87 for apdu in rec.sent)


def test_sign_digest_with_9c_needs_pin_each_time(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"receipt")
    value = digest.finalize()
    session.verify_pin("123456")
    signature = session.sign_digest(value)
    assert issued.holder.signing is not None
    public = issued.holder.signing.cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, b"receipt", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(SecurityStatusNotSatisfiedError):
        session.sign_digest(value)


def test_card_removed_mid_operation(issued: PersonalisedCard) -> None:
    connection = InProcessConnection(issued.card)
    session = PivSession(connection)
    connection.remove()
    with pytest.raises(CardRemovedError):
        session.read_certificate(Slot.AUTHENTICATION)


def test_unexpected_status_word(issued: PersonalisedCard) -> None:
    session, _ = _session(issued)
    issued.card.faults[0xCB] = 0x6F00
    with pytest.raises(UnexpectedStatusError) as info:
        session.read_chuid()
    assert info.value.sw == 0x6F00


def test_garbage_response_is_malformed() -> None:
    class Garbage:
        def transmit(self, apdu: bytes) -> bytes:
            return b"\x90" if apdu[1] != 0xA4 else b"\x90\x00"

    session = PivSession(Garbage())
    with pytest.raises(MalformedResponseError):
        session.read_chuid()


def test_read_card_summary(issued: PersonalisedCard, pki: TestPki, now: dt.datetime) -> None:
    session = PivSession(InProcessConnection(issued.card))
    reading = read_card(session, TrustAnchors.from_certificates(pki.trust_anchors), now=now)
    assert reading.serial == issued.serial
    assert reading.has_signing_certificate
    assert reading.chain is ChainStatus.OK and reading.certificates_ok
    assert reading.pin_tries_left == 3
    assert reading.holder_identifier == issued.holder.identifier
    assert len(reading.certificates) == 4
    assert issued.holder.identifier not in repr(reading)
    assert issued.holder.name not in repr(reading)


def test_r12_reserve_card_level_and_no_number(
    factory: CardFactory, pki: TestPki, now: dt.datetime
) -> None:
    card = factory.personalise(product="none", reserve="LoA2", signing=False)
    reading = read_card(
        PivSession(InProcessConnection(card.card)),
        TrustAnchors.from_certificates(pki.trust_anchors),
        now=now,
    )
    # R12: the level is the register's (by card number), not read from the chip.
    assert not hasattr(reading, "assurance_level") and not hasattr(reading, "product_number")
    assert not reading.has_signing_certificate


def test_no_secrets_in_messages_reprs_or_logs(
    issued: PersonalisedCard, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session, _ = _session(issued)
    texts: list[str] = [repr(issued), repr(issued.card), repr(session)]
    for attempt in ("654321", "999999", "111111"):
        try:
            session.verify_pin(attempt)
        except (WrongPinError, PinLockedError) as exc:
            texts += [str(exc), repr(exc), repr(exc.params)]
    for attempt in ("87654321", "11112222"):
        try:
            session.unblock_with_puk(attempt, "246802")
        except WrongPukError as exc:
            texts += [str(exc), repr(exc), repr(exc.params)]
    texts.append(caplog.text)
    blob = "\n".join(texts)
    for secret in (
        "123456",
        "654321",
        "999999",
        "111111",
        "87654321",
        "11112222",
        "246802",
        issued.puk,
        issued.holder.identifier,
        issued.holder.name,
    ):
        assert secret not in blob
        assert secret.encode().hex() not in blob.lower()
