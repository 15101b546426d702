"""The kiosk's secret keys, kept in one file outside the database file.

Three keys: a 32-byte AES-256-GCM key for personal fields, a 32-byte HMAC-SHA256 key
for blind indexes, and the Ed25519 key that signs journal events. The file is JSON
(hex values) with mode 0600 in a directory with mode 0700.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from store.errors import BadKeyFileError, MissingKeyFileError

KEY_FILE_VERSION = 1
# Group or others may do anything with the file: the central's rule for its field key.
LOOSE_MODE_BITS = stat.S_IRWXG | stat.S_IRWXO
LOOSE_MODE_PROBLEM = "group or others may read it (chmod 600)"


def open_to_others(path: Path) -> bool:
    """Whether group or others have any permission on the (existing) key file ``path``."""
    return bool(path.stat().st_mode & LOOSE_MODE_BITS)


@dataclass(frozen=True, repr=False)
class KioskKeys:
    field_key: bytes
    index_key: bytes
    signing_key: Ed25519PrivateKey = field(compare=False)

    def __post_init__(self) -> None:
        if len(self.field_key) != 32 or len(self.index_key) != 32:
            raise ValueError("field and index keys must be 32 bytes")

    def __repr__(self) -> str:  # never show key material
        return "KioskKeys(<secret>)"

    @classmethod
    def generate(cls) -> KioskKeys:
        return cls(
            field_key=secrets.token_bytes(32),
            index_key=secrets.token_bytes(32),
            signing_key=Ed25519PrivateKey.generate(),
        )

    def signing_key_bytes(self) -> bytes:
        return self.signing_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public_key_bytes(self) -> bytes:
        """The raw 32-byte Ed25519 public key, to register the kiosk at the central."""
        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": KEY_FILE_VERSION,
                "field_key": self.field_key.hex(),
                "index_key": self.index_key.hex(),
                "signing_key": self.signing_key_bytes().hex(),
            },
            indent=2,
        )


def load_keys(path: Path) -> KioskKeys:
    """Read the key file; :class:`MissingKeyFileError` or :class:`BadKeyFileError` when
    unusable, and a file that group or others may read is unusable."""
    shown = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingKeyFileError(path=shown) from None
    except IsADirectoryError:
        raise BadKeyFileError(path=shown, problem="it is a directory") from None
    except PermissionError:
        raise BadKeyFileError(path=shown, problem="no permission to read it") from None
    except UnicodeDecodeError:
        raise BadKeyFileError(path=shown, problem="not a text file") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise BadKeyFileError(path=shown, problem="not a kiosk key file (not JSON)") from None
    if not isinstance(data, dict) or data.get("version") != KEY_FILE_VERSION:
        raise BadKeyFileError(path=shown, problem="not a kiosk key file (unknown version)")
    try:
        field_key = bytes.fromhex(str(data["field_key"]))
        index_key = bytes.fromhex(str(data["index_key"]))
        signing = bytes.fromhex(str(data["signing_key"]))
    except KeyError as exc:
        raise BadKeyFileError(path=shown, problem=f"the entry {exc.args[0]} is missing") from None
    except ValueError:
        raise BadKeyFileError(path=shown, problem="a key is not hexadecimal") from None
    if len(field_key) != 32 or len(index_key) != 32 or len(signing) != 32:
        raise BadKeyFileError(path=shown, problem="a key has the wrong length")
    if open_to_others(path):
        raise BadKeyFileError(path=shown, problem=LOOSE_MODE_PROBLEM)
    return KioskKeys(
        field_key=field_key,
        index_key=index_key,
        signing_key=Ed25519PrivateKey.from_private_bytes(signing),
    )


def load_or_create_keys(path: Path) -> KioskKeys:
    """Load the key file, or create it (0600, parent directories 0700) when absent."""
    if path.exists():
        return load_keys(path)
    keys = KioskKeys.generate()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # created concurrently: use that one
        return load_keys(path)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keys.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)
    return keys
