"""The key file: created private, outside the database, refused clearly when unusable."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from protocol.event_format import sign_hash, verify_signature
from store.errors import BadKeyFileError, MissingKeyFileError
from store.keys import load_keys, load_or_create_keys


def test_created_key_file_is_private_and_reloads_the_same_keys(tmp_path: Path) -> None:
    path = tmp_path / "secret" / "dir" / "kiosk.key"
    keys = load_or_create_keys(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_keys(path)
    assert again.field_key == keys.field_key
    assert again.index_key == keys.index_key
    assert again.public_key_bytes() == keys.public_key_bytes()
    assert len(keys.public_key_bytes()) == 32
    digest = "ab" * 32
    assert verify_signature(keys.public_key_bytes(), digest, sign_hash(again.signing_key, digest))
    assert keys.field_key.hex() not in repr(keys)


def test_missing_key_file_is_a_typed_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.key"
    with pytest.raises(MissingKeyFileError) as caught:
        load_keys(path)
    assert str(path) in str(caught.value)
    assert caught.value.hint_key == "hint.store.missing_key_file"
    assert not path.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json at all", "not JSON"),
        (json.dumps({"version": 99}), "unknown version"),
        (json.dumps({"version": 1, "field_key": "00" * 32, "index_key": "00" * 32}), "missing"),
        (
            json.dumps(
                {"version": 1, "field_key": "zz", "index_key": "00" * 32, "signing_key": "00"}
            ),
            "hexadecimal",
        ),
        (
            json.dumps(
                {"version": 1, "field_key": "00", "index_key": "00" * 32, "signing_key": "00"}
            ),
            "wrong length",
        ),
    ],
)
def test_bad_key_file_is_a_typed_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "kiosk.key"
    path.write_text(content)
    with pytest.raises(BadKeyFileError) as caught:
        load_keys(path)
    assert problem in str(caught.value)
