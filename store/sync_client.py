"""Kiosk side of sync: push the journal outbox to the central, pull its changes.

One *round* = push every pending journal event in batches (block requests first,
then in seq order), then pull changes since the stored cursor. The journal is the
outbox: an event stays ``pending`` until the central has answered ``accepted`` or
``rejected`` for it, so a round cut short anywhere (network, SIGKILL) is simply run
again; the central deduplicates by event id and answers the same.

The figures a status bar shows come from :meth:`SyncClient.status`. A
:class:`SyncWorker` runs rounds in a thread with exponential backoff and can be
woken at once ("sync now", or when a block request was written).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from clock import local_date
from protocol.event_format import SignedEvent, parse_timestamp
from protocol.puk import open_puk
from protocol.wire import (
    HEAD_PATH,
    PULL_PATH,
    PUSH_PATH,
    PullEntity,
    PullPage,
    PullQuery,
    PullTable,
    PushAnswer,
    PushRequest,
    PushStatus,
    WireFormatError,
)
from store.bulk import CARD_COLUMNS, HOLDER_COLUMNS
from store.database import Store
from store.holders import holder_name_aad, operator_name_aad, personnummer_aad
from store.journal import PRIORITY_BLOCK, Journal
from store.models import Card, Holder, JournalRow, Office, Operator, PukCache
from store.state import get_state, set_state
from store.sync.errors import CentralRefusedError, CentralUnreachableError, SyncError

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.pull_cursor"
LAST_OK_KEY = "sync.last_success"
DEFAULT_BATCH = 500
DEFAULT_PULL_PAGE = 50_000
PULL_CACHE_KIB = 65_536
MAX_PUSH_ROUNDS = 10_000

_J = JournalRow.__table__  # type: ignore[attr-defined]
_CARD = Card.__table__  # type: ignore[attr-defined]
_HOLDER = Holder.__table__  # type: ignore[attr-defined]
_OFFICE = Office.__table__  # type: ignore[attr-defined]
_OPERATOR = Operator.__table__  # type: ignore[attr-defined]
_PUK = PukCache.__table__  # type: ignore[attr-defined]


# ------------------------------------------------------------------------ transport


class CentralTransport:
    """HTTP(S) to the central; with ``client_cert``/``client_key`` it does mutual TLS.

    Connection problems become :class:`CentralUnreachableError`; 4xx/5xx answers become
    :class:`CentralRefusedError`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client_cert: str | None = None,
        client_key: str | None = None,
        ca_file: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        verify: Any = True
        if ca_file or client_cert:
            import ssl

            context = ssl.create_default_context(cafile=ca_file or None)
            if client_cert:
                context.load_cert_chain(client_cert, client_key or None)
            verify = context
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, verify=verify)
        self._httpx = httpx

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        httpx = self._httpx
        try:
            response = self._client.request(method, path, **kwargs)
        except (httpx.TransportError, OSError) as exc:
            log.info("central unreachable: %s", type(exc).__name__)
            raise CentralUnreachableError(url=self.base_url) from None
        if response.status_code >= 400:
            try:
                detail = str(response.json().get("error", ""))
            except ValueError:
                detail = ""
            raise CentralRefusedError(status=response.status_code, detail=detail or "no detail")
        try:
            data = response.json()
        except ValueError:
            raise CentralRefusedError(status=response.status_code, detail="not JSON") from None
        if not isinstance(data, dict):
            raise CentralRefusedError(status=response.status_code, detail="not an object")
        return data

    def push(self, kiosk_id: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        body = json.dumps(PushRequest(kiosk_id, events).to_dict(), ensure_ascii=False)
        return self._call(
            "POST",
            PUSH_PATH,
            content=body.encode("utf-8"),
            headers={"content-type": "application/json"},
        )

    def pull(self, kiosk_id: str, cursor: int, limit: int) -> dict[str, Any]:
        return self._call("GET", PULL_PATH, params=PullQuery(kiosk_id, cursor, limit).to_params())

    def head(self, kiosk_id: str) -> dict[str, Any]:
        return self._call("GET", HEAD_PATH, params={"kiosk_id": kiosk_id})


# -------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class Rejection:
    event_id: str
    seq: int
    event_type: str
    reason: str


@dataclass
class RoundReport:
    """What one sync round did (``kiosk sync`` prints it)."""

    online: bool = False
    pushed: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    resent: int = 0
    pulled: int = 0
    cursor: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    error: SyncError | None = None

    def lines(self) -> list[str]:
        if not self.online:
            return ["offline: the central could not be reached; nothing was lost"]
        out = [
            f"pushed {self.pushed} events: {self.accepted} accepted, {self.rejected} rejected"
            f" ({self.duplicates} already known, {self.resent} resent)",
            f"pulled {self.pulled} changes (cursor {self.cursor})",
        ]
        out += [f"rejected seq {r.seq} {r.event_type}: {r.reason}" for r in self.rejections]
        return out


@dataclass(frozen=True)
class SyncStatus:
    """The status bar's figures."""

    online: bool
    waiting_events: int
    waiting_blocks: int
    oldest_waiting_seconds: float | None
    oldest_block_seconds: float | None
    last_success: str | None


# ---------------------------------------------------------------------------- client


class SyncClient:
    """Runs sync rounds for one kiosk over a :class:`Store` and its :class:`Journal`."""

    def __init__(
        self,
        *,
        store: Store,
        journal: Journal,
        transport: CentralTransport,
        batch_size: int = DEFAULT_BATCH,
        pull_page: int = DEFAULT_PULL_PAGE,
        clock: Callable[[], datetime] | None = None,
        after_push_answer: Callable[[int], None] | None = None,
        puk_key: bytes | None = None,
    ) -> None:
        self.store = store
        self.journal = journal
        self.kiosk_id = journal.kiosk_id
        self.transport = transport
        self.batch_size = batch_size
        self.pull_page = pull_page
        self.clock = clock or journal.clock
        self.online = False
        self._puk_key = puk_key  # the office PUK key (protocol.puk), if configured
        # test/diagnostic hook, called with the batch number after an answer arrived
        # and before it is recorded (a kiosk killed here must lose nothing)
        self._after_push_answer = after_push_answer

    # ----------------------------------------------------------------------- round

    def run_round(self) -> RoundReport:
        """Push everything pending, then pull. Never raises for an unreachable
        central: the report says offline and every event stays pending."""
        report = RoundReport()
        try:
            self.push_pending(report)
            self.pull(report)
            report.online = True
            self.online = True
            with self.store.unit_of_work() as session:
                set_state(session, LAST_OK_KEY, self.clock().isoformat())
        except CentralUnreachableError as exc:
            self.online = False
            report.online = False
            report.error = exc
        return report

    # ------------------------------------------------------------------------ push

    def push_pending(self, report: RoundReport | None = None) -> RoundReport:
        """Push pending events, blocks first, until none is left or no progress."""
        report = report or RoundReport()
        resend_from: int | None = None
        last_gap: int | None = None
        for batch_no in range(MAX_PUSH_ROUNDS):
            with self.store.read_only() as session:
                if resend_from is not None:
                    events = list(
                        islice(
                            self.journal.events(session, since_seq=resend_from - 1), self.batch_size
                        )
                    )
                else:
                    events = self.journal.pending(session, limit=self.batch_size)
            if not events:
                break
            if resend_from is not None:
                report.resent += len(events)
            answer = self.transport.push(self.kiosk_id, [e.to_dict() for e in events])
            self.online = True
            if self._after_push_answer is not None:
                self._after_push_answer(batch_no)
            progress, expected = self._record(events, answer, report)
            report.pushed += len(events)
            if expected is not None:
                if expected == last_gap:
                    log.warning("central still expects seq %d after a resend", expected)
                    break
                # the central misses events we hold: resend from where it expects
                last_gap = resend_from = expected
                continue
            resend_from = None
            if not progress:
                break
        return report

    def _record(
        self, events: Sequence[SignedEvent], answer: Mapping[str, Any], report: RoundReport
    ) -> tuple[bool, int | None]:
        """Mark answered events; returns (any progress, expected seq if a gap)."""
        by_id = {e.event_id: e for e in events}
        try:
            parsed = PushAnswer.from_dict(answer)
        except WireFormatError as exc:
            raise CentralRefusedError(status=200, detail=exc.detail) from None
        progress = False
        gap_expected: int | None = None
        marks: list[tuple[str, str | None, str]] = []  # (status, reason, event id)
        for result in parsed.results:
            event = by_id.get(result.event_id)
            if event is None:
                continue
            status = result.status
            if result.duplicate:
                report.duplicates += 1
            if status is PushStatus.ACCEPTED:
                marks.append(("accepted", None, event.event_id))
                report.accepted += 1
                progress = True
            elif status in (PushStatus.REJECTED, PushStatus.INVALID):
                text = str(result.reason or status)
                if status is PushStatus.INVALID:
                    text = f"invalid: {text}"
                marks.append(("rejected", text, event.event_id))
                report.rejected += 1
                report.rejections.append(
                    Rejection(event.event_id, event.seq, event.event_type, text)
                )
                progress = True
            elif status is PushStatus.GAP:
                gap_expected = parsed.expected_seq
        with self.store.unit_of_work() as session:
            mark_many(session, marks)
        return progress, gap_expected

    # ------------------------------------------------------------------------ pull

    def pull(self, report: RoundReport | None = None) -> RoundReport:
        """Pull pages until the central has nothing newer; each page and the cursor
        after it commit together. The next page is fetched while this one is written."""
        from concurrent.futures import ThreadPoolExecutor

        report = report or RoundReport()
        with self.store.read_only() as session:
            cursor = int(get_state(session, CURSOR_KEY) or 0)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as pool:
            future = pool.submit(self.transport.pull, self.kiosk_id, cursor, self.pull_page)
            while True:
                page = PullPage.from_dict(future.result(), cursor=cursor)
                self.online = True
                new_cursor = page.cursor
                more = page.more
                if more:
                    future = pool.submit(
                        self.transport.pull, self.kiosk_id, new_cursor, self.pull_page
                    )
                with self.store.unit_of_work() as session:
                    report.pulled += apply_page(
                        self.store,
                        session,
                        page,
                        now=self.clock(),
                        puk_key=self._puk_key,
                    )
                    set_state(session, CURSOR_KEY, str(new_cursor))
                cursor = new_cursor
                if not more:
                    break
        report.cursor = cursor
        return report

    def rejected_events(self, limit: int = 100) -> list[Rejection]:
        """Events the central rejected, newest first, to show to the clerk."""
        with self.store.read_only() as session:
            rows = session.execute(
                select(_J.c.event_id, _J.c.seq, _J.c.event_type, _J.c.sync_reason)
                .where(_J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "rejected")
                .order_by(_J.c.seq.desc())
                .limit(limit)
            ).all()
        return [Rejection(str(r[0]), int(r[1]), str(r[2]), str(r[3] or "")) for r in rows]

    # ---------------------------------------------------------------------- status

    def status(self) -> SyncStatus:
        now = self.clock()
        with self.store.read_only() as session:
            rows = session.execute(
                select(_J.c.priority, func.count(), func.min(_J.c.occurred_at))
                .where(_J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "pending")
                .group_by(_J.c.priority)
            ).all()
            last_ok = get_state(session, LAST_OK_KEY)
        waiting = sum(int(r[1]) for r in rows)
        blocks = sum(int(r[1]) for r in rows if r[0] == PRIORITY_BLOCK)
        oldest_all = min((str(r[2]) for r in rows if r[2]), default=None)
        oldest_block = min(
            (str(r[2]) for r in rows if r[0] == PRIORITY_BLOCK and r[2]), default=None
        )
        return SyncStatus(
            online=self.online,
            waiting_events=waiting,
            waiting_blocks=blocks,
            oldest_waiting_seconds=_age(now, oldest_all),
            oldest_block_seconds=_age(now, oldest_block),
            last_success=last_ok,
        )


def mark_many(session: Session, marks: Sequence[tuple[str, str | None, str]]) -> None:
    """Record many answers at once: ``(status, reason, event_id)`` triples.

    Same effect as ``Journal.mark`` per event (which the journal offers one at a
    time), as one executemany on the session's connection: a 1,000-event answer is
    recorded in milliseconds instead of a tenth of a second."""
    if not marks:
        return
    for status, _reason, _event_id in marks:
        if status not in ("accepted", "rejected"):
            raise ValueError(f"not a final sync status: {status!r}")
    session.execute(
        update(_J)
        .where(_J.c.event_id == bindparam("b_event_id"))
        .values(sync_status=bindparam("b_status"), sync_reason=bindparam("b_reason"))
        .execution_options(synchronize_session=False),
        [{"b_status": s, "b_reason": r, "b_event_id": e} for s, r, e in marks],
    )


def _age(now: datetime, stamp: str | None) -> float | None:
    if stamp is None:
        return None
    return max(0.0, (now - parse_timestamp(stamp)).total_seconds())


# ------------------------------------------------------------------- applying pulls

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _iso_date(value: Any) -> str | None:
    """A ``YYYY-MM-DD`` string as SQLAlchemy stores a ``Date`` on SQLite (validated)."""
    if not isinstance(value, str) or not value:
        return None
    return date.fromisoformat(value).isoformat()


class _Writer:
    """Bulk upserts on the session's own DBAPI connection (inside its transaction):
    ``INSERT ... ON CONFLICT (key) DO UPDATE`` (SQLite and PostgreSQL), no ORM."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.sqlite = connection.dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"
        if self.sqlite:  # bulk pages touch random index pages: keep them in memory
            self.cursor.execute(f"PRAGMA cache_size = -{PULL_CACHE_KIB}")

    def upsert(
        self,
        table: str,
        key: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        keep: Sequence[str] = (),
    ) -> None:
        """Insert or replace by ``key``; columns in ``keep`` keep their local value."""
        if not rows:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key and c not in keep)
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (constant names)
            f"VALUES ({', '.join([self.mark] * len(columns))}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}",
            rows,
        )

    def insert_missing(
        self, table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if not rows:
            return
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (constant names)
            f"VALUES ({', '.join([self.mark] * len(columns))}) ON CONFLICT ({key}) DO NOTHING",
            rows,
        )

    def existing(self, table: str, key: str, values: Iterable[str]) -> set[str]:
        ordered = sorted(set(values))
        found: set[str] = set()
        for start in range(0, len(ordered), 900):
            chunk = ordered[start : start + 900]
            self.cursor.execute(
                f"SELECT {key} FROM {table} "  # noqa: S608 (constant names)
                f"WHERE {key} IN ({', '.join([self.mark] * len(chunk))})",
                chunk,
            )
            found.update(str(row[0]) for row in self.cursor.fetchall())
        return found

    def stamp(self, moment: datetime) -> Any:
        return moment.strftime(_SQLITE_DATETIME) if self.sqlite else moment


OPERATOR_COLUMNS = ("hsa_id", "role", "cert_fingerprint", "name_enc", "office_id", "active")


class _Table:
    """One entity's rows of a pulled page, read by column position (no dicts)."""

    def __init__(self, table: PullTable) -> None:
        self.index = table.index()
        self.rows: Sequence[Sequence[Any]] = table.rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> int:
        return self.index[name]


def apply_page(
    store: Store,
    session: Session,
    page: PullPage,
    *,
    now: datetime,
    puk_key: bytes | None = None,
) -> int:
    """Write one pulled page into the kiosk tables (the central wins); returns the
    number of changes. Offices first, then holders, operators, cards and PUK entries,
    so foreign keys hold; a card whose holder has not arrived yet gets a placeholder
    holder that the holder's own change fills in later. Personal fields are encrypted
    with the kiosk's key (the store's associated data, ``store.holders``). PUK entries
    are opened with the office ``puk_key`` and cached under the kiosk's key; without
    the key they are skipped."""
    writer = _Writer(session)
    cipher = store.cipher
    holders = _Table(page.table(PullEntity.HOLDER))
    operators = _Table(page.table(PullEntity.OPERATOR))
    cards = _Table(page.table(PullEntity.CARD))
    puks = _Table(page.table(PullEntity.PUK))
    orders = _Table(page.table(PullEntity.ORDER))

    offices: set[str] = set()
    if len(operators):
        at = operators.column("office_id")
        offices.update(str(r[at]) for r in operators.rows if r[at])
    if len(cards):
        at, data_at = cards.column("office_id"), cards.column("data")
        offices.update(str(r[at]) for r in cards.rows if r[at])
        offices.update(
            str(r[data_at]["photo_office_id"])
            for r in cards.rows
            if isinstance(r[data_at], dict) and r[data_at].get("photo_office_id")
        )
    if offices:
        writer.insert_missing("offices", "id", ("id", "name"), [(o, o) for o in sorted(offices)])

    holder_rows: list[tuple[Any, ...]] = []
    if len(holders):
        key_at, data_at = holders.column("holder_id"), holders.column("data")
        holder_rows = _holder_rows(cipher, [(str(r[key_at]), r[data_at]) for r in holders.rows])
    if len(cards):
        holder_at = cards.column("holder_id")
        pending = {str(r[holder_at]) for r in cards.rows if r[holder_at]}
        pending -= {row[0] for row in holder_rows}
        if pending:
            missing = pending - writer.existing("holders", "id", pending)
            holder_rows += _holder_rows(cipher, [(key, None) for key in sorted(missing)])
    writer.upsert("holders", "id", HOLDER_COLUMNS, holder_rows)

    if len(operators):
        c = operators.index
        writer.upsert(
            "operators",
            "hsa_id",
            OPERATOR_COLUMNS,
            [
                (
                    str(r[c["hsa_id"]]),
                    str(r[c["role"]]),
                    "",
                    cipher.encrypt("", operator_name_aad(str(r[c["hsa_id"]]))),
                    str(r[c["office_id"]]),
                    bool(r[c["active"]]),
                )
                for r in operators.rows
            ],
            keep=("cert_fingerprint", "name_enc"),  # set locally at enrolment
        )

    if len(cards):
        writer.upsert("cards", "serial", CARD_COLUMNS, _card_rows(cards, writer.stamp(now), now))

    if len(puks) and puk_key is not None:
        _cache_puks(session, cipher, puks, puk_key)
    return len(holders) + len(operators) + len(cards) + len(puks) + len(orders)


def _cache_puks(session: Session, cipher: Any, puks: _Table, puk_key: bytes) -> None:
    from store.puk_cache import put_puk

    key_at, text_at = puks.column("serial"), puks.column("ciphertext")
    serials = [str(r[key_at]) for r in puks.rows]
    products: dict[str, str | None] = dict(
        session.execute(
            select(_CARD.c.serial, _CARD.c.product_number).where(_CARD.c.serial.in_(serials))
        ).all()
    )
    for row in puks.rows:
        serial = str(row[key_at])
        try:
            puk = open_puk(puk_key, serial, str(row[text_at]))
            put_puk(
                session, cipher, card_serial=serial, product_number=products.get(serial), puk=puk
            )
        except ValueError:
            log.warning("PUK cache entry for a card not cached (wrong key or not 7xx)")


def _card_rows(cards: _Table, stamp: Any, now: datetime) -> list[tuple[Any, ...]]:
    c = cards.index
    serial_at, holder_at, product_at = c["serial"], c["holder_id"], c["product_number"]
    state_at, office_at, data_at = c["state"], c["office_id"], c["data"]
    today = local_date(now).isoformat()
    rows = []
    for r in cards.rows:
        if not r[holder_at]:
            continue
        extra = r[data_at] if isinstance(r[data_at], dict) else {}
        get = extra.get
        rows.append(
            (
                r[serial_at],
                r[holder_at],
                r[product_at],
                r[state_at],
                get("shipment_method") or "a_post",
                get("rek_id"),
                get("photo_office_id") or r[office_at],
                _iso_date(get("photo_date")),
                _iso_date(get("order_date")) or today,
                bool(get("with_photo", True)),
                bool(get("sis_marked", False)),
                get("assurance_level"),
                bool(get("is_reserve", False)),
                bool(get("has_signing_cert", True)),
                get("replaced_by_serial"),
                get("blocked_reason"),
                stamp,
            )
        )
    return rows


def _holder_rows(cipher: Any, items: Sequence[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    """Encrypted holder rows; one random draw for all nonces of the page."""
    nonces = os.urandom(24 * len(items))
    rows = []
    for n, (holder_id, data) in enumerate(items):
        inner = data if isinstance(data, dict) else {}
        pnr = str(inner.get("personnummer") or "")
        name = str(inner.get("name") or "")
        at = 24 * n
        rows.append(
            (
                holder_id,
                cipher.encrypt_with_nonce(nonces[at : at + 12], pnr, personnummer_aad(holder_id)),
                cipher.personnummer_index(pnr) if pnr else os.urandom(16),
                inner.get("hsa_id"),
                cipher.encrypt_with_nonce(
                    nonces[at + 12 : at + 24], name, holder_name_aad(holder_id)
                ),
                cipher.name_index(name) if name else os.urandom(16),
                str(inner.get("organisation") or ""),
            )
        )
    return rows


# ---------------------------------------------------------------------------- worker


class SyncWorker:
    """Runs :meth:`SyncClient.run_round` in a thread: at once when woken, else after
    an interval; while the central is unreachable the wait doubles up to a ceiling."""

    def __init__(
        self,
        client: SyncClient,
        *,
        interval: float = 30.0,
        min_backoff: float = 1.0,
        max_backoff: float = 300.0,
        block_retry: float = 5.0,
        on_report: Callable[[RoundReport], None] | None = None,
    ) -> None:
        self.client = client
        self.block_retry = block_retry
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.on_report = on_report
        self.backoff = min_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: RoundReport | None = None

    def next_delay(self, report: RoundReport, *, blocks_waiting: bool = False) -> float:
        """Interval when online; doubling backoff while offline, but never more than
        ``block_retry`` while block requests wait (they go out as soon as the central
        is reachable again)."""
        if report.online:
            self.backoff = self.min_backoff
            return self.interval
        delay = self.backoff
        self.backoff = min(self.max_backoff, self.backoff * 2)
        return min(delay, self.block_retry) if blocks_waiting else delay

    def sync_now(self) -> None:
        """Run a round at once (the "sync now" action, or a block request written)."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.client.run_round()
            except SyncError as exc:
                report = RoundReport(online=True, error=exc)
                log.warning("sync round refused: %s", exc.key)
            self.last_report = report
            if self.on_report is not None:
                self.on_report(report)
            try:
                blocks = self.client.status().waiting_blocks > 0
            except Exception:  # the status is advisory; never stop the worker for it
                log.exception("sync status unavailable")
                blocks = False
            delay = self.next_delay(report, blocks_waiting=blocks)
            self._wake.wait(delay)
            self._wake.clear()
