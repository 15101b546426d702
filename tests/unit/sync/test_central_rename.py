"""R10 across kiosks: a name change pushed by one kiosk renames the holder at the central,
and a kiosk that pulls it finds the holder by the new name and no longer by the old."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.service import CentralService
from clock import FixedClock
from protocol.wire import PullPage
from store.database import Store, open_store
from store.holders import holder_by_id
from store.keys import KioskKeys
from store.lookup import Lookup
from store.search_terms import word_index
from store.sync.apply_pull import apply_page
from tests.support.central_counter import OFFICE, Counter, central_service

PNR = "198503122387"


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[CentralService]:
    with central_service(tmp_path, clock) as svc:
        svc.put_holder(
            holder_id="H1",
            office_id=OFFICE,
            data={"personnummer": PNR, "name": "Åsa Öberg", "organisation": "Region"},
        )
        svc.put_cards([{"serial": "C1", "office_id": OFFICE, "state": "active", "holder_id": "H1"}])
        yield svc


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", KioskKeys.generate())
    yield opened
    opened.close()


def name_change(new_name: str | None) -> dict[str, object]:
    payload: dict[str, object] = {
        "serial": "C1",
        "kind": "name_change",
        "since": "2026-11-30",
        "due": "2027-02-28",
    }
    if new_name is not None:
        payload["new_name"] = new_name
    return payload


def pull_into(kiosk: Store, service: CentralService, now: datetime) -> None:
    """What kiosk ``k2`` of the office (not the one that pushed) pulls, from the start."""
    page = PullPage.from_dict(json.loads(service.pull_json("k2", 0)), cursor=0)
    with kiosk.unit_of_work() as session:
        apply_page(kiosk, session, page, now=now)


def found(kiosk: Store, word: str) -> list[str]:
    lookup = Lookup(kiosk)
    try:
        return [h.id for h in lookup.holders_with_terms([word_index(kiosk.cipher, word)], 10)]
    finally:
        lookup.close()


def test_r10_pushed_name_change_renames_the_holder_at_the_central(
    service: CentralService,
) -> None:
    assert Counter(service).push("card.name_change_recorded", name_change("Åsa Nyström")) == [
        "accepted"
    ]
    holder = service.holder_data("H1")
    assert holder is not None
    assert (holder["name"], holder["personnummer"]) == ("Åsa Nyström", PNR)
    assert holder["organisation"] == "Region"
    assert service.holder_ids_by_personnummer(PNR) == ["H1"]


def test_r10_a_name_change_without_a_new_name_keeps_the_holder(service: CentralService) -> None:
    Counter(service).push("card.name_change_recorded", name_change(None))
    holder = service.holder_data("H1")
    assert holder is not None and holder["name"] == "Åsa Öberg"


def test_r10_another_kiosk_pulls_the_new_name(
    service: CentralService, kiosk: Store, now: datetime
) -> None:
    counter = Counter(service)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    service.register_kiosk(kiosk_id="k2", office_id=OFFICE, public_key=other)
    pull_into(kiosk, service, now)
    assert found(kiosk, "oberg") == ["H1"]
    counter.push("card.name_change_recorded", name_change("Åsa Nyström"))
    pull_into(kiosk, service, now)
    assert (found(kiosk, "nystrom"), found(kiosk, "oberg")) == (["H1"], [])
    with kiosk.read_only() as tx:
        record = holder_by_id(tx, kiosk.cipher, "H1")
    assert record is not None and (record.name, record.personnummer) == ("Åsa Nyström", PNR)
