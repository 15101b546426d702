"""The central's checkpoint (``protocol.checkpoint``) and the bundle's checkpoint
(``protocol.checkpoint_verify``) are one signature over one set of bytes: a checkpoint the
central signs verifies as a bundle carries it, and a changed field fails on both sides."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from protocol.checkpoint import Checkpoint
from protocol.checkpoint_verify import CheckpointFields, checkpoint_signed_bytes

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def _signed(now: dt.datetime) -> Checkpoint:
    return Checkpoint.sign(
        KEY,
        kiosk_id="kiosk-solna-1",
        head_seq=7,
        head_hash="a" * 64,
        issued_at=now,
        kiosk_key="c" * 64,
    )


def test_a_central_checkpoint_verifies_as_a_bundle_carries_it(now: dt.datetime) -> None:
    checkpoint = _signed(now)
    public = bytes.fromhex(checkpoint.central_key)
    carried = CheckpointFields.from_dict(checkpoint.to_dict())  # central_key is ignored
    assert carried == checkpoint.fields()
    assert carried.signature_ok(public) and checkpoint.signature_ok(public)
    assert checkpoint.signed_bytes() == checkpoint_signed_bytes(
        kiosk_id="kiosk-solna-1",
        head_seq=7,
        head_hash="a" * 64,
        issued_at=checkpoint.issued_at,
        kiosk_key="c" * 64,
    )


def test_a_changed_checkpoint_fails_on_both_sides(now: dt.datetime) -> None:
    checkpoint = _signed(now)
    public = bytes.fromhex(checkpoint.central_key)
    for forged in (
        replace(checkpoint, head_seq=6),
        replace(checkpoint, head_hash="b" * 64),
        replace(checkpoint, kiosk_key="d" * 64),
    ):
        assert not forged.signature_ok(public)
        assert not forged.fields().signature_ok(public)
