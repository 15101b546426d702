"""The UI tests' counter, built on the one store-backed world (``tests.support.world``):
the same store, seed and clock, the cast of ``tests.support.ui_cast`` put into it (operators
on the roster, holders and cards on record), in-process readers and scanner, and the
services the App talks to: the login over the store's roster, the identity checks recorded
in the store (and kept in ``recorder.records``), the lookup, card check and visit over the
product's store directory.

Everything dated is relative to the world's clock: the UI tests' ``world`` fixture
(``tests/ui/conftest.py``) is on the suite's ``clock``; ``build_world(clock)`` builds one on
any clock (the snapshots pin their own instant) in a folder removed with the world.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from clock import LOCAL_ZONE, FixedClock
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.demo_documents import demo_documents
from kiosk.i18n import Catalogue
from kiosk.services.card_check import CardCheckService
from kiosk.services.context import ServiceHolder, Services, UiContext
from kiosk.services.demo_controls import DemoCard, DemoDocument, InProcessDemo
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.identity import IdentityCheckService
from kiosk.services.identity_check import DocumentIdentityChecker
from kiosk.services.identity_store import StoreIdentityRecorder
from kiosk.services.login import LoginService
from kiosk.services.lookup import LookupService
from kiosk.services.status import StatusService, SyncFigures
from kiosk.services.store_views import StoreDirectory, StoreRoster
from kiosk.services.trust import AnchoredTrust
from kiosk.services.visit import VisitService
from tests.support.ui_cast import (
    DEADLINE_IN_DAYS,
    OFFICE,
    PHOTO_DAYS_AGO,
    FixedSyncFigures,
    RecordingIdentityRecorder,
    make_cards,
    seed_cast,
)
from tests.support.world import MASTER, make_world
from tests.support.world import World as StoreWorld

PIN = "123456"
__all__ = [
    "DEADLINE_IN_DAYS",
    "OFFICE",
    "PHOTO_DAYS_AGO",
    "PIN",
    "World",
    "build_world",
    "counter_on",
    "find_the_operators_reader",
    "limit_logins_by_outdated_list",
    "make_app",
    "with_pending_blocks",
]


@dataclass
class World:
    """The counter over ``base``, the store-backed world."""

    base: StoreWorld
    documents: Mapping[str, tuple[str, ...]]
    readers: InProcessReaders
    cards: dict[str, PersonalisedCard]
    roster: StoreRoster
    directory: StoreDirectory
    sync: FixedSyncFigures
    recorder: RecordingIdentityRecorder
    services: Services

    @property
    def clock(self) -> FixedClock:
        return self.base.clock

    @property
    def pki(self) -> TestPki:
        return self.base.factory.pki

    def zone(self, name: str) -> str:
        """A document of the world's day (``kiosk.demo_documents``), as the scanner sends it."""
        return "\n".join(self.documents[name])

    def insert(self, role: str, name: str) -> None:
        from kiosk.services.ports import ReaderRole

        self.readers.insert(ReaderRole(role), self.cards[name].card)

    def remove(self, role: str) -> None:
        from kiosk.services.ports import ReaderRole

        self.readers.remove(ReaderRole(role))


def _trust(pki: TestPki, **revocation: Any) -> AnchoredTrust:
    return AnchoredTrust(
        [pki.intermediate.public_bytes(Encoding.DER)],
        [pki.root.public_bytes(Encoding.DER)],
        **revocation,
    )


def counter_on(
    base: StoreWorld, *, documents: Mapping[str, tuple[str, ...]] | None = None
) -> World:
    """The counter over the store-backed world ``base``: the cast on its PKI and in its
    store; ``documents`` (by name) default to the demo's documents of the world's day."""
    clock, store, pki = base.clock, base.store, base.factory.pki
    cards = make_cards(base.factory)
    seed_cast(store, base.journal, cards, clock())
    directory = StoreDirectory(store, clock)
    roster = StoreRoster(store)
    readers = InProcessReaders()
    sync = FixedSyncFigures()
    recorder = RecordingIdentityRecorder(StoreIdentityRecorder(store, base.journal))
    trust = _trust(pki)
    identity = DocumentIdentityChecker(IdentityCheckService(recorder, b"ui-test-key"), clock=clock)
    zones = demo_documents(base.today) if documents is None else documents
    demo = InProcessDemo(
        readers,
        [
            DemoCard(
                name,
                f"{name} {card.serial[-4:]}",
                card.card,
                card.puk if card.code_letter is not None else None,
            )
            for name, card in cards.items()
        ],
        [
            DemoDocument(name, name, "\n".join(zones[name]))
            for name in ("swedish-passport", "foreign-passport")
        ],
    )
    services = Services(
        office_id=OFFICE,
        login=LoginService(cards=readers, trust=trust, roster=roster, clock=clock),
        lookup=LookupService(directory),
        card_check=CardCheckService(cards=readers, trust=trust, clock=clock, directory=directory),
        visit=VisitService(identity=identity, directory=directory, cards=readers, clock=clock),
        status=StatusService(sync),
        monitor=readers,
        demo=demo,
    )
    return World(base, zones, readers, cards, roster, directory, sync, recorder, services)


