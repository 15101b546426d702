"""The office key that opens the 7xx PUKs the central releases, read from its file."""

from __future__ import annotations

from pathlib import Path


def load_office_puk_key(path: str) -> bytes | None:
    """The office key that opens the 7xx PUKs the central releases (32 bytes, hex or raw);
    without one the kiosk keeps no PUK cache and 7xx unlocks need the central."""
    if not path:
        return None
    from kiosk.errors import ConfigError

    try:
        data = Path(path).read_bytes().strip()
    except OSError as exc:
        raise ConfigError(
            path=path, key_name="central.puk_key_file", problem=exc.strerror or "unreadable"
        ) from None
    try:
        key = bytes.fromhex(data.decode("ascii")) if len(data) == 64 else data
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ConfigError(path=path, key_name="central.puk_key_file", problem="not a 32-byte key")
    from store.keys import LOOSE_MODE_PROBLEM, open_to_others

    if open_to_others(Path(path)):
        raise ConfigError(path=path, key_name="central.puk_key_file", problem=LOOSE_MODE_PROBLEM)
    return key
