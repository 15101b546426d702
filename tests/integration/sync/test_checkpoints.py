"""Checkpoints from the central, against a real central process (uvicorn on PostgreSQL
and on SQLite) and real kiosk stores: a journal rolled back, cut, wiped, forked or
re-signed is noticed (offline against the kept checkpoint where it can be, at the
first contact otherwise), stops every write but blocks (R9), raises a fork alarm at
the central and, when it is only behind, takes its own events back: nothing lost,
nothing applied twice."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from central.checkpoints import checkpoint_public_key, load_or_create_checkpoint_key
from central.service import CentralService
from protocol.checkpoint import DivergenceKind
from protocol.event_format import FORMAT_V2, SignedEvent, canonical_json
from store.checkpoints import divergence, latest_checkpoint, pinned_central_key
from store.database import open_store
from store.errors import JournalDivergedError
from store.journal import Journal
from store.journal_audit import head_state_key
from store.models import JournalRow, SyncState
from store.sync.errors import ForeignCheckpointError
from tests.support.sync_world import CentralProcess, Kiosk, assert_converged, seed_cards

pytestmark = pytest.mark.integration

_J = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]


def _central_key_hex(central: CentralProcess) -> str:
    """The public key of the central process's checkpoint key file (beside its field key)."""
    path = central.field_key.with_name("central-checkpoint.key")
    return checkpoint_public_key(load_or_create_checkpoint_key(path))


def _backup(kiosk: Kiosk, name: str) -> Path:
    """A consistent copy of the kiosk's SQLite database, as a backup tool takes one."""
    target = kiosk.path / name
    source = sqlite3.connect(kiosk.path / "kiosk.sqlite3")
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    copy.close()
    source.close()
    return target


def _reopen(kiosk: Kiosk, database: Path | None) -> None:
    """Stop the kiosk, put ``database`` in place of its own (None: wipe it), start it
    again with the same key file."""
    kiosk.store.close()
    live = kiosk.path / "kiosk.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    if database is not None:
        shutil.copyfile(database, live)
    kiosk.store = open_store(kiosk.db_url, kiosk.keys)
    kiosk.journal = Journal(
        kiosk.kiosk_id, kiosk.keys, kiosk.store.cipher, clock=kiosk.journal.clock
    )


def _activate(kiosk: Kiosk, serial: str) -> SignedEvent:
    return kiosk.append("card.activated", {"serial": serial})


def _diverged(kiosk: Kiosk) -> DivergenceKind | None:
    with kiosk.store.read_only() as session:
        found = divergence(session, kiosk.kiosk_id)
    return None if found is None else found.kind


def test_every_accepted_push_is_answered_with_a_checkpoint_the_kiosk_keeps(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 3)
    kiosk = kiosk_factory("kiosk-solna-1")
    last = [_activate(kiosk, serial) for serial in serials][-1]
    report = kiosk.client(central.url).run_round()
    assert report.online and report.accepted == 3 and not report.diverged, report
    with kiosk.store.read_only() as session:
        checkpoint = latest_checkpoint(session, kiosk.kiosk_id)
        pinned = pinned_central_key(session)
    assert checkpoint is not None
    assert (checkpoint.head_seq, checkpoint.head_hash) == (3, last.hash)
    assert pinned == checkpoint.central_key == _central_key_hex(central)
    assert checkpoint.signature_ok(bytes.fromhex(pinned))
    assert central_service.fork_alarms() == []
    assert_converged(central_service, kiosk)


