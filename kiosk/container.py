"""Builds the object graph from ``KioskConfig``: the ONE place that picks real or virtual
devices. No globals: ``build_services`` returns everything, ``Services.close`` ends it.

* ``readers.virtual = true`` (the demo): in-process virtual readers and scanner, demo
  cards and documents from ``kiosk.demo_data`` (seeded into the store on first start),
  the demo's test PKI as trust anchors.
* otherwise: PC/SC readers found by name pattern, the serial scanner on ``scanner.port``
  (``virtual`` = none), trust anchors from ``trust_dir`` (default ``<data_dir>/trust``).

Heavy imports (SQLAlchemy, cryptography, pyscard) happen inside ``build_services``, which
the app calls in a worker after its first screen is up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

from clock import Clock
from kiosk.config import KioskConfig
from kiosk.office_puk_key import load_office_puk_key as _office_puk_key
from kiosk.services.context import Services
from kiosk.trust_files import trust_from_certificates, trust_from_folder

if TYPE_CHECKING:  # the modules themselves are imported where they are built
    from devices.scanner.serial_port import SerialSettings
    from kiosk.receipts.desk import ReceiptDesk
    from kiosk.reports.service import DayReportService
    from kiosk.services.card import CardAccess
    from kiosk.services.demo_controls import InProcessDemo
    from kiosk.services.device_adapters import InProcessReaders, PcscMonitor
    from kiosk.services.ports import DemoControls, DeviceMonitor, TrustStore
    from kiosk.services.trust import AnchoredTrust, RevocationSource
    from kiosk.services.workflows.container import Workflows
    from kiosk.services.workflows.pending_blocks import PendingBlocks
    from kiosk.services.workflows.rejected import RejectedEvents
    from store.database import Store
    from store.journal import Journal
    from store.sync import SyncClient


def document_number_key(index_key: bytes) -> bytes:
    """A key of its own for the document-number HMAC, derived from the index key."""
    return hmac.new(index_key, b"identity-document-number", hashlib.sha256).digest()


def build_services(
    config: KioskConfig,
    *,
    clock: Clock,
    lp_command: str = "lp",
) -> Services:
    """Open the store and the devices named by ``config``; seed the demo when virtual.
    ``clock``: the one wall clock every service reads (``clock.system_clock`` in the app).
    ``lp_command``: the program that prints receipts (CUPS ``lp``)."""
    from kiosk.camera_backend import photo_service
    from kiosk.services.card import ReaderSessions
    from kiosk.services.card_check import CardCheckService
    from kiosk.services.identity import IdentityCheckService
    from kiosk.services.identity_check import DocumentIdentityChecker
    from kiosk.services.identity_store import StoreIdentityRecorder
    from kiosk.services.login import LoginService
    from kiosk.services.lookup import LookupService
    from kiosk.services.status import StatusService
    from kiosk.services.store_views import StoreDirectory, StoreRoster, SyncClientFigures
    from kiosk.services.trust import StoreRevocationSource
    from kiosk.services.visit import VisitService
    from store.journal import Journal

    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = _open_store(config)
    keys = store.keys
    closers: list[Callable[[], None]] = [store.close]
    try:
        journal = Journal(config.kiosk_id, keys, store.cipher, clock=clock)
        cards: CardAccess
        monitor: DeviceMonitor
        trust: TrustStore
        demo: DemoControls | None = None
        if config.readers.virtual:
            cards, monitor, demo, trust = _virtual_devices(config, store, journal, clock(), closers)
        else:
            cards, monitor, trust = _real_devices(config, StoreRevocationSource(store), closers)
        directory = StoreDirectory(store, clock)
        closers.append(directory.close)
        identity = DocumentIdentityChecker(
            IdentityCheckService(
                StoreIdentityRecorder(store, journal), document_number_key(keys.index_key)
            ),
            clock=clock,
        )
        sync, sync_now = _sync_client(config, store, journal, closers)
        workflows = _workflows(
            config, store=store, journal=journal, cards=cards, sync=sync, clock=clock, trust=trust
        )
        receipts = _receipts(
            config,
            store=store,
            journal=journal,
            cards=cards,
            lp=lp_command,
            trust=trust,
            clock=clock,
        )
        reports = _reports(config, store)
        return Services(
            office_id=config.office_id,
            login=LoginService(
                cards=cards,
                trust=trust,
                roster=StoreRoster(store),
                clock=clock,
                office_id=config.office_id,
                roster_max_age=(
                    dt.timedelta(days=config.central.roster_max_age_days)
                    if config.central.url
                    else None
                ),
                readers=cards if isinstance(cards, ReaderSessions) else None,
            ),
            lookup=LookupService(directory),
            card_check=CardCheckService(cards=cards, trust=trust, clock=clock, directory=directory),
            visit=VisitService(identity=identity, directory=directory, cards=cards, clock=clock),
            status=StatusService(SyncClientFigures(sync)),
            monitor=monitor,
            demo=demo,
            workflows=workflows,
            receipts=receipts,
            reports=reports,
            rejected=_rejected(sync, store),
            pending_blocks=_pending_blocks(sync, store, clock),
            sync_now=sync_now,
            photos=photo_service(config),
            closers=closers,
        )
    except BaseException:
        for closer in reversed(closers):
            closer()
        raise


def _open_store(config: KioskConfig) -> Store:
    """The store with its keys. A key file is created only together with a new database:
    an existing database whose key file is missing is refused (MissingKeyFileError), as
    ``kiosk audit verify`` refuses it, never given a new key it cannot read."""
    from store.database import holds_store, open_store
    from store.keys import load_keys, load_or_create_keys

    url = config.resolved_database_url
    key_file = config.resolved_key_file
    keys = load_keys(key_file) if holds_store(url) else load_or_create_keys(key_file)
    return open_store(url, keys)


def _workflows(
    config: KioskConfig,
    *,
    store: Store,
    journal: Journal,
    cards: CardAccess,
    sync: SyncClient,
    clock: Clock,
    trust: TrustStore,
) -> Workflows:
    """The counter workflows (activation, unlock, PIN change, blocking, ...) on the
    customer reader; a PUK cache miss asks the central when one is configured."""
    from kiosk.services.card import opener_for
    from kiosk.services.ports import ReaderRole
    from kiosk.services.workflows.container import build_workflows

    def refresh() -> bool:
        return bool(sync.run_round().online)

    return build_workflows(
        store=store,
        journal=journal,
        card_opener=opener_for(cards, ReaderRole.CUSTOMER),
        clock=clock,
        puk_refresh=refresh if config.central.url else None,
        trust=trust,
    )


def _receipts(
    config: KioskConfig,
    *,
    store: Store,
    journal: Journal,
    cards: CardAccess,
    lp: str,
    trust: TrustStore,
    clock: Clock,
) -> ReceiptDesk:
    """The ONE receipt service: the config's printer (else its receipts folder) and
    language; the holder signs with the card in the customer reader, the hand-out with
    the operator's card too (``kiosk.receipts.hand_out``)."""
    from kiosk.receipts.desk import ReceiptDesk
    from kiosk.receipts.hand_out import counter_hand_out
    from kiosk.receipts.service import ReceiptIssuer
    from kiosk.services.card import opener_for
    from kiosk.services.ports import ReaderRole

    service = ReceiptIssuer(
        store,
        journal,
        office_id=config.office_id,
        config=config.receipts,
        folder=config.resolved_receipts_folder,
        lang=config.language,
        lp_command=lp,
        office=config.office,
    )
    hand_out = counter_hand_out(service, cards, trust, clock)
    opener = opener_for(cards, ReaderRole.CUSTOMER)
    return ReceiptDesk(service, card_opener=opener, hand_out=hand_out)


