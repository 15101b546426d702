"""``kiosk audit export`` / ``kiosk audit verify --bundle``: one file that verifies on any
machine with public keys alone, without personal data in clear, against the central's
checkpoints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from clock import Clock, FixedClock
from kiosk.cli import main
from protocol.checkpoint_verify import CheckpointFields, checkpoint_signed_bytes
from protocol.event_format import format_timestamp
from protocol.journal_bundle import EVENT_FIELDS, verify_bundle
from store.database import open_store
from store.journal import Journal
from store.keys import KioskKeys, load_or_create_keys

KIOSK_ID = "kiosk-solna-1"  # the default configuration's
NAME = "Åsa Öberg"
PNR = "198112289874"
CENTRAL = Ed25519PrivateKey.generate()


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _journal(data: Path, clock: Clock, count: int, *, keys: KioskKeys | None = None) -> KioskKeys:
    data.mkdir(parents=True, exist_ok=True)
    keys = keys or load_or_create_keys(data / "kiosk.key")
    if not (data / "kiosk.key").exists():
        (data / "kiosk.key").write_text(keys.to_json(), encoding="utf-8")
        os.chmod(data / "kiosk.key", 0o600)
    store = open_store(f"sqlite:///{data / 'kiosk.sqlite3'}", keys)
    journal = Journal(KIOSK_ID, keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        for n in range(count):
            journal.append(
                session,
                event_type="card.blocked",
                operator="SE2321000016-0001",
                payload={"serial": f"S{n}", "name": NAME, "personnummer": PNR},
            )
    store.close()
    return keys


def _checkpoint(
    bundle: Path, seq: int, clock: Clock, signer: Ed25519PrivateKey = CENTRAL
) -> CheckpointFields:
    """The central's checkpoint over the event at ``seq`` of the bundle's chain."""
    lines = bundle.read_text(encoding="utf-8").splitlines()
    head_hash = json.loads(lines[seq])[EVENT_FIELDS.index("hash")]
    issued = format_timestamp(clock())
    message = checkpoint_signed_bytes(
        kiosk_id=KIOSK_ID, head_seq=seq, head_hash=head_hash, issued_at=issued, kiosk_key=None
    )
    return CheckpointFields(KIOSK_ID, seq, head_hash, issued, signer.sign(message).hex())


def _export(data: Path, bundle: Path, checkpoints: list[CheckpointFields] = ()) -> None:  # type: ignore[assignment]
    args = ["audit", "export", str(bundle), "--data", str(data), "--lang", "en"]
    if checkpoints:
        spec = data / "checkpoints.json"
        spec.write_text(
            json.dumps(
                {
                    "central_public_key": _raw_public(CENTRAL).hex(),
                    "checkpoints": [c.to_dict() for c in checkpoints],
                }
            ),
            encoding="utf-8",
        )
        args += ["--checkpoints", str(spec)]
    assert main(args) == 0


def _edit(bundle: Path, change: object) -> None:
    lines = bundle.read_text(encoding="utf-8").splitlines()
    kept = change(lines)  # type: ignore[operator]
    bundle.write_text("\n".join(kept) + "\n", encoding="utf-8")


def _kind(bundle: Path, **pins: bytes) -> tuple[int, str]:
    report = verify_bundle(bundle, workers=1, **pins)
    assert report.problem is not None
    return report.problem.seq, report.problem.kind


@pytest.fixture
def exported(tmp_path: Path, clock: FixedClock) -> tuple[Path, Path]:
    data = tmp_path / "kiosk"
    _journal(data, clock, 8)
    bundle = tmp_path / "journal.bundle"
    _export(data, bundle)
    _export(data, bundle, [_checkpoint(bundle, 8, clock)])
    return data, bundle


def test_an_exported_bundle_verifies_in_a_fresh_directory_without_kiosk_files(
    exported: tuple[Path, Path], tmp_path: Path
) -> None:
    _data, bundle = exported
    fresh = tmp_path / "elsewhere"
    fresh.mkdir()
    moved = fresh / "journal.bundle"
    moved.write_bytes(bundle.read_bytes())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(fresh),
        "XDG_DATA_HOME": str(fresh / "xdg"),
        "XDG_CONFIG_HOME": str(fresh / "xdg"),
    }
    command = [sys.executable, "-m", "kiosk", "audit", "verify", "--bundle", str(moved)]
    result = subprocess.run(
        command, cwd=fresh, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Journalpaketet för kiosk-solna-1 är helt: 8 händelser" in result.stdout
    assert "1 kontrollpunkter" in result.stdout
    assert sorted(p.name for p in fresh.iterdir()) == ["journal.bundle"]


def test_a_bundle_carries_no_personal_data_in_clear(exported: tuple[Path, Path]) -> None:
    _data, bundle = exported
    raw = bundle.read_bytes()
    assert NAME.encode() not in raw and PNR.encode() not in raw
    assert b"serial" not in raw and b"personnummer" not in raw


def test_an_altered_event_is_named(exported: tuple[Path, Path]) -> None:
    _data, bundle = exported

    def alter(lines: list[str]) -> list[str]:
        event = json.loads(lines[3])
        event[EVENT_FIELDS.index("event_type")] = "card.activated"
        lines[3] = json.dumps(event)
        return lines

    _edit(bundle, alter)
    assert _kind(bundle) == (3, "hash_mismatch")


def test_an_event_removed_in_the_middle_is_named(exported: tuple[Path, Path]) -> None:
    _data, bundle = exported
    _edit(bundle, lambda lines: lines[:4] + lines[5:])
    assert _kind(bundle) == (4, "seq_gap")


def test_r9_tail_deletion_behind_the_checkpoint_is_named(exported: tuple[Path, Path]) -> None:
    """Deleting the newest events (a block among them) and the count is caught by the
    central's checkpoint, which the deleter cannot re-sign."""
    _data, bundle = exported

    def cut(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["event_count"] = 5
        return [json.dumps(header), *lines[1:6]]

    _edit(bundle, cut)
    assert _kind(bundle) == (6, "missing_tail")


def test_a_wiped_journal_is_named(exported: tuple[Path, Path]) -> None:
    _data, bundle = exported

    def wipe(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["event_count"] = 0
        return [json.dumps(header)]

    _edit(bundle, wipe)
    assert _kind(bundle) == (1, "missing_tail")


def test_a_history_resigned_with_the_kiosks_key_is_caught_by_the_checkpoint(
    tmp_path: Path, clock: FixedClock
) -> None:
    data = tmp_path / "kiosk"
    keys = _journal(data, clock, 6)
    bundle = tmp_path / "journal.bundle"
    _export(data, bundle)
    checkpoint = _checkpoint(bundle, 6, clock)
    rewritten = tmp_path / "rewritten"
    _journal(rewritten, clock, 7, keys=keys)  # another history, the kiosk's own key
    forged = tmp_path / "forged.bundle"
    _export(rewritten, forged, [checkpoint])
    assert verify_bundle(forged, workers=1, kiosk_key=keys.public_key_bytes()).problem
    assert _kind(forged) == (6, "checkpoint_mismatch")


def test_a_bundle_signed_by_another_key_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    data = tmp_path / "kiosk"
    keys = _journal(data, clock, 5)
    bundle = tmp_path / "journal.bundle"
    _export(data, bundle)
    checkpoint = _checkpoint(bundle, 5, clock)
    other = tmp_path / "other"
    _journal(other, clock, 5)  # the same events signed by another kiosk key
    forged = tmp_path / "forged.bundle"
    _export(other, forged, [checkpoint])
    # the bundle's own key: only the central's checkpoint or the pinned key can tell
    assert _kind(forged) == (5, "checkpoint_mismatch")
    assert _kind(forged, kiosk_key=keys.public_key_bytes()) == (0, "wrong_kiosk_key")

    def claim_kiosk_key(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["kiosk_public_key"] = keys.public_key_bytes().hex()
        return [json.dumps(header), *lines[1:]]

    _edit(forged, claim_kiosk_key)
    assert _kind(forged) == (1, "bad_signature")


def test_a_checkpoint_not_signed_by_the_central_is_refused(
    exported: tuple[Path, Path], tmp_path: Path, clock: FixedClock
) -> None:
    data, bundle = exported
    impostor = Ed25519PrivateKey.generate()
    _export(data, bundle, [_checkpoint(bundle, 8, clock, signer=impostor)])
    assert _kind(bundle) == (8, "bad_checkpoint")
    _export(data, bundle, [_checkpoint(bundle, 8, clock)])
    assert verify_bundle(bundle, central_key=_raw_public(CENTRAL)).ok
    assert _kind(bundle, central_key=_raw_public(impostor)) == (0, "wrong_central_key")


def test_a_broken_bundle_is_one_clear_line_in_swedish(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _data, bundle = exported
    _edit(bundle, lambda lines: lines[:4] + lines[5:])
    assert main(["audit", "verify", "--bundle", str(bundle)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "BRUTEN" in out[0] and "nummer 4" in out[0]
    garbage = bundle.with_name("garbage.bundle")
    garbage.write_bytes(b"\x00\x01 not a bundle\n")
    assert main(["audit", "verify", "--bundle", str(garbage)]) == 1
    assert capsys.readouterr().out.strip() == (
        f"Filen {garbage} går inte att läsa som ett journalpaket."
    )


def test_a_large_bundle_verifies_on_both_cores(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import protocol.journal_chain as journal_chain

    data = tmp_path / "kiosk"
    _journal(data, clock, 2500)
    bundle = tmp_path / "journal.bundle"
    _export(data, bundle)
    monkeypatch.setattr(journal_chain, "PARALLEL_THRESHOLD", 1)
    report = verify_bundle(bundle, workers=2)
    assert report.ok and report.events_checked == 2500

    def alter(lines: list[str]) -> list[str]:
        event = json.loads(lines[2000])
        event[EVENT_FIELDS.index("occurred_at")] = "2026-01-01T00:00:00.000000Z"
        lines[2000] = json.dumps(event)
        return lines

    _edit(bundle, alter)
    report = verify_bundle(bundle, workers=2)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (2000, "hash_mismatch")


def test_a_format_2_event_relabelled_format_1_cannot_change_its_content(
    exported: tuple[Path, Path],
) -> None:
    """Format 1 content is not checkable in a bundle; relabelling a format 2 event as
    format 1 must not make its content editable (its signature is format 2's)."""
    _data, bundle = exported

    def relabel(lines: list[str]) -> list[str]:
        event = json.loads(lines[1])
        event[EVENT_FIELDS.index("event_format")] = 1
        event[EVENT_FIELDS.index("event_type")] = "card.activated"
        lines[1] = json.dumps(event)
        return lines

    _edit(bundle, relabel)
    assert _kind(bundle) == (1, "bad_signature")


def test_pinned_keys_on_the_command_line(
    exported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data, bundle = exported
    kiosk_key = load_or_create_keys(data / "kiosk.key").public_key_bytes().hex()
    central_key = _raw_public(CENTRAL).hex()
    command = ["audit", "verify", "--bundle", str(bundle), "--lang", "en"]
    assert main([*command, "--kiosk-key", kiosk_key, "--central-key", central_key]) == 0
    assert "intact" in capsys.readouterr().out
    other = _raw_public(Ed25519PrivateKey.generate()).hex()
    assert main([*command, "--kiosk-key", other]) == 1
    assert "(wrong_kiosk_key)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main([*command, "--kiosk-key", "not-a-key"])
    assert refused.value.code == 2
    assert "not an Ed25519 public key" in capsys.readouterr().err