def test_rollback_to_an_older_copy_is_found_at_first_contact_and_recovered_by_pull(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """The restored copy carries its old checkpoint, so offline it looks sound; at its
    first contact it takes back the events it lacks, and the event written offline
    after the restore is written again after them: nothing lost, nothing twice."""
    serials = seed_cards(central_service, 6)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials[:2]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 2
    backup = _backup(kiosk, "backup.sqlite3")
    for serial in serials[2:5]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 3

    _reopen(kiosk, backup)
    client = kiosk.client(central.url)
    assert client.guard.check_local() is None  # offline the kiosk cannot know
    _activate(kiosk, serials[5])  # seq 3 again, written before the first contact
    report = client.run_round()
    assert report.online and not report.diverged, report
    assert _diverged(kiosk) is None
    with kiosk.store.read_only() as session:
        assert kiosk.journal.count(session) == 6
    assert central_service.card_state(serials[5]) == "active"
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 6}
    # the operators hear of it: the restored kiosk was behind
    assert [alarm.kind for alarm in central_service.fork_alarms(kiosk.kiosk_id)] == ["behind"]
    _activate(kiosk, serials[0])  # writes work again
    assert kiosk.client(central.url).run_round().accepted == 1
    assert_converged(central_service, kiosk)


def test_a_wiped_journal_takes_all_its_events_back_from_the_central(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 4)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 4
    _reopen(kiosk, None)  # a new, empty database beside the same key file
    report = kiosk.client(central.url).run_round()
    assert report.online and not report.diverged, report
    with kiosk.store.read_only() as session:
        assert kiosk.journal.count(session) == 4
    assert [kiosk.card_state(s) for s in serials] == ["active"] * 4  # pulled back too
    assert [a.kind for a in central_service.fork_alarms(kiosk.kiosk_id)] == ["behind"]
    assert_converged(central_service, kiosk)


def _cut_tail(kiosk: Kiosk, keep: int) -> None:
    """Delete the journal's newest rows and lower the recorded head to match."""
    with kiosk.store.unit_of_work() as session:
        session.execute(delete(_J).where(_J.c.seq > keep))
        session.execute(
            update(_S).where(_S.c.key == head_state_key(kiosk.kiosk_id)).values(value=str(keep))
        )


def test_r9_a_cut_journal_refuses_writes_offline_but_takes_a_block_which_reaches_the_central(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """Tail deletion passes the local audit; the kept checkpoint says seq 5 existed, so
    the kiosk knows at start, offline: an activation is refused, a block (R9) is not.
    At the next contact the cut events come back and the block follows them."""
    serials = seed_cards(central_service, 6)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials[:5]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 5
    _cut_tail(kiosk, 3)
    assert kiosk.chain_ok()  # the local audit does not see it

    offline = kiosk.client("http://127.0.0.1:9", timeout=0.5)
    found = offline.guard.check_local()
    assert found is not None and (found.kind, found.seq) == (DivergenceKind.BEHIND, 3)
    assert offline.status().journal_diverged
    with pytest.raises(JournalDivergedError):
        _activate(kiosk, serials[5])
    block = kiosk.append("card.blocked", {"serial": serials[5], "reason": "lost"})
    assert block.seq == 4
    assert not offline.run_round().online

    report = kiosk.client(central.url).run_round()
    assert report.online and not report.diverged, report
    assert central_service.card_state(serials[5]) == "blocked"
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 6}
    _activate(kiosk, serials[0])  # writes work again (a second activation, accepted)
    kiosk.client(central.url).run_round()
    assert_converged(central_service, kiosk)


def _resign_from(kiosk: Kiosk, seq: int) -> None:
    """Rewrite the journal from ``seq`` with the kiosk's own key (it sits beside the
    database): another payload at ``seq``, every later event re-linked and re-signed, in
    format 2 as the journal writes it (nonce and canonical payload at rest)."""
    with kiosk.store.unit_of_work() as session:
        events = list(kiosk.journal.events(session, since_seq=seq - 1))
        prev, prev_signature = events[0].prev_hash, events[0].prev_signature
        for n, event in enumerate(events):
            payload = dict(event.payload)
            if n == 0:
                payload["state"] = "returned"
            forged = SignedEvent.create(
                kiosk.keys.signing_key,
                event_id=event.event_id,
                kiosk_id=event.kiosk_id,
                seq=event.seq,
                occurred_at=event.occurred_at,
                operator=event.operator,
                event_type=event.event_type,
                payload=payload,
                prev_hash=prev,
                prev_signature=prev_signature,
                event_format=FORMAT_V2,
            )
            assert forged.payload_nonce is not None
            stored = bytes.fromhex(forged.payload_nonce) + canonical_json(payload)
            session.execute(
                update(_J)
                .where(_J.c.event_id == event.event_id)
                .values(
                    payload_enc=kiosk.store.cipher.encrypt_bytes(stored, event.event_id.encode()),
                    prev_hash=forged.prev_hash,
                    hash=forged.hash,
                    signature=forged.signature,
                    payload_digest=forged.payload_digest,
                    prev_signature=forged.prev_signature,
                )
            )
            prev, prev_signature = forged.hash, forged.signature


