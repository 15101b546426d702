"""The card stack's daemon and tools on the real PC/SC stack: the reader watcher, pcscd going
away, the `kiosk virtual-card` command, OpenSC's tools and the logs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.card.certs import ChainStatus, TrustAnchors
from devices.card.errors import (
    CardRemovedError,
    PinLockedError,
    ReaderGoneError,
    WrongPinError,
    WrongPukError,
)
from devices.card.pcsc import PcscContext
from devices.card.piv import PivSession
from devices.card.readers import (
    CardInserted,
    CardRemoved,
    ReaderAppeared,
    ReaderChange,
    ReaderDisappeared,
    ReaderWatcher,
)
from devices.card.reading import read_card
from devices.virtual.factory import CardFactory
from devices.virtual.pcscd import VPCD_READERS, PcscDaemon, wait_for_card, wait_for_readers
from tests.integration.cards.signatures import verify_signature
from tests.integration.pcscd_fixture import InsertCard

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

OPERATOR, CUSTOMER = VPCD_READERS
Open = Callable[[str], PivSession]


def _wait_event(
    events: queue.Queue[ReaderChange], wanted: ReaderChange, timeout: float = 5
) -> None:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            event = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(event)
        if event == wanted:
            return
    raise AssertionError(f"{wanted} not seen; got {seen}")


def test_watcher_sees_insert_and_remove_with_roles(
    factory: CardFactory, vpcd_cards: InsertCard
) -> None:
    events: queue.Queue[ReaderChange] = queue.Queue()
    issued = factory.personalise()
    with ReaderWatcher(PcscContext, events.put, poll_seconds=0.2) as watcher:
        assert watcher.ready.wait(5)
        _wait_event(events, ReaderAppeared(CUSTOMER, "customer"))
        link = vpcd_cards(issued.card, 1)
        _wait_event(events, CardInserted(CUSTOMER, "customer", issued.card.atr))
        link.remove()
        _wait_event(events, CardRemoved(CUSTOMER, "customer"))
    assert not watcher.running


def test_reader_disappears_when_pcscd_stops_and_comes_back(
    pcscd: PcscDaemon,
    factory: CardFactory,
    vpcd_cards: InsertCard,
    anchors: TrustAnchors,
    now: dt.datetime,
) -> None:
    if not pcscd.owned:
        pytest.skip("pcscd was already running; this test restarts only a daemon it owns")
    issued = factory.personalise()
    events: queue.Queue[ReaderChange] = queue.Queue()
    vpcd_cards(issued.card, 0)  # the link reconnects by itself when vpcd comes back
    with ReaderWatcher(PcscContext, events.put, poll_seconds=0.2, retry_seconds=0.05) as watcher:
        assert watcher.ready.wait(5)
        _wait_event(events, CardInserted(OPERATOR, "operator", issued.card.atr))
        context = PcscContext()
        connection = context.connect(OPERATOR)
        session = PivSession(connection)
        try:
            pcscd.stop()
            with pytest.raises((ReaderGoneError, CardRemovedError)):
                session.read_chuid()
            _wait_event(events, ReaderDisappeared(OPERATOR, "operator"))
        finally:
            connection.close()
            context.release()
            pcscd.start()
        assert wait_for_readers(VPCD_READERS)
        _wait_event(events, ReaderAppeared(OPERATOR, "operator"))
        _wait_event(events, CardInserted(OPERATOR, "operator", issued.card.atr))
    with PcscContext() as context, context.connect(OPERATOR) as connection:
        assert read_card(PivSession(connection), anchors, now=now).serial == issued.serial


def test_kiosk_virtual_card_command(
    tmp_path: Path, pcscd: PcscDaemon, anchors: object, now: dt.datetime
) -> None:
    kiosk = Path(sys.executable).with_name("kiosk")
    command = [
        str(kiosk),
        "virtual-card",
        "--reader",
        "1",
        "--product",
        "6xx",
        "--pin",
        "112233",
        "--no-signing-cert",
        "--pki-dir",
        str(tmp_path / "pki"),
        "--lang",
        "en",
    ]
    # faulthandler: a process that does not end on SIGINT gets SIGABRT and prints where it hung
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert wait_for_card(CUSTOMER, present=True, timeout=15)
        trust = TrustAnchors.from_pem_files(
            [
                tmp_path / "pki" / "bundle" / "intermediate.pem",
                tmp_path / "pki" / "bundle" / "root.pem",
            ]
        )
        with PcscContext() as context, context.connect(CUSTOMER) as connection:
            session = PivSession(connection)
            reading = read_card(session, trust, now=now)
            session.verify_pin("112233")
        assert not reading.has_signing_certificate
        assert reading.chain is ChainStatus.OK
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # ends it: a card left on vpcd's port
            out, err = process.communicate()  # would fail every later test
    assert process.returncode == 0, err
    assert reading.serial in out and "CODE LETTER" in out
    assert wait_for_card(CUSTOMER, present=False, timeout=5)


PKCS11_MODULE = Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so")


@pytest.mark.parametrize("key_type", ["p256", "rsa2048"])
def test_interop_opensc_lists_verifies_and_signs(
    factory: CardFactory, vpcd_cards: InsertCard, tmp_path: Path, key_type: str
) -> None:
    """Standard PIV middleware nobody here wrote (OpenSC) uses the virtual card."""
    if shutil.which("pkcs11-tool") is None or not PKCS11_MODULE.exists():
        pytest.skip("OpenSC missing: install Debian packages opensc and opensc-pkcs11")
    issued = factory.personalise(key_type=key_type)  # type: ignore[arg-type]
    vpcd_cards(issued.card, 0)
    listed = subprocess.run(
        ["pkcs15-tool", "--reader", "0", "--list-certificates"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    for label in (
        "PIV Authentication",
        "Digital Signature",
        "Key Management",
        "Card Authentication",
    ):
        assert f"Certificate for {label}" in listed
    message = tmp_path / "message.bin"
    message.write_bytes(b"signed by middleware")
    signature_file = tmp_path / "signature.bin"
    mechanism = (
        ["-m", "ECDSA-SHA256", "--signature-format", "openssl"]
        if key_type == "p256"
        else ["-m", "SHA256-RSA-PKCS"]
    )
    wrong = subprocess.run(  # noqa: PLW1510  (a failing login is the point)
        [
            "pkcs11-tool",
            "--module",
            str(PKCS11_MODULE),
            "--login",
            "--pin",
            "000000",
            "--sign",
            "--id",
            "01",
            *mechanism,
            "--input-file",
            str(message),
            "--output-file",
            str(signature_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert wrong.returncode != 0 and "CKR_PIN_INCORRECT" in wrong.stdout + wrong.stderr
    subprocess.run(
        [
            "pkcs11-tool",
            "--module",
            str(PKCS11_MODULE),
            "--login",
            "--pin",
            issued.pin,
            "--sign",
            "--id",
            "01",
            *mechanism,
            "--input-file",
            str(message),
            "--output-file",
            str(signature_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    verify_signature(
        issued.holder.authentication.cert, signature_file.read_bytes(), message.read_bytes()
    )
    assert issued.card.pin_tries_left == 3  # the right PIN reset the counter


def test_no_pin_or_puk_in_errors_or_logs_on_real_stack(
    factory: CardFactory,
    vpcd_cards: InsertCard,
    open_session: Open,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    issued = factory.personalise(product="5xx", pin="314159", puk="27182818")
    vpcd_cards(issued.card, 0)
    session = open_session(OPERATOR)
    texts = []
    for attempt in ("271828", "161803", "141421"):
        try:
            session.verify_pin(attempt)
        except (WrongPinError, PinLockedError) as exc:
            texts += [str(exc), repr(exc), repr(exc.params)]
    try:
        session.unblock_with_puk("57721566", "662607")
    except WrongPukError as exc:
        texts += [str(exc), repr(exc), repr(exc.params)]
    session.unblock_with_puk("27182818", "662607")
    session.change_pin("662607", "299792")
    texts += [caplog.text, repr(issued), repr(session)]
    blob = "\n".join(texts)
    for secret in (
        "314159",
        "27182818",
        "271828",
        "161803",
        "141421",
        "57721566",
        "662607",
        "299792",
    ):
        assert secret not in blob
        assert secret.encode().hex() not in blob.lower()  # nor as APDU hex
