"""Kiosk configuration: one frozen object, read from TOML and validated at start.

Every problem names the offending key, so a technician can fix the file without
reading code. Defaults are the embedded demo set-up: SQLite in the platform data
directory, virtual card readers and a virtual document scanner.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError
from kiosk.i18n import LANGUAGES

FRAMINGS = ("cr", "crlf", "stx-etx", "stx-etx-bcc", "soh-length")
PARITIES = ("N", "E", "O")


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("card-office-kiosk", appauthor=False))


@dataclass(frozen=True)
class ReaderConfig:
    operator_pattern: str = r"Virtual PCD 00 00|(?i:operat)"
    customer_pattern: str = r"Virtual PCD 00 01|(?i:customer|kund)"
    virtual: bool = True


@dataclass(frozen=True)
class ScannerConfig:
    port: str = "virtual"
    framing: str = "crlf"
    baud: int = 9600
    parity: str = "N"
    stop_bits: int = 1
    frame_timeout_ms: int = 500


@dataclass(frozen=True)
class CentralConfig:
    url: str = ""
    client_cert: str = ""
    client_key: str = ""
    ca_file: str = ""
    timeout_seconds: float = 5.0
    # The office key that opens the 7xx PUKs the central releases (never in the database).
    puk_key_file: str = ""
    sync_interval_seconds: float = 30.0
    # Without a successful sync round for this long, every login is limited to blocking.
    roster_max_age_days: int = 14
    # A cached CRL this long past its nextUpdate refuses activation, unlock and card tests.
    crl_grace_days: int = 7
    # A card photo is deleted this many days after its card was activated.
    photo_retention_days: int = 30
    # Talk to the central without client authentication (an http:// URL, or no
    # client_cert/client_key): refused unless set, for tests and demos only.
    insecure_no_client_auth: bool = False
    # The central's checkpoint public key (hex; ``kiosk central --show-checkpoint-key``),
    # pinned at registration; empty: pinned at the first contact.
    checkpoint_key: str = ""


@dataclass(frozen=True)
class OfficeConfig:
    """The card office's contact details, printed on the holder's receipts (R14).
    Empty values are left out; ``name`` falls back to the register's office name."""

    name: str = ""
    address: str = ""
    opening_hours: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceiptConfig:
    folder: str = ""
    printer: str = ""
    # The card's terms of use the holder reads and accepts before signing the hand-out
    # receipt, one text per language; empty: the catalogue's placeholder, which says it is one.
    terms_sv: str = ""
    terms_en: str = ""

    def terms(self, lang: str) -> str:
        """The configured terms in ``lang`` ("" when none: the caller shows the placeholder)."""
        return self.terms_en if lang == "en" else self.terms_sv


@dataclass(frozen=True)
class CameraConfig:
    """The counter camera: a V4L2 device (``/dev/video0``, or an index such as ``0``), a
    video file or a folder of image files; ``virtual``: the demo's virtual camera, made in
    ``<data_dir>/virtual-camera``. ``loop``: a file or folder starts again at its end."""

    source: str = "virtual"
    loop: bool = True
    max_import_mb: int = 15  # an imported photo file larger than this is refused
    max_import_megapixels: int = 40  # ... and one with more pixels than this


CARD_BACKENDS = ("piv", "pkcs11")


@dataclass(frozen=True)
class CardConfig:
    """How the kiosk talks to cards: PIV over PC/SC (default) or a PKCS#11 module, and
    which certificate field holds which card fact (``devices.card.cert_fields``)."""

    backend: str = "piv"
    pkcs11_module: str = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"  # Debian opensc-pkcs11
    pkcs11_timeout_seconds: float = 15.0
    # The label of a two-PIN card's signing token (a pattern, not a secret).
    signing_token_pattern: str = r"(?i)\((signing|sign|signature)( pin)?\)\s*$"  # noqa: S105
    card_number_field: str = "subject:pseudonym"
    hsa_id_field: str = "subject:serialNumber"
    personnummer_field: str = "subject:serialNumber"


