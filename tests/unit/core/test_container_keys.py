"""The office PUK key file: hex or raw 32 bytes; anything else names the config key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.container import _office_puk_key
from kiosk.errors import ConfigError


def test_no_file_configured_means_no_puk_cache() -> None:
    assert _office_puk_key("") is None


def test_hex_and_raw_keys_are_read(tmp_path: Path) -> None:
    key = bytes(range(32))
    (tmp_path / "hex").write_text(key.hex() + "\n")
    (tmp_path / "raw").write_bytes(key)
    for name in ("hex", "raw"):  # a key file only its owner may read (test_file_modes)
        (tmp_path / name).chmod(0o600)
    assert _office_puk_key(str(tmp_path / "hex")) == key
    assert _office_puk_key(str(tmp_path / "raw")) == key


@pytest.mark.parametrize("content", [b"short", b"z" * 64, bytes(33)])
def test_a_bad_key_names_the_config_key(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        _office_puk_key(str(path))
    assert caught.value.params["key_name"] == "central.puk_key_file"


def test_a_missing_key_file_names_the_config_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _office_puk_key(str(tmp_path / "absent"))
    assert caught.value.params["key_name"] == "central.puk_key_file"
