"""Fuzz over the card session: thousands of mutated card answers, zero untyped errors.

A whole session (SELECT, CHUID, printed information, the four certificates with their chain
checks, PIN status, VERIFY, a challenge and a digest signature) was recorded once against
the virtual card, for an ECC and an RSA card (``data/piv_sessions.json``). Each run replays
the recording with one to three answers mutated (bits flipped, bytes replaced, cut short,
extended, status words changed), each session from its own seed. Whatever the card sends,
the session either completes or raises an error of the devices family (``DeviceError``);
anything else is a failure. A replay is judged at the moment it was recorded (the
certificates' validity included), not at the test clock's now: a seed names the same
mutated session, with the same outcome, on every date.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from devices.card.certs import TrustAnchors
from devices.card.piv import PivSession
from devices.card.reading import read_card
from devices.errors import DeviceError
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory
from devices.virtual.pki import KeyType

SESSIONS_PER_CARD = 4_000
# The 8,000 sessions run as eight slices, so that a parallel run spreads them over its workers.
SLICES = 8
SEED = 20261201
# Answers of the virtual card (test PKI, Tolvan's test personnummer), recorded once with
# ``record_session`` so that a seed names the same mutated session on every run.
RECORDING = Path(__file__).parent / "data" / "piv_sessions.json"
PIN = "123456"

Transmit = Callable[[bytes], bytes]


def _session(transmit: Transmit, anchors: TrustAnchors, now: dt.datetime) -> None:
    class Link:
        def transmit(self, apdu: bytes) -> bytes:
            return transmit(apdu)

    session = PivSession(Link())
    read_card(session, anchors, now=now)
    session.verify_pin(PIN)
    session.sign_challenge(b"login-challenge")
    session.verify_pin(PIN)
    session.sign_digest(bytes(range(32)))


def record_session(
    factory: CardFactory, key_type: KeyType, anchors: TrustAnchors, now: dt.datetime
) -> list[bytes]:
    """The card's answers to one whole session (how ``data/piv_sessions.json`` was made)."""
    card = factory.personalise(key_type=key_type, pin=PIN)
    connection = InProcessConnection(card.card)
    answers: list[bytes] = []

    def transmit(apdu: bytes) -> bytes:
        answer = connection.transmit(apdu)
        answers.append(answer)
        return answer

    _session(transmit, anchors, now)
    return answers


@dataclass(frozen=True)
class Recording:
    anchors: TrustAnchors
    sessions: dict[str, list[bytes]]
    recorded_at: dt.datetime


@pytest.fixture(scope="module")
def recording() -> Recording:
    stored = json.loads(RECORDING.read_text(encoding="utf-8"))
    anchors = [x509.load_pem_x509_certificate(pem.encode()) for pem in stored["anchors"]]
    return Recording(
        anchors=TrustAnchors.from_certificates(anchors),
        sessions={
            key_type: [bytes.fromhex(answer) for answer in answers]
            for key_type, answers in stored["sessions"].items()
        },
        recorded_at=dt.datetime.fromisoformat(stored["recorded_at"]),
    )


_STATUS_WORDS = (
    b"\x90\x00",
    b"\x61\x00",
    b"\x61\x10",
    b"\x6c\x10",
    b"\x63\xc2",
    b"\x63\xc0",
    b"\x69\x83",
    b"\x69\x82",
    b"\x6a\x82",
    b"\x6a\x88",
    b"\x6d\x00",
    b"\x6f\x00",
)


def _mutate(answer: bytes, rng: random.Random) -> bytes:
    data = bytearray(answer)
    choice = rng.randrange(7)
    if choice == 0 and data:  # flip a few bits
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif choice == 1 and data:  # replace a few bytes
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif choice == 2:  # cut short (maybe below a status word)
        del data[rng.randrange(len(data) + 1) :]
    elif choice == 3:  # insert random bytes
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.randbytes(rng.randint(1, 8))
    elif choice == 4 and len(data) > 2:  # delete a range of the data
        start = rng.randrange(len(data) - 2)
        del data[start : start + rng.randint(1, 16)]
    elif choice == 5:  # another status word
        data[-2:] = rng.choice(_STATUS_WORDS)
    else:  # random garbage of the same length
        data = bytearray(rng.randbytes(len(data)))
    return bytes(data)


def _replay(answers: list[bytes], rng: random.Random) -> Transmit:
    mutated = dict.fromkeys(rng.sample(range(len(answers)), rng.randint(1, 3)))
    plan = [_mutate(a, rng) if i in mutated else a for i, a in enumerate(answers)]
    position = 0

    def transmit(apdu: bytes) -> bytes:
        nonlocal position
        answer = plan[position] if position < len(plan) else b"\x6a\x82"
        position += 1
        return answer

    return transmit


def test_recorded_sessions_replay_whole(recording: Recording) -> None:
    for answers in recording.sessions.values():
        replay = iter(answers)
        _session(
            lambda _apdu, replay=replay: next(replay), recording.anchors, recording.recorded_at
        )
        assert next(replay, None) is None


def _slice(number: int) -> list[tuple[str, int]]:
    everything = [
        (key_type, session)
        for key_type in ("p256", "rsa2048")
        for session in range(SESSIONS_PER_CARD)
    ]
    return everything[number::SLICES]


def test_the_slices_cover_8000_sessions_once(recording: Recording) -> None:
    sliced = [session for number in range(SLICES) for session in _slice(number)]
    assert sorted(recording.sessions) == ["p256", "rsa2048"]
    assert len(sliced) == len(set(sliced)) == len(recording.sessions) * SESSIONS_PER_CARD == 8_000


@pytest.mark.parametrize("slice_number", range(SLICES))
def test_8000_mutated_card_sessions_raise_only_typed_errors(
    recording: Recording, capsys: pytest.CaptureFixture[str], slice_number: int
) -> None:
    tried = typed = completed = 0
    untyped: list[str] = []
    started = time.perf_counter()  # the test's own running time, not a product clock read
    for key_type, number in _slice(slice_number):
        tried += 1
        rng = random.Random(f"{SEED}/{key_type}/{number}")
        try:
            _session(
                _replay(recording.sessions[key_type], rng), recording.anchors, recording.recorded_at
            )
        except DeviceError:
            typed += 1
        except Exception as exc:
            untyped.append(f"{key_type} session {number}: {type(exc).__name__}: {exc}")
        else:
            completed += 1
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\ncard session fuzz, slice {slice_number + 1}/{SLICES}: {tried} mutated sessions "
            f"(seed {SEED}), {typed} typed errors, {completed} completed, "
            f"{len(untyped)} untyped, {elapsed:.1f} s"
        )
    assert tried == 1_000
    assert not untyped, "\n".join(untyped[:20])


def test_certificate_with_a_damaged_public_key_is_a_malformed_answer(
    recording: Recording,
) -> None:
    from devices.card.certs import load_card_certificate
    from devices.card.errors import MalformedResponseError

    good = recording.anchors.roots[0].public_bytes(Encoding.DER)
    point = (
        recording.anchors.roots[0]
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    at = good.index(point) + 5  # inside X: no longer a point on the curve
    damaged = good[:at] + bytes((good[at] ^ 0x01,)) + good[at + 1 :]
    with pytest.raises(MalformedResponseError) as caught:
        load_card_certificate(damaged)
    assert caught.value.params == {"what": "certificate public key unreadable"}
