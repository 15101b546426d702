"""The central's field key and sealed personal fields (central.fields), and the
service storing and serving them on a real SQLite database."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.database import make_engine, migrate
from central.fields import (
    CentralCipher,
    CentralKeyFileError,
    card_aad,
    holder_aad,
    load_or_create_key,
)
from central.service import CentralService
from clock import FixedClock
from kiosk.cli import main
from protocol.event_format import GENESIS_HASH, SignedEvent, format_timestamp

PNR = "194512249876"
NAME = "Åsa Öberg-Testsson"


def test_key_file_is_created_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "central.key"
    key = load_or_create_key(path)
    assert len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_key_file_readable_by_others_or_malformed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "central.key"
    load_or_create_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(CentralKeyFileError, match="read by others"):
        load_or_create_key(path)
    short = tmp_path / "short.key"
    short.write_text("ab" * 16)
    os.chmod(short, 0o600)
    with pytest.raises(CentralKeyFileError, match="64 bytes"):
        load_or_create_key(short)


def test_central_command_refuses_an_open_key_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "central.key"
    load_or_create_key(key)
    os.chmod(key, 0o640)
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    args = ["central", "--db", url, "--field-key", str(key), "--add-operator", "X"]
    code = main([*args, "--role", "clerk", "--office", "O"])
    assert code == 1
    assert "read by others" in capsys.readouterr().err


def test_split_keeps_personal_fields_sealed_and_bound_to_their_row() -> None:
    cipher = CentralCipher.generate()
    data = {
        "personnummer": PNR,
        "name": NAME,
        "hsa_id": "SE-HSA-1",
        "organisation": "Region",
        "holder": {"given_name": "Åsa"},
    }
    clear, sealed, index = cipher.split(data, holder_aad("H1"))
    assert clear == {"hsa_id": "SE-HSA-1", "organisation": "Region"}
    assert sealed is not None and PNR.encode() not in sealed and "Åsa".encode() not in sealed
    assert index == cipher.personnummer_index(PNR) == cipher.personnummer_index("19451224-9876")
    assert cipher.join(clear, sealed, holder_aad("H1")) == data
    with pytest.raises(ValueError, match="does not open"):
        cipher.join(clear, sealed, holder_aad("H2"))  # copied to another row
    with pytest.raises(ValueError, match="does not open"):
        CentralCipher.generate().join(clear, sealed, holder_aad("H1"))  # another key
    assert cipher.split({"order_date": "2026-10-01"}, card_aad("S1")) == (
        {"order_date": "2026-10-01"},
        None,
        None,
    )


def test_service_stores_sealed_and_serves_whole_rows(tmp_path: Path, clock: FixedClock) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    service = CentralService(engine, cipher=CentralCipher.generate(), clock=clock)
    service.set_operator(hsa_id="CLK", role="clerk", office_id="O")
    service.put_holder(
        holder_id="H1", office_id="O", data={"personnummer": PNR, "name": NAME, "hsa_id": "HSA"}
    )
    service.put_cards(
        [{"serial": "S1", "office_id": "O", "holder_id": "H1", "state": "active", "data": {}}]
    )
    key = Ed25519PrivateKey.generate()
    service.register_kiosk(
        kiosk_id="k1",
        office_id="O",
        public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )
    payload = {
        "serial": "S1",
        "holder_name": NAME,
        "personnummer": PNR,
        "reason": "lost",
        "certificates": ["authentication"],
        "state": "blocked",
    }
    event = SignedEvent.create(
        key,
        event_id=str(uuid.uuid4()),
        kiosk_id="k1",
        seq=1,
        occurred_at=format_timestamp(clock()),
        operator="CLK",
        event_type="card.blocked",
        payload=payload,
        prev_hash=GENESIS_HASH,
    )
    assert [r.status for r in service.push("k1", [event.to_dict()]).results] == ["accepted"]
    assert service.events("k1")[0].payload == payload
    assert service.verify_chain("k1")
    assert service.holder_ids_by_personnummer(PNR) == ["H1"]
    assert service.holder_ids_by_personnummer("190001010000") == []
    page = service.pull("k1", 0)
    holder = next(c for c in page.changes if c.entity == "holder")
    assert holder.data["data"] == {"personnummer": PNR, "name": NAME, "hsa_id": "HSA"}
    card = next(c for c in page.changes if c.entity == "card")
    assert card.data["state"] == "blocked" and card.data["data"] == {}
    engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("central.sqlite3")]
    dump = b"".join(p.read_bytes() for p in files)
    for needle in (PNR, PNR[2:], "Testsson", "Åsa", "\\u00c5sa"):
        assert needle.encode() not in dump, needle


def test_only_allowed_fields_stay_in_clear_a_new_field_is_sealed(
    tmp_path: Path, clock: FixedClock
) -> None:
    """An allow-list: a field no one listed (a phone number, an address, a note) is
    sealed, in the cipher's split and in the stored rows of the database file."""
    cipher = CentralCipher.generate()
    data = {
        "serial": "S1",
        "order_date": "2026-10-01",
        "state": "shipped",
        "phone": "070-1234567",
        "home_address": "Storgatan 1",
        "state_history": ["shipped"],  # a listed-looking name, a list: sealed too
    }
    clear, sealed, _ = cipher.split(data, card_aad("S1"))
    assert clear == {"serial": "S1", "order_date": "2026-10-01", "state": "shipped"}
    assert sealed is not None and cipher.join(clear, sealed, card_aad("S1")) == data
    assert cipher.split({"serial": {"nested": "x"}}, card_aad("S1"))[0] == {}

    engine = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    migrate(engine)
    service = CentralService(engine, cipher=cipher, clock=clock)
    service.put_cards(
        [
            {
                "serial": "S1",
                "office_id": "O",
                "state": "shipped",
                "data": {"order_date": "2026-10-01", "home_address": "Storgatan 1"},
            }
        ]
    )
    service.put_holder(holder_id="H1", office_id="O", data={"phone": "070-1234567"})
    engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("central.sqlite3")]
    dump = b"".join(p.read_bytes() for p in files)
    assert b"2026-10-01" in dump  # the dump does see clear fields
    for needle in (b"Storgatan", b"070-1234567", b"1234567"):
        assert needle not in dump, needle