def _reports(config: KioskConfig, store: Store) -> DayReportService:
    """The day report, saved in ``<data_dir>/reports`` in the config's language."""
    from kiosk.reports.service import DayReportService

    return DayReportService(
        store, office_id=config.office_id, folder=config.data_dir / "reports", lang=config.language
    )


def _rejected(sync: SyncClient, store: Store) -> RejectedEvents:
    """The events the central rejected (read from the sync client), for the clerk."""
    from kiosk.services.workflows.rejected import RejectedEvents

    return RejectedEvents(sync, store)


def _pending_blocks(sync: SyncClient, store: Store, clock: Clock) -> PendingBlocks:
    from kiosk.services.workflows.pending_blocks import PendingBlocks

    return PendingBlocks(sync, store, clock)


def _sync_client(
    config: KioskConfig, store: Store, journal: Journal, closers: list[Callable[[], None]]
) -> tuple[SyncClient, Callable[[], None] | None]:
    """The sync client whose status feeds the status bar, and the worker's "sync now"; with
    a central URL configured the worker thread pushes and pulls in the background
    (offline otherwise, and nothing to sync now)."""
    from store.sync import CentralTransport, SyncClient, SyncWorker

    central = config.central
    if not central.url:
        offline = SyncClient(store=store, journal=journal, transport=None)  # type: ignore[arg-type]
        return offline, None
    transport = CentralTransport(
        central.url,
        client_cert=central.client_cert or None,
        client_key=central.client_key or None,
        ca_file=central.ca_file or None,
        timeout=central.timeout_seconds,
    )
    closers.append(transport.close)
    puk_key = _office_puk_key(central.puk_key_file)
    client = SyncClient(
        store=store,
        journal=journal,
        transport=transport,
        puk_key=puk_key,
        photo_retention_days=central.photo_retention_days,
        central_key=central.checkpoint_key or None,
    )
    client.guard.check_local()  # at start, offline too: the journal against its checkpoint
    worker = SyncWorker(client, interval=central.sync_interval_seconds)
    worker.start()
    closers.append(worker.stop)
    return client, worker.sync_now