def test_re_signed_history_is_a_fork_found_offline_and_alarmed_at_the_central(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 5)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials[:4]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 4
    _resign_from(kiosk, 2)
    assert kiosk.chain_ok()  # it audits clean with the kiosk's own key

    client = kiosk.client(central.url)
    found = client.guard.check_local()
    assert found is not None and found.kind is DivergenceKind.FORK
    report = client.run_round()
    assert report.online and report.diverged, report
    assert _diverged(kiosk) is DivergenceKind.FORK  # no recovery repairs answered history
    with pytest.raises(JournalDivergedError):
        _activate(kiosk, serials[4])
    kiosk.append("card.blocked", {"serial": serials[4], "reason": "lost"})  # R9
    assert client.run_round().diverged
    # R9: not pushed into the fork, but it reaches the central outside the chain
    assert central_service.card_state(serials[4]) == "blocked"
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 4}
    alarms = central_service.fork_alarms(kiosk.kiosk_id)
    assert alarms and {a.kind for a in alarms} == {"fork"}
    assert alarms[0].central_hash and alarms[0].kiosk_hash != alarms[0].central_hash
    assert central_service.verify_chain(kiosk.kiosk_id)  # the central's chain is untouched


def test_a_fork_of_two_kiosks_writing_one_chain_is_found_and_nothing_is_lost(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """A copy of the kiosk (same key, same id) writes seq 3 and 4 while the original
    writes and pushes its own seq 3: same seq, different hash. The copy is told, the
    operators get an alarm, and the copy's events follow the central's."""
    serials = seed_cards(central_service, 5)
    kiosk = kiosk_factory("kiosk-solna-1")
    for serial in serials[:2]:
        _activate(kiosk, serial)
    assert kiosk.client(central.url).run_round().accepted == 2
    copy = _backup(kiosk, "copy.sqlite3")
    _activate(kiosk, serials[2])
    assert kiosk.client(central.url).run_round().accepted == 1

    _reopen(kiosk, copy)  # now the copy runs
    _activate(kiosk, serials[3])
    _activate(kiosk, serials[4])
    report = kiosk.client(central.url).run_round()
    assert report.online and not report.diverged, report
    assert [a.kind for a in central_service.fork_alarms(kiosk.kiosk_id)] == ["fork"]
    assert central_service.event_counts(kiosk.kiosk_id) == {"accepted": 5}
    assert [central_service.card_state(s) for s in serials] == ["active"] * 5
    assert_converged(central_service, kiosk)


def test_a_checkpoint_signed_by_another_key_is_refused_with_a_typed_error(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    tmp_path: Path,
) -> None:
    serials = seed_cards(central_service, 2)
    kiosk = kiosk_factory("kiosk-solna-1")
    first = central_factory()
    _activate(kiosk, serials[0])
    assert kiosk.client(first.url).run_round().accepted == 1
    first.stop()
    other = central_factory("--checkpoint-key", str(tmp_path / "other-checkpoint.key"))
    _activate(kiosk, serials[1])
    with pytest.raises(ForeignCheckpointError) as refused:
        kiosk.client(other.url).run_round()
    assert refused.value.key == "error.sync.foreign_checkpoint"
    assert kiosk.sync_statuses() == {"accepted": 1, "pending": 1}  # nothing pushed to it
    # a key given in the configuration is the pin from the start
    fresh = kiosk_factory("kiosk-solna-2")
    with pytest.raises(ForeignCheckpointError):
        fresh.client(other.url, central_key=_central_key_hex(first)).run_round()
    assert json.dumps(refused.value.params) == "{}"
