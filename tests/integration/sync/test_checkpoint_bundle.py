"""The checkpoint a kiosk kept from a real central (uvicorn process) in its audit: ``kiosk
audit export`` puts it and the pinned central key into the bundle, and a journal cut after
it (rows and recorded head deleted together, which the journal alone cannot tell) fails
both the bundle verification and ``kiosk audit verify`` without ``--checkpoints``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from central.checkpoints import checkpoint_public_key, load_or_create_checkpoint_key
from central.service import CentralService
from kiosk.cli import main
from protocol.journal_bundle import verify_bundle
from tests.support.sync_world import CentralProcess, Kiosk, seed_cards

pytestmark = pytest.mark.integration


def _central_key_hex(central: CentralProcess) -> str:
    path = central.field_key.with_name("central-checkpoint.key")
    return checkpoint_public_key(load_or_create_checkpoint_key(path))


def _export(kiosk: Kiosk, bundle: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["audit", "export", str(bundle), "--data", str(kiosk.path), "--lang", "en"])
    capsys.readouterr()
    assert code == 0
    header: dict[str, object] = json.loads(bundle.read_text(encoding="utf-8").splitlines()[0])
    return header


def _cut_after(kiosk: Kiosk, seq: int) -> None:
    """Delete the journal's rows after ``seq`` and the recorded head with them."""
    connection = sqlite3.connect(kiosk.path / "kiosk.sqlite3", isolation_level=None)
    try:
        connection.execute("DELETE FROM journal WHERE seq > ?", (seq,))
        connection.execute(
            "UPDATE sync_state SET value = ? WHERE key LIKE 'journal.head_seq.%'", (str(seq),)
        )
    finally:
        connection.close()


def test_a_bundle_carries_the_kept_checkpoint_and_a_tail_cut_after_it_fails(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serials = seed_cards(central_service, 4)
    kiosk = kiosk_factory("kiosk-solna-1")
    last = [kiosk.append("card.activated", {"serial": s}) for s in serials][-1]
    assert kiosk.client(central.url).run_round().accepted == 4
    kiosk.store.close()
    key = _central_key_hex(central)

    whole = tmp_path / "whole.jsonl"
    header = _export(kiosk, whole, capsys)
    assert header["central_public_key"] == key
    checkpoints = header["checkpoints"]
    assert isinstance(checkpoints, list) and len(checkpoints) == 1
    assert (checkpoints[0]["head_seq"], checkpoints[0]["head_hash"]) == (4, last.hash)
    report = verify_bundle(whole, central_key=bytes.fromhex(key))
    assert report.problem is None and report.checkpoints_checked == 1, report

    _cut_after(kiosk, 2)
    cut = tmp_path / "cut.jsonl"
    _export(kiosk, cut, capsys)
    report = verify_bundle(cut, central_key=bytes.fromhex(key))
    assert report.problem is not None and report.problem.kind == "missing_tail", report
    assert main(["audit", "verify", "--bundle", str(cut), "--lang", "en"]) == 1
    # the checkpoint is what catches it: without it the cut bundle verifies
    lines = cut.read_text(encoding="utf-8").splitlines()
    bare = json.loads(lines[0]) | {"central_public_key": None, "checkpoints": []}
    stripped = tmp_path / "stripped.jsonl"
    stripped.write_text("\n".join([json.dumps(bare), *lines[1:]]) + "\n", encoding="utf-8")
    assert verify_bundle(stripped).problem is None
    # and on the kiosk itself, without --checkpoints, the kept checkpoint holds the journal
    capsys.readouterr()
    assert main(["audit", "verify", "--data", str(kiosk.path), "--lang", "en"]) == 1
    assert "missing_tail" in capsys.readouterr().out
