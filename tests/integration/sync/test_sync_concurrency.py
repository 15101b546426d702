"""Sync under concurrency on the real stack: kiosks and centrals changing the same cards,
blocks first, two central processes, the roster, the sync command and worker."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from central.service import CentralService
from tests.support.sync_world import (
    CLERK,
    ROOT,
    CentralProcess,
    Kiosk,
    assert_converged,
    seed_cards,
    work,
)

pytestmark = pytest.mark.integration


def test_r9_block_wins_when_two_kiosks_change_the_same_card_offline(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 2)
    first, second = kiosk_factory("kiosk-a"), kiosk_factory("kiosk-b")
    # both offline: A blocks card 0, B activates card 0; A activates 1, B blocks 1
    first.append("card.blocked", {"serial": serials[0], "reason": "lost"})
    second.append("card.activated", {"serial": serials[0]})
    first.append("card.activated", {"serial": serials[1]})
    second.append("card.blocked", {"serial": serials[1], "reason": "stolen"})
    # A syncs first: card 0 blocked, card 1 active; then B: its activation of card 0
    # is rejected (block wins), its block of card 1 is accepted (block wins again)
    assert first.client(central.url).run_round().accepted == 2
    report = second.client(central.url).run_round()
    assert report.accepted == 1 and report.rejected == 1
    assert [r.reason for r in report.rejections] == ["card blocked"]
    assert second.reasons() == {1: "card blocked"}
    shown = second.client(central.url).rejected_events()
    assert [(r.seq, r.event_type, r.reason) for r in shown] == [
        (1, "card.activated", "card blocked")
    ]
    assert central_service.card_state(serials[0]) == "blocked"
    assert central_service.card_state(serials[1]) == "blocked"
    first.client(central.url).run_round()  # pulls B's block
    for kiosk in (first, second):
        assert kiosk.card_state(serials[0]) == "blocked"
        assert kiosk.card_state(serials[1]) == "blocked"
    assert_converged(central_service, first, second)


def test_kiosk_clock_skew_does_not_decide(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    now: datetime,
) -> None:
    """A kiosk whose clock runs a year ahead cannot beat a block made by a kiosk whose
    clock is a day behind: the central orders by arrival and seq, never by clock."""
    serials = seed_cards(central_service, 1)
    behind, ahead = kiosk_factory("kiosk-behind"), kiosk_factory("kiosk-ahead")
    behind.append("card.blocked", {"serial": serials[0]}, now=now - timedelta(days=1))
    ahead.append("card.activated", {"serial": serials[0]}, now=now + timedelta(days=365))
    jumped_back = now - timedelta(days=400)
    ahead.append("identity.checked", {"check_id": "c1"}, now=jumped_back)
    assert behind.client(central.url).run_round().accepted == 1
    report = ahead.client(central.url).run_round()
    assert report.rejected == 1 and report.accepted == 1
    assert central_service.card_state(serials[0]) == "blocked"
    stored = central_service.events("kiosk-ahead")
    assert [e.seq for e in stored] == [1, 2]
    assert stored[1].occurred_at < stored[0].occurred_at  # kept as signed
    assert_converged(central_service, behind, ahead)


def test_blocks_go_first(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-1")
    work(kiosk, serials, rounds=3)  # seq 1-12
    block = kiosk.append("card.blocked", {"serial": serials[1]})  # seq 13
    work(kiosk, serials, rounds=1)  # seq 14-17
    client = kiosk.client(central.url, batch_size=1)
    seen: list[str | None] = []
    client._after_push_answer = lambda _n: seen.append(central_service.card_state(serials[1]))
    client.run_round()
    assert seen[0] == "blocked"  # the very first request carried the block
    stored = {e.seq: e for e in central_service.events("kiosk-1")}
    assert stored[13].event_id == block.event_id
    assert_converged(central_service, kiosk)


def test_two_kiosks_converge_after_working_offline(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    serials = seed_cards(central_service, 6)
    central = central_factory(start=False)
    a, b = kiosk_factory("kiosk-a"), kiosk_factory("kiosk-b")
    work(a, serials[:3])
    work(b, serials[3:])
    a.append("card.activated", {"serial": serials[0]})
    b.append("card.activated", {"serial": serials[3]})
    a.append("card.blocked", {"serial": serials[4]})  # B's card, blocked at A
    b.append("card.returned", {"serial": serials[4]})  # B meanwhile takes it back
    b.append("card.blocked", {"serial": serials[0]})
    client_a, client_b = a.client(central.url, timeout=1), b.client(central.url, timeout=1)
    assert not client_a.run_round().online and not client_b.run_round().online
    central.start()
    for _ in range(2):  # second pass pulls what the other pushed
        client_a.run_round()
        client_b.run_round()
    for serial in serials:
        state = central_service.card_state(serial)
        assert a.card_state(serial) == state == b.card_state(serial), serial
    assert central_service.card_state(serials[0]) == "blocked"
    assert central_service.card_state(serials[3]) == "active"
    assert central_service.card_state(serials[4]) == "blocked"
    assert_converged(central_service, a, b)


def test_two_central_processes_over_one_database(
    central_db: str,
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    """Stateless: two uvicorn processes serve the same kiosks at once."""
    serials = seed_cards(central_service, 4)
    one, two = central_factory(), central_factory()
    kiosks = [kiosk_factory(f"kiosk-{n}") for n in range(4)]
    for kiosk in kiosks:
        work(kiosk, serials, rounds=4)
        kiosk.append("card.blocked", {"serial": serials[0]})
    errors: list[BaseException] = []

    def run(kiosk: Kiosk, url: str) -> None:
        try:
            client = kiosk.client(url, batch_size=3)
            for _ in range(2):
                client.run_round()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(k, (one if n % 2 else two).url))
        for n, k in enumerate(kiosks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert central_service.card_state(serials[0]) == "blocked"
    assert_converged(central_service, *kiosks)


def test_operator_must_be_on_roster(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 1)
    kiosk = kiosk_factory("kiosk-1")
    kiosk.append("card.activated", {"serial": serials[0]}, operator="SE-UNKNOWN")
    kiosk.append("card.activated", {"serial": serials[0]}, operator=None)
    kiosk.append("card.activated", {"serial": serials[0]}, operator=CLERK)
    report = kiosk.client(central.url).run_round()
    assert [r.reason for r in report.rejections] == [
        "operator not on roster",
        "operator missing",
    ]
    assert central_service.card_state(serials[0]) == "active"
    assert_converged(central_service, kiosk)


def test_kiosk_sync_command_prints_what_it_did(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    tmp_path: Path,
) -> None:
    serials = seed_cards(central_service, 1)
    kiosk = kiosk_factory("kiosk-1")
    kiosk.append("card.activated", {"serial": serials[0]})
    kiosk.store.close()
    command = [
        sys.executable,
        "-m",
        "kiosk",
        "sync",
        "--data",
        str(kiosk.path),
        "--kiosk-id",
        kiosk.kiosk_id,
        "--central",
        central.url,
        "--insecure-no-client-auth",
        "--lang",
        "en",
    ]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Sent 1 events: 1 accepted, 0 rejected." in done.stdout
    assert "0 events waiting" in done.stdout
    bad_key = tmp_path / "office.key"
    bad_key.write_text("not hex", encoding="utf-8")
    refused = subprocess.run(
        [*command, "--office-puk-key", str(bad_key)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "64 hex digits" in refused.stderr
    shown = subprocess.run(
        [*command[:6], "--show-public-key"], check=True, cwd=ROOT, capture_output=True, text=True
    )
    assert shown.stdout.strip() == kiosk.keys.public_key_bytes().hex()
    central.stop()
    offline = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert offline.returncode == 3
    assert "Offline" in offline.stdout


def test_pull_during_concurrent_pushes_misses_no_change(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    """A kiosk pulling over and over while three others push changes to the same cards
    through two central processes ends with exactly the central's card states: the
    cursor never passed a change that was not yet visible."""
    serials = seed_cards(central_service, 12)
    one, two = central_factory(), central_factory()
    writers = [kiosk_factory(f"kiosk-w{n}") for n in range(3)]
    reader = kiosk_factory("kiosk-reader")
    for n, kiosk in enumerate(writers):
        for round_no in range(4):
            for i, serial in enumerate(serials):
                if (i + n + round_no) % 3 == 0:
                    kinds = ("card.activated", "card.returned", "card.pin_locked")
                    kind = kinds[(i + round_no) % 3]
                    kiosk.append(kind, {"serial": serial})
        kiosk.append("card.blocked", {"serial": serials[n]})
    stop = threading.Event()
    errors: list[BaseException] = []

    def push(kiosk: Kiosk, url: str) -> None:
        try:
            kiosk.client(url, batch_size=2).push_pending()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def pull() -> None:
        client = reader.client(one.url, pull_page=3)
        try:
            while not stop.is_set():
                client.pull()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    puller = threading.Thread(target=pull)
    puller.start()
    pushers = [
        threading.Thread(target=push, args=(k, (one if n % 2 else two).url))
        for n, k in enumerate(writers)
    ]
    for thread in pushers:
        thread.start()
    for thread in pushers:
        thread.join(120)
    stop.set()
    puller.join(60)
    assert not errors
    reader.client(two.url).pull()
    for serial in serials:
        assert reader.card_state(serial) == central_service.card_state(serial), serial
    for n in range(3):
        assert central_service.card_state(serials[n]) == "blocked"
    assert_converged(central_service, *writers)


def test_worker_retries_with_backoff_and_pushes_when_central_returns(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    from store.sync import RoundReport, SyncWorker

    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-1")
    central = central_factory(start=False)
    kiosk.append("card.blocked", {"serial": serials[0]})
    work(kiosk, serials[1:], rounds=2)
    reports: list[RoundReport] = []
    client = kiosk.client(central.url, timeout=0.5)
    worker = SyncWorker(
        client,
        interval=60,
        min_backoff=0.1,
        max_backoff=30,
        block_retry=0.5,
        on_report=reports.append,
    )
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while len(reports) < 4:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert not any(r.online for r in reports)
        assert client.status().waiting_blocks == 1
        central.start()
        while not (reports[-1].online and client.status().waiting_events == 0):
            assert time.monotonic() < deadline + 30, "worker did not push after the return"
            time.sleep(0.1)
    finally:
        worker.stop()
    assert central_service.card_state(serials[0]) == "blocked"
    assert_converged(central_service, kiosk)
