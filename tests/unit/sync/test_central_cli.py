"""``kiosk central`` administration flags: register a kiosk, add an operator."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from central.database import make_engine
from central.fields import CentralCipher
from central.service import CentralService
from central.tables import KIOSK, OPERATOR
from clock import FixedClock
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import cert_pem
from kiosk.cli import main


def test_register_kiosk_and_operator(
    tmp_path: Path, now: dt.datetime, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    cert, _key = TestPki.create(now=now).issue_kiosk_certificate("kiosk-9")
    cert_path = tmp_path / "kiosk.pem"
    cert_path.write_bytes(cert_pem(cert))
    public = "ab" * 32
    assert (
        main(
            [
                "central",
                "--db",
                url,
                "--field-key",
                str(tmp_path / "central.key"),
                "--register-kiosk",
                "kiosk-9",
                "--office",
                "KK-SOLNA",
                "--public-key",
                public,
                "--kiosk-cert",
                str(cert_path),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "central",
                "--db",
                url,
                "--field-key",
                str(tmp_path / "central.key"),
                "--add-operator",
                "SE-ADM",
                "--role",
                "id_admin",
                "--office",
                "KK-SOLNA",
            ]
        )
        == 0
    )
    assert "kiosk kiosk-9 registered" in capsys.readouterr().out
    engine = make_engine(url)
    service = CentralService(
        engine, cipher=CentralCipher.from_file(tmp_path / "central.key"), clock=clock
    )
    with engine.connect() as conn:
        kiosk = conn.execute(KIOSK.select()).one()
        operator = conn.execute(OPERATOR.select()).one()
    assert kiosk.public_key == public and kiosk.office_id == "KK-SOLNA"
    assert kiosk.cert_fingerprint == hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    assert (operator.hsa_id, operator.role, operator.active) == ("SE-ADM", "id_admin", True)
    assert service.kiosk_head("kiosk-9") == (0, "0" * 64)
    engine.dispose()


def test_bad_public_key_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    code = main(
        [
            "central",
            "--db",
            url,
            "--field-key",
            str(tmp_path / "central.key"),
            "--register-kiosk",
            "k",
            "--office",
            "O",
            "--public-key",
            "zz",
        ]
    )
    assert code == 1
    assert "expected 64 hex digits" in capsys.readouterr().err
