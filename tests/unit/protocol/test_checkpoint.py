"""The central's signed checkpoint: its wire form is strict and its signature binds
every field to the central's key."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from protocol.checkpoint import (
    Checkpoint,
    CheckpointFormatError,
    DivergenceKind,
    DivergenceReport,
    EventsQuery,
)
from protocol.wire import WireFormatError


def _signed(now: datetime, key: Ed25519PrivateKey | None = None) -> Checkpoint:
    return Checkpoint.sign(
        key or Ed25519PrivateKey.generate(),
        kiosk_id="kiosk-solna-1",
        head_seq=42,
        head_hash="ab" * 32,
        issued_at=now,
        kiosk_key="ef" * 32,
    )


def test_a_checkpoint_round_trips_and_verifies_only_with_its_key(now: datetime) -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = _signed(now, key)
    again = Checkpoint.from_dict(checkpoint.to_dict())
    assert again == checkpoint
    assert again.signature_ok(bytes.fromhex(again.central_key))
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert not again.signature_ok(other)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("kiosk_id", "kiosk-solna-2"),
        ("head_seq", 41),
        ("head_hash", "cd" * 32),
        ("issued_at", "2020-01-01T00:00:00.000000Z"),
        ("kiosk_key", "01" * 32),
    ],
)
def test_every_signed_field_is_bound_by_the_signature(now: datetime, name: str, value: Any) -> None:
    data = _signed(now).to_dict()
    key = bytes.fromhex(data["central_key"])
    data[name] = value
    assert not Checkpoint.from_dict(data).signature_ok(key)


def test_the_wire_form_is_strict_for_thousands_of_mutations(now: datetime) -> None:
    """2,000 mutated checkpoints (a field removed, added, of another type or form):
    each is refused with CheckpointFormatError, none slips through, none raises
    anything else."""
    good = _signed(now).to_dict()
    rng = random.Random(17)
    odd_values: list[Any] = [
        None,
        True,
        1.5,
        -1,
        2**63,
        "",
        "x" * 65,
        "AB" * 32,
        [],
        {},
        "2026-13-01",
        "\x00",
    ]
    tried = 0
    for _ in range(2000):
        data = dict(good)
        mode = rng.randrange(3)
        if mode == 0:
            del data[rng.choice(sorted(data))]
        elif mode == 1:
            data[rng.choice(["extra", "Type", "sig"])] = "x"
        else:
            name = rng.choice(sorted(data))
            data[name] = rng.choice(odd_values)
            if name == "kiosk_id" and data[name] in ("AB" * 32, "2026-13-01"):
                continue  # a valid kiosk id
        tried += 1
        with pytest.raises(CheckpointFormatError):
            Checkpoint.from_dict(data)
    assert tried > 1500, f"tried {tried} mutated checkpoints"


def test_an_unknown_version_or_a_version_without_its_fields_is_refused(now: datetime) -> None:
    data = _signed(now).to_dict()
    for version in (0, 3, "2"):
        with pytest.raises(CheckpointFormatError, match="version"):
            Checkpoint.from_dict({**data, "version": version})
    with pytest.raises(CheckpointFormatError, match="kiosk_key"):
        Checkpoint.from_dict({**data, "version": 1})  # version 1 has no kiosk_key
    without = {k: v for k, v in data.items() if k != "kiosk_key"}
    with pytest.raises(CheckpointFormatError, match="kiosk_key"):
        Checkpoint.from_dict(without)  # version 2 needs it


def test_a_version_1_checkpoint_kept_before_still_verifies(now: datetime) -> None:
    key = Ed25519PrivateKey.generate()
    old = Checkpoint.sign(
        key, kiosk_id="kiosk-solna-1", head_seq=4, head_hash="ab" * 32, issued_at=now,
        kiosk_key=None,
    )  # fmt: skip
    data = old.to_dict()
    assert data["version"] == 1 and "kiosk_key" not in data
    again = Checkpoint.from_dict(data)
    assert again.kiosk_key is None and again.signature_ok(bytes.fromhex(again.central_key))


def test_a_divergence_report_and_an_events_query_are_checked() -> None:
    report = DivergenceReport("k1", DivergenceKind.FORK, 3, "ab" * 32)
    assert DivergenceReport.from_dict(report.to_dict()) == report
    for bad in (
        {"kiosk_id": "k1", "kind": "other", "seq": 1, "local_hash": None},
        {"kiosk_id": "k1", "kind": "fork", "seq": -1, "local_hash": None},
        {"kiosk_id": "k1", "kind": "fork", "seq": 1, "local_hash": "zz"},
    ):
        with pytest.raises(WireFormatError):
            DivergenceReport.from_dict(bad)
    assert EventsQuery.from_params({"kiosk_id": "k1", "limit": "999999"}).limit == 5000
    with pytest.raises(WireFormatError):
        EventsQuery.from_params({"kiosk_id": "k1", "after": "-1"})