def _virtual_devices(
    config: KioskConfig,
    store: Store,
    journal: Journal,
    now: dt.datetime,
    closers: list[Callable[[], None]],
) -> tuple[InProcessReaders, InProcessReaders, InProcessDemo, AnchoredTrust]:
    from kiosk.demo_data import build_demo_world, seed_store
    from kiosk.services.demo_controls import DemoCard, DemoDocument, InProcessDemo
    from kiosk.services.device_adapters import InProcessReaders

    world = build_demo_world(config.data_dir / "demo-pki", now, config.language)
    seed_store(store, store.cipher, journal, world, now=now)
    readers = InProcessReaders()
    demo = InProcessDemo(
        readers,
        [
            DemoCard(
                key,
                world.labels.get(key, key),
                card.card,
                card.puk if card.code_letter is not None else None,
            )
            for key, card in world.cards.items()
        ],
        [DemoDocument(name, name, "\n".join(lines)) for name, lines in world.documents.items()],
    )
    if config.central.url:  # the demo's central produces cards: make their virtual cards
        from kiosk.demo_production import ProducedCards

        closers.append(ProducedCards(store, world.pki, demo, config.language).start())
    trust = trust_from_certificates([world.pki.intermediate, world.pki.root])
    return readers, readers, demo, trust


def _real_devices(
    config: KioskConfig, source: RevocationSource, closers: list[Callable[[], None]]
) -> tuple[CardAccess, PcscMonitor, AnchoredTrust]:
    from devices.card.reader_role import ReaderAssignment, ReaderRoles
    from kiosk.services.device_adapters import PcscCards, PcscMonitor

    readers = config.readers
    scanner: SerialSettings | None = None
    if config.scanner.port != "virtual":
        from devices.scanner.serial_port import SerialSettings

        s = config.scanner
        scanner = SerialSettings(
            port=s.port,
            framing=s.framing,
            baud=s.baud,
            parity=s.parity,
            stop_bits=s.stop_bits,
            frame_timeout_ms=s.frame_timeout_ms,
        )
    # One assignment of the reader roles: the login binds it, the watcher names by it.
    assignment = ReaderAssignment(
        ReaderRoles(
            operator_pattern=readers.operator_pattern, customer_pattern=readers.customer_pattern
        )
    )
    cards: CardAccess = PcscCards(
        readers.operator_pattern, readers.customer_pattern, assignment=assignment
    )
    if config.card.backend == "pkcs11":
        from kiosk.card_backend import pkcs11_cards

        cards = pkcs11_cards(config, closers, assignment)
    monitor = PcscMonitor(
        readers.operator_pattern, readers.customer_pattern, scanner, assignment=assignment
    )
    trust = trust_from_folder(
        config.resolved_trust_dir,
        source=source,
        grace=dt.timedelta(days=config.central.crl_grace_days),
    )
    return cards, monitor, trust
