"""Configuration: embedded defaults, TOML files, and a clear message naming a bad key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, load_config
from kiosk.errors import ConfigError
from kiosk.i18n import Catalogue

GOOD = """
[kiosk]
office_id = "KK-SOLNA"
kiosk_id = "kiosk-7"
language = "en"
idle_timeout_seconds = 120
data_dir = "{data}"
trust_dir = "/etc/kiosk/trust"

[kiosk.readers]
operator_pattern = "OMNIKEY.*00 00"
customer_pattern = "OMNIKEY.*01 00"
virtual = false

[kiosk.scanner]
port = "/dev/ttyUSB0"
framing = "stx-etx-bcc"
baud = 19200
parity = "E"
stop_bits = 1

[kiosk.central]
url = "https://central.test:8443"
client_cert = "/etc/kiosk/kiosk.crt"
client_key = "/etc/kiosk/kiosk.key"
timeout_seconds = 3

[kiosk.receipts]
printer = "counter-1"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_embedded_demo_setup() -> None:
    config = load_config(None)
    assert config.readers.virtual is True
    assert config.scanner.port == "virtual"
    assert config.resolved_database_url.startswith("sqlite:///")
    assert config.resolved_key_file.parent == config.data_dir
    assert config.resolved_key_file.name != Path(config.resolved_database_url).name
    assert config.resolved_trust_dir == config.data_dir / "trust"


def test_a_full_file_is_read_with_types(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD.format(data=tmp_path)))
    assert config.kiosk_id == "kiosk-7"
    assert config.language == "en"
    assert config.data_dir == tmp_path
    assert config.resolved_trust_dir == Path("/etc/kiosk/trust")
    assert config.readers.virtual is False
    assert config.scanner.framing == "stx-etx-bcc"
    assert config.scanner.baud == 19200
    assert config.central.timeout_seconds == 3.0
    assert config.central.client_cert == "/etc/kiosk/kiosk.crt"
    assert config.central.insecure_no_client_auth is False
    assert config.receipts.printer == "counter-1"
    assert config.resolved_receipts_folder == tmp_path / "receipts"


@pytest.mark.parametrize(
    ("replace", "by", "bad_key"),
    [
        ("baud = 19200", 'baud = "fast"', "scanner.baud"),
        ("baud = 19200", "baud = 12345", "scanner.baud"),
        ('framing = "stx-etx-bcc"', 'framing = "morse"', "scanner.framing"),
        ('parity = "E"', 'parity = "X"', "scanner.parity"),
        ('language = "en"', 'language = "fi"', "language"),
        ("idle_timeout_seconds = 120", "idle_timeout_seconds = 1", "idle_timeout_seconds"),
        ("idle_timeout_seconds = 120", "idle_timeout_seconds = true", "idle_timeout_seconds"),
        ('office_id = "KK-SOLNA"', 'office_id = "KK SOLNA!"', "office_id"),
        ("virtual = false", 'virtual = "no"', "readers.virtual"),
        (
            'operator_pattern = "OMNIKEY.*00 00"',
            'operator_pattern = "(["',
            "readers.operator_pattern",
        ),
        ('url = "https://central.test:8443"', 'url = "ftp://x"', "central.url"),
        ('printer = "counter-1"', 'printer = "x"\ncolour = true', "receipts.colour"),
        (
            "timeout_seconds = 3",
            "timeout_seconds = 3\nphoto_retention_days = 0",
            "central.photo_retention_days",
        ),
    ],
)
def test_a_bad_value_names_its_key(tmp_path: Path, replace: str, by: str, bad_key: str) -> None:
    text = GOOD.format(data=tmp_path)
    assert replace in text
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text.replace(replace, by)))
    assert caught.value.params["key_name"] == bad_key
    for lang in ("sv", "en"):
        message = Catalogue(lang).error(caught.value)
        assert bad_key in message
        assert "kiosk.toml" in message


@pytest.mark.parametrize(
    ("replace", "by", "bad_key"),
    [
        ('url = "https://central.test:8443"', 'url = "http://127.0.0.1:8443"', "central.url"),
        ('url = "https://central.test:8443"', 'url = "http://localhost:8443"', "central.url"),
        ('client_key = "/etc/kiosk/kiosk.key"\n', "", "central.client_cert"),
        ('client_cert = "/etc/kiosk/kiosk.crt"\n', "", "central.client_cert"),
    ],
)
def test_a_central_without_client_authentication_needs_the_insecure_option(
    tmp_path: Path, replace: str, by: str, bad_key: str
) -> None:
    """Plain http:// (loopback too) or https:// without the kiosk's certificate and key is
    refused; ``insecure_no_client_auth = true`` says so explicitly and is then accepted."""
    text = GOOD.format(data=tmp_path)
    assert replace in text
    text = text.replace(replace, by)
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    assert caught.value.params["key_name"] == bad_key
    assert "insecure_no_client_auth" in Catalogue("en").error(caught.value)
    explicit = text.replace(
        "timeout_seconds = 3", "timeout_seconds = 3\ninsecure_no_client_auth = true"
    )
    assert load_config(_write(tmp_path, explicit)).central.insecure_no_client_auth is True


def test_not_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[kiosk\noffice_id = 1"))
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, '[kiosk]\nofice_id = "KK-SOLNA"\n'))
    assert caught.value.params["key_name"] == "ofice_id"


def test_config_is_frozen() -> None:
    config = KioskConfig()
    with pytest.raises(AttributeError):
        config.office_id = "other"  # type: ignore[misc]


def test_run_with_a_bad_config_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[kiosk]\nlanguage = "fi"\n')
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "language" in result.stderr
    assert "Traceback" not in result.stderr


def test_photos_are_kept_30_days_after_activation_unless_configured(tmp_path: Path) -> None:
    text = GOOD.format(data=tmp_path)
    assert load_config(_write(tmp_path, text)).central.photo_retention_days == 30
    longer = text.replace("timeout_seconds = 3", "timeout_seconds = 3\nphoto_retention_days = 90")
    assert load_config(_write(tmp_path, longer)).central.photo_retention_days == 90
