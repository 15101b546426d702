"""Thousands of damaged bundles: each is reported as a problem or as not a bundle, never
a traceback, and every change to what an event's hash covers is caught."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clock import FixedClock
from protocol.journal_bundle import EVENT_FIELDS, BundleFormatError, verify_bundle
from store.database import open_store
from store.journal import Journal
from store.journal_export import export_bundle
from store.keys import KioskKeys

EXAMPLES = 1500
EVENTS = 12
HASHED_TEXT = ("event_id", "kiosk_id", "occurred_at", "operator", "event_type")
HASHED_HEX = ("payload_digest", "prev_hash", "prev_signature", "hash", "signature")


@pytest.fixture(scope="module")
def bundle_lines(tmp_path_factory: pytest.TempPathFactory, now: dt.datetime) -> list[bytes]:
    folder = tmp_path_factory.mktemp("fuzz")
    keys = KioskKeys.generate()
    store = open_store(f"sqlite:///{folder / 'kiosk.sqlite3'}", keys)
    clock = FixedClock(now)
    journal = Journal("kiosk-fuzz", keys, store.cipher, clock=clock)
    with store.unit_of_work() as session:
        for n in range(EVENTS):
            journal.append(
                session,
                event_type="card.blocked",
                operator="SE2321000016-0001" if n % 2 else None,
                payload={"serial": f"S{n}"},
            )
    with store.unit_of_work() as session:
        export_bundle(
            session,
            folder / "b",
            kiosk_id="kiosk-fuzz",
            kiosk_public_key=keys.public_key_bytes(),
        )
    store.close()
    return (folder / "b").read_bytes().splitlines()


def _verify(folder: Path, lines: list[bytes]) -> object:
    path = folder / f"bundle-{os.getpid()}"
    path.write_bytes(b"\n".join(lines) + b"\n")
    try:
        return verify_bundle(path, workers=1)
    except BundleFormatError:
        return None


def test_damaged_bundles_are_reported_never_raised(
    bundle_lines: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("damaged")
    tried = {"count": 0, "reported": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        line=st.integers(0, EVENTS),
        position=st.integers(0, 2000),
        byte=st.integers(0, 255),
        action=st.sampled_from(["replace", "delete", "insert", "drop_line", "dup_line", "swap"]),
    )
    def one(line: int, position: int, byte: int, action: str) -> None:
        lines = list(bundle_lines)
        target = bytearray(lines[line])
        spot = position % max(len(target), 1)
        if action == "replace":
            target[spot] = byte
        elif action == "delete":
            del target[spot]
        elif action == "insert":
            target.insert(spot, byte)
        lines[line] = bytes(target)
        if action == "drop_line":
            del lines[line]
        elif action == "dup_line":
            lines.insert(line, lines[line])
        elif action == "swap" and line < EVENTS:
            lines[line], lines[line + 1] = lines[line + 1], lines[line]
        report = _verify(folder, lines)
        tried["count"] += 1
        tried["reported"] += report is None or not report.ok  # type: ignore[attr-defined]

    one()
    print(f"\nbundle fuzz: {tried['count']} damaged bundles, {tried['reported']} reported")
    assert tried["count"] >= EXAMPLES // 2


def test_every_change_to_a_hashed_field_is_caught(
    bundle_lines: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("hashed")
    tried = {"count": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        event=st.integers(1, EVENTS),
        name=st.sampled_from([*HASHED_TEXT, *HASHED_HEX, "seq", "format"]),
        salt=st.integers(0, 10**6),
    )
    def one(event: int, name: str, salt: int) -> None:
        lines = list(bundle_lines)
        entries = json.loads(lines[event])
        index = EVENT_FIELDS.index("event_format" if name == "format" else name)
        value = entries[index]
        if name == "format":
            changed: object = 1 if value == 2 else value + 1 + salt % 3
        elif name == "seq":
            changed = value + 1 + salt % 3
        elif name in HASHED_HEX:
            digit = "0123456789abcdef"[salt % 16]
            spot = salt % len(value)
            if value[spot] == digit:
                digit = "0" if digit != "0" else "1"
            changed = value[:spot] + digit + value[spot + 1 :]
        else:
            changed = (value or "") + chr(ord("a") + salt % 26)
        entries[index] = changed
        lines[event] = json.dumps(entries).encode()
        report = _verify(folder, lines)
        tried["count"] += 1
        assert report is not None and not report.ok, (name, event)  # type: ignore[attr-defined]

    one()
    print(f"\nbundle fuzz: {tried['count']} changed hashed fields, all caught")
