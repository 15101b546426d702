"""The demo data covers every card state the rules know and matches its virtual cards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clock import FixedClock
from kiosk.demo_cast import CARDS, HOLDERS, OPERATORS
from kiosk.demo_data import (
    DemoWorld,
    build_demo_world,
    operator_fingerprint,
    seed_store,
)
from kiosk.documents.mrz import parse
from kiosk.domain.personnummer import normalise_personnummer
from kiosk.domain.types import CardState
from store.crypto import FieldCipher
from store.database import Store, open_store
from store.journal import Journal
from store.keys import load_or_create_keys
from store.models import Card, Holder, JournalRow, Operator


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, now: dt.datetime) -> DemoWorld:
    return build_demo_world(tmp_path_factory.mktemp("pki"), now)


def _store(tmp_path: Path, now: dt.datetime) -> tuple[Store, FieldCipher, Journal]:
    keys = load_or_create_keys(tmp_path / "kiosk.key")
    store = open_store(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", keys)
    cipher = FieldCipher(keys)
    return store, cipher, Journal("demo-kiosk", keys, cipher, clock=FixedClock(now))


def test_every_card_state_has_a_demo_card() -> None:
    assert {spec.state for spec in CARDS} == {state.value for state in CardState}


def test_demo_personnummer_are_valid(today: dt.date) -> None:
    for holder in HOLDERS:
        assert normalise_personnummer(holder.personnummer, today) == holder.personnummer


def test_virtual_cards_are_worn_as_their_specs_say(world: DemoWorld) -> None:
    for spec in CARDS:
        card = world.cards[spec.key].card
        assert (card.pin_tries_left == 0) == spec.pin_locked, spec.key
        assert (card.puk_tries_left == 0) == spec.puk_blocked, spec.key
        assert (world.cards[spec.key].holder.signing is not None) == spec.signing, spec.key


def test_swedish_demo_documents_carry_their_holders_personnummer(
    world: DemoWorld, today: dt.date
) -> None:
    expected = {
        "swedish-passport": "198503122387",
        "swedish-id-card": "199207045486",
        "cecilia-passport": "197805141236",
    }
    for name, personnummer in expected.items():
        result = parse(world.documents[name], today)
        assert result.valid, (name, result.errors)
        assert result.personnummer == personnummer


def test_seed_writes_once_and_refreshes_the_roster(
    world: DemoWorld, tmp_path: Path, now: dt.datetime
) -> None:
    store, cipher, journal = _store(tmp_path, now)
    assert seed_store(store, cipher, journal, world, now=now) is True
    fresh = build_demo_world(tmp_path / "pki2", now)
    assert seed_store(store, cipher, journal, fresh, now=now) is False
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Card)) == len(CARDS)
        assert session.scalar(select(func.count()).select_from(Holder)) == len(HOLDERS)
        assert session.scalar(select(func.count()).select_from(JournalRow)) == 1
        for op in OPERATORS:
            row = session.get(Operator, op.hsa_id)
            if not op.on_roster:
                assert row is None  # the unknown operator's card is refused at login
                continue
            assert row is not None
            assert row.active is op.active
            assert row.cert_fingerprint == operator_fingerprint(fresh.cards[op.key])
    with store.unit_of_work() as session:
        assert journal.verify_chain(session).ok


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_device_panel_labels_come_from_the_catalogue(
    tmp_path: Path, now: dt.datetime, lang: str
) -> None:
    world = build_demo_world(tmp_path / "pki", now, lang)
    expected = set(world.cards) | {f"document:{name}" for name in world.documents}
    assert set(world.labels) == expected
    for key, label in world.labels.items():
        assert not label.startswith("⟨"), f"{lang}: no catalogue text for {key}"
