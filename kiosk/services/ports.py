"""The narrow interfaces the kiosk services and the app need from devices and the store.

Services and screens depend on these Protocols and plain data classes only; the
container (``kiosk/container.py``) plugs in the real implementations (PC/SC or
in-process virtual cards, the serial or virtual scanner, the encrypted store) through
small adapters. Tests pass fakes. Nothing here does I/O. The card itself is reached
through the card protocol, ``kiosk.services.card``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from devices.card.reader_role import ReaderRole as ReaderRole  # noqa: PLC0414 (the ports name it)
from kiosk.domain.types import VisitPurpose

if TYPE_CHECKING:
    from devices.card.revocation import RevocationListError
    from kiosk.domain.types import IdentityDocument
    from kiosk.services.identity import CheckLine, IdentityReport
    from store.records import OperatorRecord


# --- device events (posted from device threads; plain, immutable) ---------------------


@dataclass(frozen=True)
class ReaderEvent:
    """A reader changed: a card went in or out, or the reader itself came or went."""

    role: ReaderRole
    card_present: bool
    reader_name: str = ""
    reader_attached: bool = True
    error: BaseException | None = None


@dataclass(frozen=True)
class ScanEvent:
    """The scanner read a document zone (``text``), or changed connection state."""

    text: str | None = None
    connected: bool = True
    error: BaseException | None = None
    notice_key: str | None = None  # a catalogue key to show (e.g. a rejected frame)


ReaderCallback = Callable[[ReaderEvent], None]
ScanCallback = Callable[[ScanEvent], None]


class DeviceMonitor(Protocol):
    """Watches both readers and the scanner; calls back from its own threads."""

    def start(self, on_reader: ReaderCallback, on_scan: ScanCallback) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class DemoItem:
    """One demo card or document the device panel offers (``label`` is not personal).

    ``code_letter_puk``: the PUK printed in the code letter of a demo card without product
    number or with a 5xx/6xx one (R7), which the demo shows in place of the paper letter;
    None for other cards and documents. The demo only: real cards have no such item."""

    item_id: str
    label: str
    code_letter_puk: str | None = field(default=None, repr=False)


class DemoControls(Protocol):
    """The hands at the counter in ``kiosk demo``: insert/remove cards, scan documents."""

    def cards(self) -> Sequence[DemoItem]: ...

    def documents(self) -> Sequence[DemoItem]: ...

    def insert(self, role: ReaderRole, item_id: str) -> None: ...

    def remove(self, role: ReaderRole) -> None: ...

    def scan(self, item_id: str) -> None: ...


# --- certificate trust --------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What the path validator said about a certificate (R13, with revocation).

    ``status``: ``devices.card.certs.ChainStatus`` value ("ok", "expired", "not_yet_valid",
    "untrusted", "revoked", "wrong_usage", "missing"); ``link``: the link that failed
    ("certificate", "intermediate", "root") and ``date`` the date that made it fail;
    ``revocation``: the freshness of the cached CRLs consulted ("current", "stale",
    "expired", "missing"), with the CA (``revocation_issuer``) and nextUpdate of that list.
    """

    intermediate_ok: bool
    root_ok: bool
    status: str = ""
    link: str | None = None
    date: dt.datetime | None = None
    revocation: str = "missing"
    revocation_issuer: str = ""
    revocation_next_update: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.intermediate_ok and self.root_ok and self.status in ("", "ok")

    @property
    def revoked(self) -> bool:
        return self.status == "revoked"

    @property
    def revocation_stale(self) -> bool:
        """Past the list's nextUpdate but within the grace period: warn the operator."""
        return self.revocation == "stale"

    @property
    def revocation_expired(self) -> bool:
        """Past nextUpdate plus the grace period: only blocking goes on."""
        return self.revocation == "expired"


class TrustStore(Protocol):
    #: the typed errors (catalogue key and params) of the cached revocation lists that the
    #: last reload left out: unparsable, or signed by no trusted CA
    problems: tuple[RevocationListError, ...]

    def check_chain(
        self, certificate_der: bytes, now: dt.datetime, purpose: str = "any"
    ) -> ChainReport:
        """``purpose``: "any", "authentication" (digitalSignature) or "signature"
        (nonRepudiation)."""
        ...


# --- store views (plain data; never live ORM rows) -------------------------------------


