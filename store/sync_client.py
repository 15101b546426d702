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
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from store.central.errors import CentralRefusedError, CentralUnreachableError, SyncError
from store.database import Store
from store.journal import PRIORITY_BLOCK, Journal
from store.journal_format import SignedEvent, parse_timestamp
from store.models import Card, Holder, JournalRow, Office, Operator, PukCache, SyncState

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.pull_cursor"
LAST_OK_KEY = "sync.last_success"
DEFAULT_BATCH = 500
DEFAULT_PULL_PAGE = 20_000
MAX_PUSH_ROUNDS = 10_000

_J = JournalRow.__table__  # type: ignore[attr-defined]
_S = SyncState.__table__  # type: ignore[attr-defined]
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
        if ca_file:
            import ssl

            context = ssl.create_default_context(cafile=ca_file)
            if client_cert:
                context.load_cert_chain(client_cert, client_key)
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
        body = json.dumps({"kiosk_id": kiosk_id, "events": list(events)}, ensure_ascii=False)
        return self._call(
            "POST",
            "/v1/push",
            content=body.encode("utf-8"),
            headers={"content-type": "application/json"},
        )

    def pull(self, kiosk_id: str, cursor: int, limit: int) -> dict[str, Any]:
        return self._call(
            "GET", "/v1/pull", params={"kiosk_id": kiosk_id, "cursor": cursor, "limit": limit}
        )

    def head(self, kiosk_id: str) -> dict[str, Any]:
        return self._call("GET", "/v1/head", params={"kiosk_id": kiosk_id})


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
    ) -> None:
        self.store = store
        self.journal = journal
        self.kiosk_id = journal.kiosk_id
        self.transport = transport
        self.batch_size = batch_size
        self.pull_page = pull_page
        self.clock = clock or (lambda: datetime.now(UTC))
        self.online = False
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
                _set_state(session, LAST_OK_KEY, self.clock().isoformat())
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
            with self.store.unit_of_work() as session:
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
        results = answer.get("results")
        if not isinstance(results, list):
            raise CentralRefusedError(status=200, detail="answer without results")
        progress = False
        gap_expected: int | None = None
        with self.store.unit_of_work() as session:
            for result in results:
                event = by_id.get(str(result.get("event_id")))
                if event is None:
                    continue
                status = result.get("status")
                reason = result.get("reason")
                if result.get("duplicate"):
                    report.duplicates += 1
                if status == "accepted":
                    self.journal.mark(session, event.event_id, "accepted", None)
                    report.accepted += 1
                    progress = True
                elif status in ("rejected", "invalid"):
                    text = str(reason or status)
                    if status == "invalid":
                        text = f"invalid: {text}"
                    self.journal.mark(session, event.event_id, "rejected", text)
                    report.rejected += 1
                    report.rejections.append(
                        Rejection(event.event_id, event.seq, event.event_type, text)
                    )
                    progress = True
                elif status == "gap":
                    gap_expected = int(answer.get("expected_seq", 0)) or None
        return progress, gap_expected

    # ------------------------------------------------------------------------ pull

    def pull(self, report: RoundReport | None = None) -> RoundReport:
        report = report or RoundReport()
        with self.store.unit_of_work() as session:
            cursor = int(_get_state(session, CURSOR_KEY) or 0)
        while True:
            answer = self.transport.pull(self.kiosk_id, cursor, self.pull_page)
            self.online = True
            changes = answer.get("changes") or []
            new_cursor = int(answer.get("cursor", cursor))
            with self.store.unit_of_work() as session:
                apply_changes(self.store, session, changes)
                _set_state(session, CURSOR_KEY, str(new_cursor))
            report.pulled += len(changes)
            cursor = new_cursor
            if not answer.get("more"):
                break
        report.cursor = cursor
        return report

    # ---------------------------------------------------------------------- status

    def status(self) -> SyncStatus:
        now = self.clock()
        with self.store.unit_of_work() as session:
            rows = session.execute(
                select(_J.c.priority, func.count(), func.min(_J.c.occurred_at))
                .where(_J.c.kiosk_id == self.kiosk_id, _J.c.sync_status == "pending")
                .group_by(_J.c.priority)
            ).all()
            last_ok = _get_state(session, LAST_OK_KEY)
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


def _age(now: datetime, stamp: str | None) -> float | None:
    if stamp is None:
        return None
    return max(0.0, (now - parse_timestamp(stamp)).total_seconds())


def _get_state(session: Session, key: str) -> str | None:
    value = session.execute(select(_S.c.value).where(_S.c.key == key)).scalar_one_or_none()
    return None if value is None else str(value)


def _set_state(session: Session, key: str, value: str) -> None:
    done = session.execute(update(_S).where(_S.c.key == key).values(value=value))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(_S).values(key=key, value=value))


# ------------------------------------------------------------------- applying pulls


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _datetime(value: Any, default: datetime) -> datetime:
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return default


