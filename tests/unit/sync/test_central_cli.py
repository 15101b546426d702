"""``kiosk central`` administration flags: register a kiosk, add an operator."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from central.database import make_engine
from central.fields import CentralCipher, operator_aad
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


def _operators_call(tmp_path: Path, source: str) -> int:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    key = str(tmp_path / "central.key")
    return main(
        ["central", "--db", url, "--field-key", key, "--operators", source, "--office", "O"]
    )


def _roster(tmp_path: Path) -> dict[str, tuple[str, bool, str | None]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    cipher = CentralCipher.from_file(tmp_path / "central.key")
    try:
        with engine.connect() as conn:
            rows = conn.execute(OPERATOR.select()).all()
    finally:
        engine.dispose()
    return {
        row.hsa_id: (
            row.role,
            row.active,
            cipher.join(row.data or {}, row.personal_enc, operator_aad(row.hsa_id)).get("name"),
        )
        for row in rows
    }


def test_operators_from_standard_input_in_one_call(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entries = [
        {"hsa_id": "SE-CLK", "role": "clerk", "name": "Kim Clerk"},
        {"hsa_id": "SE-ADM", "role": "id_admin", "active": False},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(entries)))
    assert _operators_call(tmp_path, "-") == 0
    out = capsys.readouterr().out
    assert "operator SE-CLK (clerk) at office O" in out
    assert "operator SE-ADM (id_admin) at office O" in out
    roster = _roster(tmp_path)
    assert roster["SE-CLK"][:2] == ("clerk", True)
    assert roster["SE-ADM"][:2] == ("id_admin", False)
    assert roster["SE-CLK"][2] == "Kim Clerk"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not JSON"),
        ('{"hsa_id": "SE-X"}', "expected a list of operators"),
        ('[{"hsa_id": "SE-X", "role": "clerk"}, 7]', "operator 2: expected an object"),
        ('[{"hsa_id": "SE-X", "role": "boss"}]', "operator 1: role must be one of"),
        ('[{"hsa_id": "", "role": "clerk"}]', "operator 1: hsa_id must be"),
        ('[{"hsa_id": "SE-X", "role": "clerk", "pin": "1"}]', "unknown field pin"),
        ('[{"hsa_id": "SE-X", "role": "clerk", "active": "yes"}]', "active must be"),
        ('[{"hsa_id": "SE-X", "role": "clerk", "name": 5}]', "name must be a string"),
    ],
)
def test_a_bad_operators_file_is_a_clear_error_and_stores_nobody(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    roster_file = tmp_path / "operators.json"
    roster_file.write_text(text, encoding="utf-8")
    assert _operators_call(tmp_path, str(roster_file)) == 1
    assert problem in capsys.readouterr().err
    assert not (tmp_path / "central.sqlite3").exists() or not _roster(tmp_path)


def test_an_unreadable_operators_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _operators_call(tmp_path, str(tmp_path / "missing.json")) == 1
    assert "cannot read" in capsys.readouterr().err
