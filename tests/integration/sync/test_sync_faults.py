"""Sync faults against a real uvicorn central on PostgreSQL and on SQLite.

In each: the event counts on both sides match, nothing is applied twice, and both
chains verify (see ``assert_converged``).
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from central.service import CentralService
from tests.support.pgserver import free_port
from tests.support.sync_world import (
    ADMIN,
    CLERK,
    OFFICE,
    ROOT,
    CentralProcess,
    Kiosk,
    assert_converged,
    seed_cards,
)

pytestmark = pytest.mark.integration


def work(kiosk: Kiosk, serials: list[str], *, rounds: int = 3) -> None:
    """A little counter work: identity checks and refusals (events that change no card)."""
    for n in range(rounds):
        for serial in serials:
            kiosk.append("identity.checked", {"check_id": f"check-{serial}-{n}"})
            kiosk.append("refusal", {"serial": serial, "action": "card_test"})


def test_push_pull_round_trip(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    from protocol.puk import seal_puk
    from store.puk_cache import get_puk

    serials = seed_cards(central_service, 4)  # even ones are 7xx cards
    office_key = bytes(range(32))
    central_service.put_puk_entry(
        serial=serials[0], office_id=OFFICE, ciphertext=seal_puk(office_key, serials[0], "87654321")
    )
    kiosk = kiosk_factory("kiosk-1")
    kiosk.append("card.activated", {"serial": serials[0]})
    work(kiosk, serials[:2], rounds=1)
    report = kiosk.client(central.url, puk_key=office_key).run_round()
    assert report.online and report.accepted == 5 and report.rejected == 0
    assert report.pulled >= 4 + 4 + 2 + 1  # cards, holders, operators, PUK entry
    with kiosk.store.unit_of_work() as session:
        assert get_puk(session, kiosk.store.cipher, serials[0]) == "87654321"
    assert central_service.card_state(serials[0]) == "active"
    assert kiosk.card_state(serials[0]) == "active"
    assert kiosk.card_state(serials[1]) == "shipped"
    assert_converged(central_service, kiosk)


def test_central_down_at_start(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
) -> None:
    serials = seed_cards(central_service, 3)
    kiosk = kiosk_factory("kiosk-1")
    central = central_factory(start=False)
    work(kiosk, serials)
    kiosk.append("card.blocked", {"serial": serials[2], "reason": "lost"})
    client = kiosk.client(central.url, timeout=1.0)
    report = client.run_round()
    assert not report.online
    status = client.status()
    assert not status.online
    assert status.waiting_events == 19 and status.waiting_blocks == 1
    assert status.oldest_block_seconds is not None
    assert central_service.event_counts("kiosk-1") == {}
    central.start()
    report = client.run_round()
    assert report.online and report.accepted == 19
    assert client.status().waiting_events == 0 and client.status().online
    assert central_service.card_state(serials[2]) == "blocked"
    assert_converged(central_service, kiosk)


class CuttingProxy:
    """A TCP proxy that forwards a whole request, waits for the central's whole
    answer (so the central has committed), then drops the kiosk's connection
    without passing the answer on — for the first ``cuts`` requests."""

    def __init__(self, upstream_port: int, cuts: int) -> None:
        self.upstream_port = upstream_port
        self.cuts = cuts
        self.cut_done = 0
        self.port = free_port()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _read_message(sock: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        return head + b"\r\n\r\n" + body

    def _handle(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        try:
            while True:
                request = self._read_message(client)
                if request is None:
                    return
                upstream.sendall(request)
                response = self._read_message(upstream)
                if response is None:
                    return
                if request.startswith(b"POST") and self.cut_done < self.cuts:
                    self.cut_done += 1
                    return  # the central committed; the kiosk never hears it
                client.sendall(response)
        finally:
            client.close()
            upstream.close()


def test_network_cut_after_commit_is_harmless(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 3)
    kiosk = kiosk_factory("kiosk-1")
    work(kiosk, serials)
    kiosk.append("card.activated", {"serial": serials[0]})
    proxy = CuttingProxy(central.port, cuts=1)
    try:
        client = kiosk.client(f"http://127.0.0.1:{proxy.port}", batch_size=8)
        report = client.run_round()
        assert not report.online  # the cut looks like a network failure
        assert proxy.cut_done == 1
        # the central committed the first batch; the kiosk still holds it as pending
        assert central_service.event_counts("kiosk-1") == {"accepted": 8}
        assert kiosk.sync_statuses() == {"pending": 19}
        report = client.run_round()
    finally:
        proxy.close()
    assert report.online
    assert report.duplicates == 8 and report.accepted == 19
    assert central_service.card_state(serials[0]) == "active"
    assert_converged(central_service, kiosk)


def test_same_batch_twice_gets_same_answers(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-1")
    kiosk.append("card.activated", {"serial": serials[0]})
    kiosk.append("card.unlocked_in_person", {"serial": serials[0]})  # clerk: rejected
    kiosk.append("card.unlocked_in_person", {"serial": serials[0]}, operator=ADMIN)
    client = kiosk.client(central.url)
    with kiosk.store.unit_of_work() as session:
        batch = [e.to_dict() for e in kiosk.journal.pending(session, 10)]
    first = client.transport.push(kiosk.kiosk_id, batch)
    second = client.transport.push(kiosk.kiosk_id, batch)

    def strip(answer: dict[str, object]) -> list[tuple[object, ...]]:
        return [(r["event_id"], r["status"], r["reason"]) for r in answer["results"]]  # type: ignore[attr-defined, index]

    assert strip(first) == strip(second)
    assert [r["status"] for r in first["results"]] == ["accepted", "rejected", "accepted"]
    assert first["results"][1]["reason"] == "operator lacks role"
    assert all(r["duplicate"] for r in second["results"])
    assert central_service.event_counts("kiosk-1") == {"accepted": 2, "rejected": 1}
    client.run_round()
    assert kiosk.reasons() == {2: "operator lacks role"}
    assert_converged(central_service, kiosk)


def test_batches_out_of_order(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-1")
    work(kiosk, serials, rounds=5)  # 20 events
    client = kiosk.client(central.url)
    with kiosk.store.unit_of_work() as session:
        events = [e.to_dict() for e in kiosk.journal.pending(session, 100)]
    late = client.transport.push(kiosk.kiosk_id, events[10:])
    assert {r["status"] for r in late["results"]} == {"gap"}
    assert late["expected_seq"] == 1
    assert central_service.event_counts("kiosk-1") == {}
    early = client.transport.push(kiosk.kiosk_id, events[:10])
    assert {r["status"] for r in early["results"]} == {"accepted"}
    assert early["expected_seq"] == 11
    # the client's own round sends the rest
    report = client.run_round()
    assert report.accepted == 20 and report.duplicates == 10
    assert_converged(central_service, kiosk)


def test_kiosk_resends_from_the_seq_the_central_expects(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """A kiosk whose events 1-5 were marked accepted but never arrived (the central
    answered gap) resends from the seq the central names."""
    serials = seed_cards(central_service, 1)
    kiosk = kiosk_factory("kiosk-1")
    work(kiosk, serials, rounds=5)  # 10 events
    with kiosk.store.unit_of_work() as session:
        for event in list(kiosk.journal.events(session))[:5]:
            kiosk.journal.mark(session, event.event_id, "accepted")
    report = kiosk.client(central.url, batch_size=4).run_round()
    assert report.online and report.resent >= 5
    assert central_service.event_counts("kiosk-1") == {"accepted": 10}
    assert_converged(central_service, kiosk)


KIOSK_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from datetime import datetime
    from pathlib import Path
    from clock import FixedClock
    from store.database import open_store
    from store.journal import Journal
    from store.keys import load_keys
    from store.sync import CentralTransport, SyncClient

    path, url, kiosk_id, stall = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    clock = FixedClock(datetime.fromisoformat(sys.argv[5]))  # the test's clock
    keys = load_keys(path / "kiosk.key")
    store = open_store(f"sqlite:///{path / 'kiosk.sqlite3'}", keys)

    def hook(batch_no):
        if stall == "stall" and batch_no == 1:
            (path / "answered").write_text("1")
            time.sleep(60)  # killed here: the answer arrived, nothing recorded yet

    client = SyncClient(store=store, journal=Journal(kiosk_id, keys, store.cipher, clock=clock),
                        transport=CentralTransport(url), batch_size=5, after_push_answer=hook)
    report = client.run_round()
    print(json.dumps({"online": report.online, "accepted": report.accepted,
                      "duplicates": report.duplicates}))
    """
)


def test_kiosk_killed_mid_round_and_restarted(
    central: CentralProcess,
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    now: datetime,
) -> None:
    serials = seed_cards(central_service, 3)
    kiosk = kiosk_factory("kiosk-1")
    work(kiosk, serials, rounds=3)  # 18 events, batches of 5
    script = kiosk.path / "round.py"
    script.write_text(KIOSK_SCRIPT, encoding="utf-8")
    args = [sys.executable, str(script), str(kiosk.path), central.url, kiosk.kiosk_id]
    proc = subprocess.Popen([*args, "stall", now.isoformat()], cwd=ROOT, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (kiosk.path / "answered").exists():
        assert proc.poll() is None, "kiosk round ended before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    # batch 0 recorded, batch 1 committed at the central but not recorded locally
    assert central_service.event_counts("kiosk-1") == {"accepted": 10}
    assert kiosk.sync_statuses() == {"accepted": 5, "pending": 13}
    done = subprocess.run(
        [*args, "run", now.isoformat()], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result == {"online": True, "accepted": 13, "duplicates": 5}
    assert_converged(central_service, kiosk)


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
