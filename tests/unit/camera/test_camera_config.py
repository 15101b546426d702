"""The [kiosk.camera] section: a source, looping, the import limits; bad values name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[kiosk.camera]\n{body}\n", encoding="utf-8")
    return path


def test_the_camera_section_is_read(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, 'source = "/dev/video0"\nloop = false'))
    assert config.camera.source == "/dev/video0"
    assert config.camera.loop is False


def test_the_default_camera_is_the_virtual_one() -> None:
    assert load_config(None).camera.source == "virtual"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('source = ""', "camera.source"),
        ("source = 3", "camera.source"),
        ("max_import_mb = 0", "camera.max_import_mb"),
        ("lens = 1", "camera.lens"),
    ],
)
def test_a_bad_camera_value_names_its_key(tmp_path: Path, body: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, body))
    assert caught.value.params["key_name"] == key