class OperatorRoster(Protocol):
    """The local operator roster (``store.records.OperatorRecord``: role "clerk" or
    "id_admin"; an operator who is not ``active`` is blocked), found by HSA-id."""

    def find_by_hsa_id(self, hsa_id: str) -> OperatorRecord | None: ...

    def fill_name(self, hsa_id: str, name: str) -> None:
        """Give an entry without a name this one (the login certificate's common name);
        an entry with a name keeps it, and the central's name replaces it on a pull."""
        ...

    def last_contact(self) -> dt.datetime | None:
        """When the roster was last refreshed from the central (None: never)."""
        ...


@dataclass(frozen=True)
class HolderSummary:
    holder_id: str
    name: str
    personnummer: str  # shown masked in lists; full only on the holder's own page


@dataclass(frozen=True)
class CardView:
    serial: str
    product_number: str | None
    state: str
    shipment: str | None = None
    photo_office: str | None = None
    photo_date: dt.date | None = None
    order_date: dt.date | None = None
    sis_marked: bool = False
    assurance_level: str | None = None
    has_signing_cert: bool = False
    is_reserve: bool = False  # R12: a reserve card (its level is assurance_level)


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    due: dt.date
    card_serial: str | None = None


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime  # local time (Europe/Stockholm), as receipts show it
    event_type: str
    operator: str  # the operator's name, or the HSA-id where the roster has no name
    card_serial: str | None = None
    event_id: str = ""  # the journal event (a receipt is reprinted from it)


@dataclass(frozen=True)
class HolderDetail:
    holder: HolderSummary
    cards: tuple[CardView, ...] = ()
    deadlines: tuple[DeadlineView, ...] = ()
    history: tuple[HistoryLine, ...] = ()


class HolderDirectory(Protocol):
    """Read-only lookups in the local store (each call is its own unit of work)."""

    def by_personnummer(self, personnummer: str) -> Sequence[HolderSummary]: ...

    def by_name(self, text: str) -> Sequence[HolderSummary]:
        """Holders whose name has every word of ``text`` (case and diacritics folded)."""
        ...

    def by_birth_date(self, digits: str) -> Sequence[HolderSummary]:
        """Holders born on ``digits`` (``YYYYMMDD``, or ``YYMMDD`` in the last hundred years)."""
        ...

    def by_card_serial(self, serial: str) -> Sequence[HolderSummary]: ...

    def detail(self, holder_id: str) -> HolderDetail | None: ...


# --- identity documents ----------------------------------------------------------------


@dataclass(frozen=True)
class ManualDocument:
    """What the clerk types when the zone cannot be scanned."""

    kind: str  # "passport" | "id_card" | "driving_licence" | "digital_id" | ...
    issuing_country: str
    document_number: str
    personnummer: str
    surname: str
    given_names: str
    expiry: dt.date | None


@dataclass(frozen=True)
class IdentityOutcome:
    """The identity check of a document against the holder on record (R1): the checks
    that applied (``checks``, shown on screen by their ``key`` and ``ok``) and the verdict.

    ``document``: the document as the card-office rules see it (kind, issuing state,
    expiry), when the check could tell; ``checked_at``: when the document was checked.
    """

    accepted: bool
    checks: tuple[CheckLine, ...]
    soft_mismatch: bool = False  # name or birth date differ: continue only with a reason
    personnummer: str | None = None
    name: str | None = None
    document_kind: str | None = None
    zone_lines: tuple[str, ...] = ()
    document: IdentityDocument | None = None
    checked_at: dt.datetime | None = None
    report: IdentityReport | None = field(default=None, compare=False, repr=False)


class IdentityChecker(Protocol):
    """Checks a document (scanned zone or typed details) against a holder (R1)."""

    def check_zone(
        self, zone_text: str, holder: HolderSummary | None, purpose: VisitPurpose
    ) -> IdentityOutcome: ...

    def check_manual(
        self, document: ManualDocument, holder: HolderSummary | None, purpose: VisitPurpose
    ) -> IdentityOutcome: ...

    def confirm(
        self,
        outcome: IdentityOutcome,
        *,
        photo_matches: bool,
        operator: str,
        holder_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Record the finished check with the clerk's photo judgement and, after a soft
        mismatch, the clerk's reason to continue (journaled)."""
