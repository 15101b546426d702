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
from datetime import datetime

import pytest

from central.service import CentralService
from tests.support.pgserver import free_port
from tests.support.sync_world import (
    ADMIN,
    OFFICE,
    ROOT,
    CentralProcess,
    Kiosk,
    assert_converged,
    seed_cards,
    work,
)

pytestmark = pytest.mark.integration


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
