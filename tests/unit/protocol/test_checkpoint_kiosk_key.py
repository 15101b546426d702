"""A version 2 checkpoint names the kiosk key the central registered: a history re-signed
with another key fails against it, in a bundle even without a pinned kiosk key (format 1
events, whose hashes do not depend on the key, could not be told apart before)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from protocol.chain_event import ChainRecord
from protocol.checkpoint import Checkpoint
from protocol.checkpoint_verify import CheckpointFields, kiosk_key_problem
from protocol.event_format import FORMAT_V1, GENESIS_HASH, format_timestamp, sign_hash
from protocol.journal_bundle import bundle_header, event_line, verify_bundle

KIOSK_ID = "kiosk-solna-1"
CENTRAL = Ed25519PrivateKey.generate()


def _public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _format_1_records(key: Ed25519PrivateKey, count: int, now: datetime) -> list[ChainRecord]:
    records, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        digest = hashlib.sha256(f"event {seq}".encode()).hexdigest()  # content: not in a bundle
        records.append(
            ChainRecord(
                seq, FORMAT_V1, f"e-{seq}", KIOSK_ID, format_timestamp(now), "SE-1",
                "card.blocked", None, prev, None, digest, sign_hash(key, digest, FORMAT_V1),
            )
        )  # fmt: skip
        prev = digest
    return records


def _checkpoint(head: ChainRecord, now: datetime, kiosk_key: bytes | None) -> CheckpointFields:
    return Checkpoint.sign(
        CENTRAL,
        kiosk_id=KIOSK_ID,
        head_seq=head.seq,
        head_hash=head.hash,
        issued_at=now,
        kiosk_key=None if kiosk_key is None else kiosk_key.hex(),
    ).fields()


def _bundle(
    path: Path, records: list[ChainRecord], signer: bytes, checkpoint: CheckpointFields
) -> Path:
    header = bundle_header(
        kiosk_id=KIOSK_ID,
        event_count=len(records),
        kiosk_public_key=signer,
        central_public_key=_public(CENTRAL),
        checkpoints=[checkpoint],
    )
    lines = [json.dumps(header), *(event_line(r, "") for r in records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _resigned(records: list[ChainRecord], key: Ed25519PrivateKey) -> list[ChainRecord]:
    return [r._replace(signature=sign_hash(key, r.hash, FORMAT_V1)) for r in records]


def test_a_format_1_history_resigned_with_another_key_fails_the_version_2_checkpoint(
    tmp_path: Path, now: datetime
) -> None:
    kiosk, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    honest = _format_1_records(kiosk, 5, now)
    checkpoint = _checkpoint(honest[-1], now, _public(kiosk))
    assert verify_bundle(_bundle(tmp_path / "honest", honest, _public(kiosk), checkpoint)).ok
    forged = _bundle(tmp_path / "forged", _resigned(honest, forger), _public(forger), checkpoint)
    report = verify_bundle(forged, central_key=_public(CENTRAL))
    assert report.problem is not None and report.problem.kind == "wrong_kiosk_key"


def test_a_version_1_checkpoint_cannot_tell_a_resigned_format_1_history(
    tmp_path: Path, now: datetime
) -> None:
    """Why version 2 exists: the same forgery against a version 1 checkpoint passes
    unless the auditor pins the kiosk's key."""
    kiosk, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    honest = _format_1_records(kiosk, 5, now)
    checkpoint = _checkpoint(honest[-1], now, None)
    forged = _bundle(tmp_path / "forged", _resigned(honest, forger), _public(forger), checkpoint)
    assert verify_bundle(forged).ok
    pinned = verify_bundle(forged, kiosk_key=_public(kiosk))
    assert pinned.problem is not None and pinned.problem.kind == "wrong_kiosk_key"


def test_the_kiosk_key_is_bound_by_the_central_signature(now: datetime) -> None:
    kiosk = _public(Ed25519PrivateKey.generate())
    signed = Checkpoint.sign(
        CENTRAL, kiosk_id=KIOSK_ID, head_seq=3, head_hash="ab" * 32, issued_at=now,
        kiosk_key=kiosk.hex(),
    )  # fmt: skip
    assert signed.to_dict()["version"] == 2
    again = Checkpoint.from_dict(signed.to_dict())
    assert again == signed and again.signature_ok(_public(CENTRAL))
    carried = CheckpointFields.from_dict(signed.fields().to_dict())
    assert carried.kiosk_key == kiosk.hex() and carried.signature_ok(_public(CENTRAL))
    swapped = replace(signed, kiosk_key=_public(Ed25519PrivateKey.generate()).hex())
    assert not swapped.signature_ok(_public(CENTRAL))
    assert not swapped.fields().signature_ok(_public(CENTRAL))
    dropped = replace(signed, kiosk_key=None)  # claimed as version 1: the bytes differ
    assert not dropped.signature_ok(_public(CENTRAL))


def test_the_one_wrong_signer_check(now: datetime) -> None:
    kiosk = _public(Ed25519PrivateKey.generate())
    other = _public(Ed25519PrivateKey.generate())
    assert not kiosk_key_problem(kiosk.hex(), kiosk)
    assert kiosk_key_problem(kiosk.hex(), other)
    assert not kiosk_key_problem(None, other)  # version 1 names no key
