"""The pure framers: every framing, noise, gaps, timeouts, queued scans, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scanner.errors import UnknownFramingError
from devices.scanner.framing import (
    ETX,
    FRAMINGS,
    REJECT_BCC,
    REJECT_NOT_A_ZONE,
    REJECT_TIMEOUT,
    SOH,
    STX,
    Rejected,
    Zone,
    encode,
    make_framer,
    zone_from_payload,
)
from devices.virtual.scanner import SPECIMENS

TD3 = SPECIMENS["specimen-td3"]
TD1 = SPECIMENS["specimen-td1"]
TD2 = SPECIMENS["specimen-td2"]
TIMEOUT = 0.5


def zones(outputs: list[Zone | Rejected]) -> list[tuple[str, ...]]:
    return [o.lines for o in outputs if isinstance(o, Zone)]


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize("lines", [TD1, TD2, TD3])
def test_one_frame_gives_one_zone(framing: str, lines: tuple[str, ...]) -> None:
    framer = make_framer(framing, TIMEOUT)
    assert framer.feed(encode(framing, lines), 1.0) == [Zone(lines)]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_byte_by_byte_with_gaps_below_the_timeout(framing: str) -> None:
    framer = make_framer(framing, TIMEOUT)
    out: list[Zone | Rejected] = []
    now = 10.0
    for byte in encode(framing, TD3):
        now += TIMEOUT * 0.9
        out += framer.feed(bytes([byte]), now)
        out += framer.expire(now)
    assert out == [Zone(TD3)]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_noise_between_frames_is_skipped(framing: str) -> None:
    framer = make_framer(framing, TIMEOUT)
    noise = b"\x00\xff\x7f garbage \x03\x10"
    data = noise + encode(framing, TD3) + noise + encode(framing, TD1) + noise
    assert zones(framer.feed(data, 1.0)) == [TD3, TD1]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_several_queued_scans_come_out_in_order(framing: str) -> None:
    framer = make_framer(framing, TIMEOUT)
    data = b"".join(encode(framing, z) for z in (TD3, TD1, TD2, TD3))
    assert zones(framer.feed(data, 1.0)) == [TD3, TD1, TD2, TD3]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_partial_frame_is_dropped_after_the_timeout(framing: str) -> None:
    framer = make_framer(framing, TIMEOUT)
    frame = encode(framing, TD3)
    assert framer.feed(frame[: len(frame) * 2 // 3], 1.0) == []
    assert framer.expire(1.0 + TIMEOUT / 2) == []
    assert framer.expire(1.0 + TIMEOUT * 1.1) == [Rejected(REJECT_TIMEOUT)]
    # The rest of the broken frame is noise now; the next whole frame reads fine.
    out = framer.feed(frame[len(frame) * 2 // 3 :], 5.0) + framer.feed(frame, 5.1)
    assert zones(out) == [TD3]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_partial_frame_followed_late_by_a_whole_one(framing: str) -> None:
    framer = make_framer(framing, TIMEOUT)
    frame = encode(framing, TD3)
    framer.feed(frame[:20], 1.0)
    out = framer.feed(frame, 1.0 + TIMEOUT * 3)  # no expire() call in between
    assert out[0] == Rejected(REJECT_TIMEOUT)
    assert zones(out) == [TD3]


def test_crlf_and_cr_accept_either_line_end() -> None:
    for framing in ("cr", "crlf"):
        framer = make_framer(framing, TIMEOUT)
        assert zones(framer.feed(b"\n".join(s.encode() for s in TD3) + b"\n", 1.0)) == [TD3]


def test_line_framer_mixed_formats_restart_the_zone() -> None:
    framer = make_framer("crlf", TIMEOUT)
    data = (TD1[0] + "\r\n" + TD3[0] + "\r\n" + TD3[1] + "\r\n").encode()
    assert zones(framer.feed(data, 1.0)) == [TD3]


def test_line_framer_noise_glued_before_a_line() -> None:
    framer = make_framer("crlf", TIMEOUT)
    data = ("AB" + TD3[0] + "\r\n" + TD3[1] + "\r\n").encode()
    assert zones(framer.feed(data, 1.0)) == [TD3]


def test_line_framer_garbage_line_inside_a_zone_rejects_it() -> None:
    framer = make_framer("crlf", TIMEOUT)
    out = framer.feed((TD3[0] + "\r\nHELLO\r\n" + TD3[1] + "\r\n").encode(), 1.0)
    assert out == [Rejected(REJECT_NOT_A_ZONE)]


def test_bcc_mismatch_is_rejected() -> None:
    framer = make_framer("stx-etx-bcc", TIMEOUT)
    frame = bytearray(encode("stx-etx-bcc", TD3))
    frame[-1] ^= 0x01
    assert framer.feed(bytes(frame), 1.0) == [Rejected(REJECT_BCC)]
    assert framer.feed(encode("stx-etx-bcc", TD3), 1.1) == [Zone(TD3)]


def test_bcc_is_xor_after_stx_through_etx() -> None:
    frame = encode("stx-etx-bcc", TD1)
    assert frame[0] == STX and frame[-2] == ETX
    bcc = 0
    for b in frame[1:-1]:
        bcc ^= b
    assert frame[-1] == bcc


def test_stx_etx_frame_that_is_not_a_zone() -> None:
    framer = make_framer("stx-etx", TIMEOUT)
    assert framer.feed(bytes([STX]) + b"HELLO" + bytes([ETX]), 1.0) == [Rejected(REJECT_NOT_A_ZONE)]


def test_stx_inside_a_frame_restarts_it() -> None:
    framer = make_framer("stx-etx", TIMEOUT)
    out = framer.feed(bytes([STX]) + b"P<UTO" + encode("stx-etx", TD3), 1.0)
    assert out == [Rejected(REJECT_TIMEOUT), Zone(TD3)]


def test_soh_length_header() -> None:
    frame = encode("soh-length", TD3)
    assert frame[0] == SOH
    assert (frame[1] << 8 | frame[2]) == len(frame) - 3 == 44 * 2 + 1


def test_soh_with_impossible_length_is_noise() -> None:
    framer = make_framer("soh-length", TIMEOUT)
    out = framer.feed(bytes([SOH, 0xFF, 0xFF]) + encode("soh-length", TD3), 1.0)
    assert zones(out) == [TD3]


def test_overlong_stx_frame_is_rejected() -> None:
    framer = make_framer("stx-etx", TIMEOUT)
    out = framer.feed(bytes([STX]) + b"A" * 600 + bytes([ETX]) + encode("stx-etx", TD1), 1.0)
    assert out[0] == Rejected("overflow")
    assert zones(out) == [TD1]


def test_zone_from_payload_requires_matching_lines() -> None:
    assert zone_from_payload("\r".join(TD3).encode()) == Zone(TD3)
    assert zone_from_payload("\r".join(TD3[:1]).encode()) == Rejected(REJECT_NOT_A_ZONE)
    assert zone_from_payload((TD3[0] + "\r" + TD2[1]).encode()) == Rejected(REJECT_NOT_A_ZONE)
    assert zone_from_payload(b"\xff\xfe") == Rejected(REJECT_NOT_A_ZONE)


def test_unknown_framing_is_a_typed_error() -> None:
    with pytest.raises(UnknownFramingError):
        make_framer("morse", TIMEOUT)
    with pytest.raises(UnknownFramingError):
        encode("morse", TD3)


# --- properties ---------------------------------------------------------------------


@pytest.mark.parametrize("framing", FRAMINGS)
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400), gaps=st.lists(st.floats(0, 2), max_size=8))
def test_any_bytes_give_zones_or_rejections_never_an_exception(
    framing: str, data: bytes, gaps: list[float]
) -> None:
    framer = make_framer(framing, TIMEOUT)
    now = 0.0
    cut = max(1, len(data) // (len(gaps) + 1))
    pieces = [data[i : i + cut] for i in range(0, len(data), cut)] or [b""]
    for index, piece in enumerate(pieces):
        now += gaps[index] if index < len(gaps) else 0.01
        for output in framer.feed(piece, now) + framer.expire(now):
            assert isinstance(output, Zone | Rejected)
            if isinstance(output, Zone):
                assert len(output.lines) in (2, 3)


@settings(max_examples=250, deadline=None)
@given(
    st.sampled_from(FRAMINGS),
    st.lists(st.sampled_from([TD1, TD2, TD3]), min_size=1, max_size=4),
    st.data(),
)
def test_frames_split_anywhere_with_noise_between_round_trip(
    framing: str, documents: list[tuple[str, ...]], data: st.DataObject
) -> None:
    # Noise without frame-start bytes or line ends (those would be frame data).
    noise = st.binary(max_size=12).map(
        lambda b: bytes(x for x in b if x not in (STX, SOH, 0x0D, 0x0A) and not 0x30 <= x <= 0x5A)
    )
    stream = b"".join(data.draw(noise) + encode(framing, doc) for doc in documents)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    framer = make_framer(framing, TIMEOUT)
    out: list[Zone | Rejected] = []
    previous = 0
    now = 0.0
    for cut in [*cuts, len(stream)]:
        now += 0.05
        out += framer.feed(stream[previous:cut], now)
        previous = cut
    assert zones(out) == documents
