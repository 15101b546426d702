"""``kiosk central``: the checkpoint key file (made like the field key), its public key
printed at registration for the kiosk to pin, and the fork alarms listed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from central.checkpoints import checkpoint_public_key, load_or_create_checkpoint_key
from central.database import make_engine
from central.fields import CentralCipher
from central.service import CentralService
from clock import FixedClock
from kiosk.cli import main
from protocol.checkpoint import DivergenceKind, DivergenceReport


def _central(tmp_path: Path, *extra: str) -> list[str]:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    return ["central", "--db", url, "--field-key", str(tmp_path / "central.key"), *extra]


def test_registration_prints_the_checkpoint_key_the_kiosk_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--register-kiosk", "kiosk-9", "--office", "KK-SOLNA", "--public-key", "ab" * 32]
    assert main(_central(tmp_path, *args)) == 0
    printed = capsys.readouterr().out
    key_file = tmp_path / "central-checkpoint.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    public = checkpoint_public_key(load_or_create_checkpoint_key(key_file))
    assert f"checkpoint_key: {public}" in printed
    assert main(_central(tmp_path, "--show-checkpoint-key")) == 0
    assert capsys.readouterr().out.strip() == public
    assert public not in key_file.read_text()  # the file holds the private seed


def test_a_checkpoint_key_file_others_may_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "loose.key"
    load_or_create_checkpoint_key(key_file)
    os.chmod(key_file, 0o640)
    code = main(_central(tmp_path, "--checkpoint-key", str(key_file), "--show-checkpoint-key"))
    assert code != 0
    err = capsys.readouterr().err
    assert "checkpoint_key" in err and "Traceback" not in err


def test_fork_alarms_are_listed_for_the_operators(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_central(tmp_path, "--fork-alarms")) == 0
    assert "no fork alarms" in capsys.readouterr().out
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    service = CentralService(
        engine, cipher=CentralCipher.from_file(tmp_path / "central.key"), clock=clock
    )
    service.register_kiosk(kiosk_id="kiosk-9", office_id="KK-SOLNA", public_key=b"\x01" * 32)
    report = DivergenceReport("kiosk-9", DivergenceKind.BEHIND, 0, None)
    service.report_divergence(report)
    service.report_divergence(report)  # a kiosk retrying: recorded once
    engine.dispose()
    assert main(_central(tmp_path, "--fork-alarms")) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "kiosk-9 behind at seq 0" in lines[0]