def apply_changes(store: Store, session: Session, changes: Iterable[Mapping[str, Any]]) -> None:
    """Write one page of central changes into the kiosk tables (the central wins).

    Order inside a page: offices, holders, operators, cards, PUK entries, so that
    foreign keys hold; a card whose holder has not arrived yet gets a placeholder
    holder that the holder's own change later fills in.
    """
    by_entity: dict[str, dict[str, Mapping[str, Any]]] = {}
    for change in changes:
        by_entity.setdefault(str(change["entity"]), {})[str(change["key"])] = change["data"]
    cipher = store.cipher
    now = datetime.now(UTC)
    holders = by_entity.get("holder", {})
    cards = by_entity.get("card", {})
    operators = by_entity.get("operator", {})
    puks = by_entity.get("puk", {})
    offices = {str(d.get("office_id")) for d in (*operators.values(), *cards.values())}
    offices |= {str(d["data"].get("photo_office_id")) for d in cards.values() if d.get("data")}
    offices.discard("None")
    offices.discard("")
    _ensure_offices(session, offices)

    holder_rows = [_holder_row(cipher, key, data) for key, data in holders.items()]
    missing = {
        str(d["holder_id"])
        for d in cards.values()
        if d.get("holder_id") and str(d["holder_id"]) not in holders
    }
    if missing:
        known = _existing(session, _HOLDER.c.id, missing)
        holder_rows += [_holder_row(cipher, key, {}) for key in missing - known]
    _upsert(session, _HOLDER, _HOLDER.c.id, "id", holder_rows)

    operator_rows = [
        {
            "hsa_id": key,
            "role": str(d.get("role", "clerk")),
            "cert_fingerprint": str(d.get("cert_fingerprint") or ""),
            "name_enc": cipher.encrypt(str(d.get("name") or ""), f"{key}:name".encode()),
            "office_id": str(d.get("office_id")),
            "active": bool(d.get("active", True)),
        }
        for key, d in operators.items()
    ]
    _upsert(session, _OPERATOR, _OPERATOR.c.hsa_id, "hsa_id", operator_rows)

    card_rows = [_card_row(key, d, now) for key, d in cards.items()]
    card_rows = [r for r in card_rows if r["holder_id"]]
    _upsert(session, _CARD, _CARD.c.serial, "serial", card_rows)

    puk_rows = [
        {"card_serial": key, "puk_enc": bytes.fromhex(str(d.get("ciphertext", "")))}
        for key, d in puks.items()
    ]
    _upsert(session, _PUK, _PUK.c.card_serial, "card_serial", puk_rows)


def _holder_row(cipher: Any, holder_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    inner = data.get("data") if isinstance(data.get("data"), Mapping) else {}
    assert isinstance(inner, Mapping)
    pnr = str(inner.get("personnummer") or "")
    name = str(inner.get("name") or "")
    return {
        "id": holder_id,
        "personnummer_enc": cipher.encrypt(pnr, f"{holder_id}:personnummer".encode()),
        "personnummer_idx": cipher.personnummer_index(pnr) if pnr else os.urandom(16),
        "hsa_id": inner.get("hsa_id"),
        "name_enc": cipher.encrypt(name, f"{holder_id}:name".encode()),
        "name_idx": cipher.name_index(name) if name else os.urandom(16),
        "organisation": str(inner.get("organisation") or ""),
    }


def _card_row(serial: str, d: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    extra = d.get("data") if isinstance(d.get("data"), Mapping) else {}
    assert isinstance(extra, Mapping)
    order_date = _date(extra.get("order_date")) or now.date()
    return {
        "serial": serial,
        "holder_id": d.get("holder_id"),
        "product_number": d.get("product_number"),
        "state": str(d.get("state")),
        "shipment_method": str(extra.get("shipment_method") or "a_post"),
        "rek_id": extra.get("rek_id"),
        "photo_office_id": extra.get("photo_office_id") or d.get("office_id"),
        "photo_date": _date(extra.get("photo_date")),
        "order_date": order_date,
        "with_photo": bool(extra.get("with_photo", True)),
        "sis_marked": bool(extra.get("sis_marked", False)),
        "assurance_level": extra.get("assurance_level"),
        "is_reserve": bool(extra.get("is_reserve", False)),
        "has_signing_cert": bool(extra.get("has_signing_cert", True)),
        "replaced_by_serial": extra.get("replaced_by_serial"),
        "blocked_reason": extra.get("blocked_reason"),
        "updated_at": _datetime(extra.get("updated_at"), now),
    }


def _ensure_offices(session: Session, offices: set[str]) -> None:
    if not offices:
        return
    known = _existing(session, _OFFICE.c.id, offices)
    rows = [{"id": o, "name": o} for o in sorted(offices - known)]
    if rows:
        session.execute(insert(_OFFICE), rows)


def _existing(session: Session, column: Any, keys: Iterable[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        found.update(
            str(v) for v in session.execute(select(column).where(column.in_(chunk))).scalars()
        )
    return found


def _upsert(
    session: Session, table: Any, key_column: Any, key_name: str, rows: list[dict[str, Any]]
) -> None:
    """Insert new rows in bulk; update the ones that exist (the central wins)."""
    if not rows:
        return
    known = _existing(session, key_column, (r[key_name] for r in rows))
    fresh = [r for r in rows if r[key_name] not in known]
    if fresh:
        session.execute(insert(table), fresh)
    for row in rows:
        if row[key_name] in known:
            values = {k: v for k, v in row.items() if k != key_name}
            session.execute(update(table).where(key_column == row[key_name]).values(**values))


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
        on_report: Callable[[RoundReport], None] | None = None,
    ) -> None:
        self.client = client
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.on_report = on_report
        self.backoff = min_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: RoundReport | None = None

    def next_delay(self, report: RoundReport) -> float:
        """Interval when online; doubling backoff while offline."""
        if report.online:
            self.backoff = self.min_backoff
            return self.interval
        delay = self.backoff
        self.backoff = min(self.max_backoff, self.backoff * 2)
        return delay

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
            delay = self.next_delay(report)
            self._wake.wait(delay)
            self._wake.clear()


def monotonic() -> float:
    return time.monotonic()
