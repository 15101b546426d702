"""A checkpoint names the kiosk key the central registered (version 2): a journal whose
key was replaced (the key file swapped beside the database, a history re-signed with
it) is diverged offline against the kept checkpoint and at the first contact, stops
every write but blocks (R9) and raises an alarm at the central."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.service import CentralService
from protocol.checkpoint import DivergenceKind
from store.checkpoints import divergence, latest_checkpoint
from store.errors import JournalDivergedError
from store.journal import Journal
from store.sync.errors import ForeignKioskKeyError
from tests.support.sync_world import CentralProcess, Kiosk, seed_cards

pytestmark = pytest.mark.integration


def _swap_signing_key(kiosk: Kiosk) -> None:
    kiosk.keys = dataclasses.replace(kiosk.keys, signing_key=Ed25519PrivateKey.generate())
    kiosk.journal = Journal(
        kiosk.kiosk_id, kiosk.keys, kiosk.store.cipher, clock=kiosk.journal.clock
    )


def test_the_kept_checkpoint_names_the_kiosk_key_the_central_registered(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serial = seed_cards(central_service, 1)[0]
    kiosk = kiosk_factory("kiosk-solna-1")
    kiosk.append("card.activated", {"serial": serial})
    assert kiosk.client(central.url).run_round().accepted == 1
    with kiosk.store.read_only() as session:
        checkpoint = latest_checkpoint(session, kiosk.kiosk_id)
    assert checkpoint is not None
    assert checkpoint.kiosk_key == kiosk.keys.public_key_bytes().hex()


def test_r9_a_replaced_kiosk_key_is_found_offline_and_at_contact_and_blocks_still_work(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    serials = seed_cards(central_service, 3)
    kiosk = kiosk_factory("kiosk-solna-1")
    kiosk.append("card.activated", {"serial": serials[0]})
    assert kiosk.client(central.url).run_round().accepted == 1
    _swap_signing_key(kiosk)

    client = kiosk.client(central.url)
    found = client.guard.check_local()  # offline: the kept checkpoint names the old key
    assert found is not None and found.kind is DivergenceKind.FOREIGN_KIOSK_KEY
    with pytest.raises(JournalDivergedError):
        kiosk.append("card.activated", {"serial": serials[1]})
    kiosk.append("card.blocked", {"serial": serials[2], "reason": "lost"})  # R9

    with pytest.raises(ForeignKioskKeyError) as refused:
        client.run_round()
    assert refused.value.key == "error.sync.foreign_kiosk_key"
    with kiosk.store.read_only() as session:
        recorded = divergence(session, kiosk.kiosk_id)
    assert recorded is not None and recorded.kind is DivergenceKind.FOREIGN_KIOSK_KEY
    alarms = central_service.fork_alarms(kiosk.kiosk_id)
    assert [a.kind for a in alarms] == ["foreign kiosk key"]
