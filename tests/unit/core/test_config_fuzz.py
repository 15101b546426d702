"""Garbage configuration files: every one is accepted or refused with the one-line config
error (``ConfigError``), never a traceback. A seeded fuzz over thousands of files, and the
command line on a few of them."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, load_config
from kiosk.errors import ConfigError
from kiosk.i18n import Catalogue

FUZZ_FILES = 3000
SEED = 20261201

GOOD = """[kiosk]
office_id = "KK-SOLNA"
kiosk_id = "kiosk-7"
language = "en"
idle_timeout_seconds = 120
data_dir = "/var/lib/kiosk"

[kiosk.readers]
operator_pattern = "OMNIKEY.*00 00"
customer_pattern = "OMNIKEY.*01 00"
virtual = false

[kiosk.scanner]
port = "/dev/ttyUSB0"
framing = "stx-etx-bcc"
baud = 19200

[kiosk.central]
url = "https://central.test:8443"
client_cert = "/etc/kiosk/kiosk.crt"
client_key = "/etc/kiosk/kiosk.key"
timeout_seconds = 3
sync_interval_seconds = 30

[kiosk.receipts]
printer = "counter-1"
"""

KEYS = [
    "office_id",
    "kiosk_id",
    "language",
    "idle_timeout_seconds",
    "data_dir",
    "database_url",
    "key_file",
    "readers.operator_pattern",
    "readers.virtual",
    "scanner.framing",
    "scanner.baud",
    "scanner.stop_bits",
    "central.url",
    "central.sync_interval_seconds",
    "receipts.folder",
]


def _random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randrange(0, 300))


def _mutated(rng: random.Random) -> bytes:
    data = bytearray(GOOD.encode())
    for _ in range(rng.randrange(1, 12)):
        where = rng.randrange(len(data))
        action = rng.randrange(4)
        if action == 0:
            data[where] = rng.randrange(256)
        elif action == 1:
            data[where:where] = rng.randbytes(rng.randrange(1, 8))
        elif action == 2:
            del data[where : where + rng.randrange(1, 20)]
        else:
            data[where:where] = rng.choice([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\r"])
    return bytes(data)


def _deep(rng: random.Random) -> bytes:
    depth = rng.choice([50, 500, 1000, 3000, 20000])
    opener, closer = rng.choice([("[", "]"), ("{a = ", "}")])
    key = rng.choice(["office_id", "junk", "readers"])
    return f"{key} = {opener * depth}1{closer * depth}\n".encode()


def _value(rng: random.Random, depth: int = 0) -> str:
    choices: list[Callable[[], str]] = [
        lambda: str(rng.randrange(-(10**6), 10**6)),
        lambda: str(rng.choice([10**30, -(2**63), 2**63 - 1, 0])),
        lambda: rng.choice(["nan", "inf", "-inf", "1e400", "0.5", "-0.0"]),
        lambda: rng.choice(["true", "false"]),
        lambda: rng.choice(["1979-05-27T07:32:00Z", "1979-05-27", "07:32:00"]),
        lambda: '"' + _junk_text(rng) + '"',
        lambda: "'" + _junk_text(rng).replace("'", "") + "'",
        lambda: '"' + _junk_pattern(rng) + '"',
    ]
    if depth < 3:
        choices.append(lambda: "[" + ", ".join(_value(rng, depth + 1) for _ in range(3)) + "]")
        choices.append(lambda: "{x = " + _value(rng, depth + 1) + "}")
    return rng.choice(choices)()


def _junk_text(rng: random.Random) -> str:
    alphabet = 'abcÅäö/:._- \\t\\n\\u0000\\"\\\\' + "\t"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
    return text.replace("\\", "\\\\") if text.count("\\") % 2 else text


def _junk_pattern(rng: random.Random) -> str:
    pieces = ["(", ")", "[", "]", "{", "}", "*", "+", "?", "|", "a", "{99999999999}", "(?i"]
    if rng.random() < 0.1:
        return "(" * 2000 + ")" * 2000
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))


def _typed_values(rng: random.Random) -> bytes:
    lines = ["[kiosk]"]
    sections: dict[str, list[str]] = {}
    for key in rng.sample(KEYS, rng.randrange(1, 6)):
        section, _, name = key.rpartition(".")
        sections.setdefault(section, []).append(f"{name} = {_value(rng)}")
    lines.extend(sections.pop("", []))
    for section, entries in sections.items():
        lines.append(f"[kiosk.{section}]")
        lines.extend(entries)
    return ("\n".join(lines) + "\n").encode()


def _odd_keys(rng: random.Random) -> bytes:
    key = rng.choice(['"a\\nb"', '"\\u0007"', '"kiosk"', '"\\r"', "readers", '""'])
    table = rng.choice(["", "[kiosk]\n", "[kiosk.readers]\n", "kiosk = 5\n"])
    return f"{table}{key} = {_value(rng)}\n".encode()


GENERATORS: dict[str, Callable[[random.Random], bytes]] = {
    "random bytes": _random_bytes,
    "mutated file": _mutated,
    "deep nesting": _deep,
    "typed values": _typed_values,
    "odd keys": _odd_keys,
}


def _assert_one_line(exc: ConfigError) -> None:
    for lang in ("sv", "en"):
        message = Catalogue(lang).error(exc)
        assert message.isprintable(), repr(message)


def _load(path: Path) -> str:
    try:
        load_config(path)
    except ConfigError as exc:
        _assert_one_line(exc)
        return "refused"
    return "accepted"


def test_config_fuzz_3000_garbage_files_give_the_one_line_error(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    path = tmp_path / "kiosk.toml"
    for number in range(FUZZ_FILES):
        kind = rng.choice(sorted(GENERATORS))
        data = GENERATORS[kind](rng)
        path.write_bytes(data)
        try:
            outcomes[f"{kind}: {_load(path)}"] += 1
        except Exception as exc:
            raise AssertionError(f"file {number} ({kind}) {data[:200]!r}: {exc!r}") from exc
    summary = dict(sorted(outcomes.items()))
    print(f"config fuzz: {FUZZ_FILES} garbage files (seed {SEED}): {summary}")
    assert sum(outcomes.values()) == FUZZ_FILES


def test_a_directory_or_unreadable_path_gives_the_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    _assert_one_line(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "kiosk.toml" / "below-a-file-that-is-missing")
    _assert_one_line(caught.value)


CLI_CASES = {
    "not UTF-8": b'[kiosk]\noffice_id = "\xff\xfe"\n',
    "nested too deeply": b"office_id = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "regex nested too deeply": b'[kiosk.readers]\noperator_pattern = "'
    + b"(" * 3000
    + b")" * 3000
    + b'"\n',
    "repetition too large": b'[kiosk.readers]\ncustomer_pattern = "a{99999999999}"\n',
    "newline in a key": b'"office\\nid" = "x"\n',
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_a_garbage_config_exits_1_with_one_line(tmp_path: Path, case: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(CLI_CASES[case])
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]


def test_cli_a_directory_as_config_exits_1_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "audit", "verify", "--config", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_good_file_of_the_fuzz_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert isinstance(load_config(path), KioskConfig)
