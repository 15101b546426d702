"""The holder signs the receipt digest with their own card (9C, or 9A without 9C)."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.card.errors import WrongPinError
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from kiosk.receipts.signature import (
    HolderSignature,
    sign_receipt,
    signature_valid,
    signer_is_holder,
)
from kiosk.services.card import CardSession
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import NAME, OTHER_PNR, PNR

DIGEST = "ab" * 32
OTHER_DIGEST = "cd" * 32


def _piv(card: PersonalisedCard) -> CardSession:
    return PivCardSession(InProcessConnection(card.card))


def test_r5_signs_with_9c_when_the_card_has_a_signing_certificate(
    holder_card: PersonalisedCard,
) -> None:
    signature = sign_receipt(_piv(holder_card), DIGEST, holder_card.pin)
    assert signature.slot == "9C"
    assert holder_card.holder.signing is not None
    assert signature.certificate == holder_card.holder.signing.cert
    assert signature_valid(signature, DIGEST)
    assert not signature_valid(signature, OTHER_DIGEST)
    assert len(signature.fingerprint) == 64


def test_r5_falls_back_to_9a_without_a_signing_certificate(factory: CardFactory) -> None:
    card = factory.personalise(holder_id=PNR, name=NAME, signing=False)
    signature = sign_receipt(_piv(card), DIGEST, card.pin)
    assert signature.slot == "9A"
    assert signature.certificate == card.holder.authentication.cert
    assert signature_valid(signature, DIGEST)
    assert not signature_valid(signature, OTHER_DIGEST)


def test_rsa_card_signature_verifies(factory: CardFactory) -> None:
    card = factory.personalise(holder_id=PNR, name=NAME, key_type="rsa2048")
    signature = sign_receipt(_piv(card), DIGEST, card.pin)
    assert signature_valid(signature, DIGEST)
    assert not signature_valid(signature, OTHER_DIGEST)


def test_r6_wrong_pin_signs_nothing(factory: CardFactory) -> None:
    card = factory.personalise(holder_id=PNR, name=NAME)
    with pytest.raises(WrongPinError) as caught:
        sign_receipt(_piv(card), DIGEST, "999999")
    assert caught.value.params["tries_left"] == 2


def test_a_tampered_signature_fails(holder_card: PersonalisedCard) -> None:
    signature = sign_receipt(_piv(holder_card), DIGEST, holder_card.pin)
    flipped = bytearray(signature.value)
    flipped[-1] ^= 0x01
    forged = HolderSignature(signature.slot, bytes(flipped), signature.certificate_der)
    assert not signature_valid(forged, DIGEST)
    # the same signature claimed under the other slot's rule does not verify either
    swapped = HolderSignature("9A", signature.value, signature.certificate_der)
    assert not signature_valid(swapped, DIGEST)


def test_signer_is_the_holder_named_in_the_certificate(
    holder_card: PersonalisedCard, today: dt.date
) -> None:
    signature = sign_receipt(_piv(holder_card), DIGEST, holder_card.pin)
    assert signer_is_holder(signature, PNR, None, today)
    assert not signer_is_holder(signature, OTHER_PNR, None, today)


def test_signature_dict_round_trip(holder_card: PersonalisedCard) -> None:
    signature = sign_receipt(_piv(holder_card), DIGEST, holder_card.pin)
    assert HolderSignature.from_dict(signature.to_dict()) == signature
    with pytest.raises(ValueError):
        HolderSignature.from_dict({"slot": "9D", "signature": "", "certificate": ""})


def test_signer_given_in_ten_digits_is_matched_with_its_century(
    factory: CardFactory, today: dt.date
) -> None:
    # "+": born 1912, not 2012, though the last ten digits are the same.
    card = factory.personalise(holder_id="121212+1212", name="Tolvan Tolvansson")
    signature = sign_receipt(_piv(card), DIGEST, card.pin)
    assert signer_is_holder(signature, "191212121212", None, today)
    assert not signer_is_holder(signature, "201212121212", None, today)


def test_signer_with_a_samordningsnummer(factory: CardFactory, today: dt.date) -> None:
    card = factory.personalise(holder_id="701063-2391", name="Samira Samordning")
    signature = sign_receipt(_piv(card), DIGEST, card.pin)
    assert signer_is_holder(signature, "197010632391", None, today)