def _close(base: StoreWorld, directory: StoreDirectory, folder: Path) -> None:
    directory.close()
    base.store.close()
    shutil.rmtree(folder, ignore_errors=True)


def build_world(
    clock: FixedClock, *, documents: Mapping[str, tuple[str, ...]] | None = None
) -> World:
    """The counter on a store-backed world of its own on ``clock``, its test PKI made at
    ``clock()``, in a temporary folder closed and removed when the world is collected."""
    folder = Path(tempfile.mkdtemp(prefix="ui-world-"))
    factory = CardFactory(TestPki.create(now=clock()), master_secret=MASTER)
    base = make_world(folder / "data", clock=clock, factory=factory)
    world = counter_on(base, documents=documents)
    weakref.finalize(world, _close, base, world.directory, folder)
    return world


def make_app(
    world: World,
    *,
    lang: str = "sv",
    idle: float = 300.0,
    demo: bool = True,
    monotonic: Callable[[], float] | None = None,
) -> Any:
    """The app over ``world``; ``monotonic``: the idle lock's clock (default: the real one)."""
    from tests.ui.helpers import RecordingApp

    ctx = UiContext(
        catalogue=Catalogue(lang),
        services=ServiceHolder(world.services),
        office_id=OFFICE,
        clock=world.clock,
        demo_mode=demo,
    )
    if monotonic is None:
        return RecordingApp(ctx, idle_timeout=idle, status_interval=3600)
    return RecordingApp(ctx, idle_timeout=idle, status_interval=3600, monotonic=monotonic)


class FixedPendingBlocks:
    """``PendingBlocks`` for the UI tests: two blocks made offline, 30 and 45 minutes ago."""

    def __init__(self, now: dt.datetime) -> None:
        from kiosk.services.status import format_age
        from kiosk.services.workflows.pending_blocks import PendingBlockLine, PendingBlocksView

        local = now.astimezone(LOCAL_ZONE)
        self.value = PendingBlocksView(
            tuple(
                PendingBlockLine(
                    event_id=f"ev-{serial}",
                    event_type="card.blocked",
                    serial=serial,
                    occurred_at=local - dt.timedelta(minutes=minutes),
                    age=format_age(minutes * 60.0),
                )
                for serial, minutes in (("9752269000000201", 45), ("9752269000000202", 30))
            ),
            "offline",
        )

    def view(self, limit: int = 100) -> Any:
        return self.value


def with_pending_blocks(world: World) -> World:
    """Two blocks waiting for the central, in the status bar and the list."""
    world.sync.value = SyncFigures(False, 2, 2, 45 * 60.0)
    world.services.pending_blocks = FixedPendingBlocks(world.clock())  # type: ignore[assignment]
    return world


class _BadListSource:
    """A revocation source whose one cached list is damaged (the reload leaves it out)."""

    def version(self) -> str | None:
        return "damaged-1"

    def lists(self) -> Mapping[str, bytes]:
        return {"00" * 20: b"not a CRL"}


def limit_logins_by_outdated_list(world: World) -> None:
    """From now on the world's logins are limited to blocking cards: the cached list of the
    person CA was due nine days ago (past the 7-day grace), and the cache holds a damaged
    list that the kiosk leaves out."""
    from devices.card.revocation import RevocationCache, RevocationList
    from devices.virtual.pki_crl import issue_crl

    now = world.clock()
    due = now - dt.timedelta(days=9)
    der = issue_crl(
        world.pki.person_ca, [], this_update=due - dt.timedelta(days=1), next_update=due
    )
    cache = RevocationCache([RevocationList.load(der, [world.pki.person_ca.cert])])
    trust = _trust(world.pki, revocation=cache, source=_BadListSource())
    world.services.login = LoginService(
        cards=world.readers, trust=trust, roster=world.roster, clock=world.clock
    )


def find_the_operators_reader(world: World) -> World:
    """From now on the login finds the reader with a roster operator's card (the kiosk's
    own wiring, ``kiosk.container``), and asks when both readers hold one."""
    trust = _trust(world.pki)
    world.services.login = LoginService(
        cards=world.readers,
        trust=trust,
        roster=world.roster,
        clock=world.clock,
        readers=world.readers,
    )
    return world