@dataclass(frozen=True)
class KioskConfig:
    office_id: str = "KK-SOLNA"
    kiosk_id: str = "kiosk-solna-1"
    language: str = "sv"
    idle_timeout_seconds: int = 300
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""
    key_file: str = ""
    trust_dir: str = ""  # PEM files of the SITHS intermediate and root certificates
    readers: ReaderConfig = field(default_factory=ReaderConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    central: CentralConfig = field(default_factory=CentralConfig)
    receipts: ReceiptConfig = field(default_factory=ReceiptConfig)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    card: CardConfig = field(default_factory=CardConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kiosk.sqlite3'}"

    @property
    def resolved_key_file(self) -> Path:
        """The field-encryption and signing key file: never inside the database file."""
        return Path(self.key_file) if self.key_file else self.data_dir / "kiosk.key"

    @property
    def resolved_trust_dir(self) -> Path:
        """Trust anchors (intermediate and root, R13) for card and operator certificates."""
        return Path(self.trust_dir) if self.trust_dir else self.data_dir / "trust"

    @property
    def resolved_receipts_folder(self) -> Path:
        return Path(self.receipts.folder) if self.receipts.folder else self.data_dir / "receipts"

    def with_data_dir(self, data_dir: Path) -> KioskConfig:
        return replace(self, data_dir=data_dir)


_SECTIONS: dict[str, type[Any]] = {
    "readers": ReaderConfig,
    "scanner": ScannerConfig,
    "central": CentralConfig,
    "receipts": ReceiptConfig,
    "office": OfficeConfig,
    "card": CardConfig,
    "camera": CameraConfig,
}


def _printable(text: str) -> str:
    """``text`` on one line: control characters (a newline in a quoted key) escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _fail(path: str, key: str, problem: str) -> ConfigError:
    return ConfigError(path=_printable(path), key_name=_printable(key), problem=_printable(problem))


def _typed(path: str, key: str, value: Any, expected: type[Any]) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is Path:
        if not isinstance(value, str):
            raise _fail(path, key, "expected a path (string)")
        return Path(value)
    if isinstance(value, str) and "\x00" in value:
        raise _fail(path, key, "contains a NUL character")
    if isinstance(value, bool) and expected is not bool:
        raise _fail(path, key, f"expected {expected.__name__}, got a boolean")
    if not isinstance(value, expected):
        raise _fail(path, key, f"expected {expected.__name__}, got {type(value).__name__}")
    return value


def _build(path: str, prefix: str, cls: type[Any], table: dict[str, Any]) -> Any:
    fields = cls.__dataclass_fields__
    values: dict[str, Any] = {}
    for name, value in table.items():
        full = f"{prefix}{name}"
        if name in _SECTIONS and cls is KioskConfig:
            if not isinstance(value, dict):
                raise _fail(path, full, "expected a table")
            values[name] = _build(path, f"{full}.", _SECTIONS[name], value)
            continue
        if name not in fields:
            raise _fail(path, full, "unknown key")
        annotation = fields[name].type
        expected = {"str": str, "int": int, "float": float, "bool": bool, "Path": Path}.get(
            str(annotation), str
        )
        values[name] = _typed(path, full, value, expected)
    return cls(**values)


def validate(config: KioskConfig, path: str = "<defaults>") -> KioskConfig:
    if config.language not in LANGUAGES:
        raise _fail(path, "language", f"must be one of {', '.join(LANGUAGES)}")
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", config.office_id):
        raise _fail(path, "office_id", "letters, digits, '.', '_' or '-', at most 40")
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,60}", config.kiosk_id):
        raise _fail(path, "kiosk_id", "letters, digits, '.', '_' or '-', at most 60")
    if config.idle_timeout_seconds < 10:
        raise _fail(path, "idle_timeout_seconds", "must be at least 10 seconds")
    for key in ("operator_pattern", "customer_pattern"):
        try:
            re.compile(getattr(config.readers, key))
        except (re.error, OverflowError) as exc:
            raise _fail(path, f"readers.{key}", f"not a valid pattern: {exc}") from None
        except RecursionError:
            raise _fail(path, f"readers.{key}", "not a valid pattern: nested too deeply") from None
    _validate_card(config.card, path)
    if not config.camera.source.strip():
        raise _fail(path, "camera.source", "a device path, a file, a folder or virtual")
    if not 1 <= config.camera.max_import_mb <= 200:
        raise _fail(path, "camera.max_import_mb", "must be between 1 and 200")
    if not 1 <= config.camera.max_import_megapixels <= 500:
        raise _fail(path, "camera.max_import_megapixels", "must be between 1 and 500")
    scanner = config.scanner
    if scanner.framing not in FRAMINGS:
        raise _fail(path, "scanner.framing", f"must be one of {', '.join(FRAMINGS)}")
    if scanner.parity not in PARITIES:
        raise _fail(path, "scanner.parity", "must be N, E or O")
    if scanner.stop_bits not in (1, 2):
        raise _fail(path, "scanner.stop_bits", "must be 1 or 2")
    if scanner.baud not in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200):
        raise _fail(path, "scanner.baud", "not a standard baud rate")
    if config.database_url and not config.database_url.startswith(("sqlite:", "postgresql")):
        raise _fail(path, "database_url", "must be a sqlite:/// or postgresql:// URL")
    if config.central.url and not config.central.url.startswith(("http://", "https://")):
        raise _fail(path, "central.url", "must start with http:// or https://")
    if config.central.url:
        check_central_client_auth(config.central.url, config.central, path)
    if not 1 <= config.central.photo_retention_days <= 3650:
        raise _fail(path, "central.photo_retention_days", "must be between 1 and 3650 days")
    key = config.central.checkpoint_key
    if key and not re.fullmatch(r"[0-9a-fA-F]{64}", key):
        raise _fail(path, "central.checkpoint_key", "must be 64 hex digits (an Ed25519 key)")
    if not 1 <= config.central.sync_interval_seconds <= 3600:
        raise _fail(path, "central.sync_interval_seconds", "must be between 1 and 3600 seconds")
    if config.central.roster_max_age_days < 1:
        raise _fail(path, "central.roster_max_age_days", "must be at least 1 day")
    if config.central.crl_grace_days < 0:
        raise _fail(path, "central.crl_grace_days", "must be 0 days or more")
    return config


def check_central_client_auth(
    url: str, central: CentralConfig, path: str = "<defaults>", *, insecure: bool = False
) -> None:
    """A central URL without client authentication (``http://``, or no client
    certificate and key) is refused unless ``central.insecure_no_client_auth`` (or
    ``insecure``, the command line's ``--insecure-no-client-auth``) says so."""
    if insecure or central.insecure_no_client_auth:
        return
    if url.startswith("http://"):
        raise _fail(
            path,
            "central.url",
            "http:// has no TLS and no client authentication; use https:// with "
            "client_cert and client_key (or set insecure_no_client_auth = true)",
        )
    if not (central.client_cert and central.client_key):
        raise _fail(
            path,
            "central.client_cert",
            "the central needs the kiosk's certificate and key (client_cert, client_key) "
            "for client authentication (or set insecure_no_client_auth = true)",
        )


def _validate_card(card: CardConfig, path: str) -> None:
    from devices.card.cert_fields import FieldSpecError, check_field

    if card.backend not in CARD_BACKENDS:
        raise _fail(path, "card.backend", f"must be one of {', '.join(CARD_BACKENDS)}")
    if not 1 <= card.pkcs11_timeout_seconds <= 300:
        raise _fail(path, "card.pkcs11_timeout_seconds", "must be between 1 and 300 seconds")
    try:
        re.compile(card.signing_token_pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        raise _fail(path, "card.signing_token_pattern", f"not a valid pattern: {exc}") from None
    for key in ("card_number_field", "hsa_id_field", "personnummer_field"):
        try:
            check_field(getattr(card, key))
        except FieldSpecError as exc:
            raise _fail(path, f"card.{key}", str(exc)) from None


def load_config(path: Path | None) -> KioskConfig:
    """Read and validate a TOML file; ``None`` gives the embedded defaults."""
    if path is None:
        return validate(KioskConfig())
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(shown, "-", "file not found") from None
    except IsADirectoryError:
        raise _fail(shown, "-", "a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise _fail(shown, "-", f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _fail(shown, "-", f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(shown, "-", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise _fail(shown, "-", "not valid TOML: nested too deeply") from None
    table = raw.get("kiosk", raw)
    if not isinstance(table, dict):
        raise _fail(shown, "kiosk", "expected a table")
    return validate(_build(shown, "", KioskConfig, table), shown)
