"""The central's HTTP API (Starlette). JSON in, JSON out: the messages of
``protocol.wire``; see docs/sync.md.

``POST /v1/push``  {"kiosk_id", "events": [SignedEvent...]} → per-event answers
``GET  /v1/pull?kiosk_id=&cursor=&limit=`` → changes after the cursor
``GET  /v1/head?kiosk_id=`` → the kiosk's chain head at the central
``GET  /v1/health`` → {"ok": true}
``GET  /v1/crls?kiosk_id=`` → the CAs' CRLs the central fetched (``central.crls``)
``POST /v1/photo?kiosk_id=&digest=`` JPEG bytes → {"digest", "stored"} (``central.photos``)
``GET  /v1/photo?kiosk_id=&digest=`` → {"digest", "jpeg" (base64)} for an open order
``POST /v1/photos`` {"kiosk_id", "digests"} → many photos at once, their bytes as they are
                   after a JSON head line (``protocol.wire_photos``)
``GET  /v1/events?kiosk_id=&after=&limit=`` → the kiosk's own chain back (a restored kiosk)
``POST /v1/divergence`` {"kiosk_id", "kind", "seq", "local_hash"} → a fork alarm recorded
``POST /v1/blocks`` {"kiosk_id", "events"} → blocks of a diverged kiosk, outside its chain (R9)

The edge, in this order, for a push: with mutual TLS the client certificate must be
registered for a kiosk before a byte of the body is read (403 otherwise); the body is
read as it streams in and refused with 413 as soon as it passes ``max_body_bytes`` (at
once when its Content-Length says so); then the strict JSON decoding, the shape checks
(``protocol.wire``) and the push itself (signatures, database) run in a worker thread,
never on the event loop, so ``/v1/health`` answers while a large batch is processed.
At most ``work_threads`` requests of a process do that work at once (default
``central.limits.WORK_THREADS``, which says why); the others wait on the event loop.
Every refusal is a 4xx with an ``ErrorAnswer`` that says why.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from central.crls import CrlRelay
from central.errors import (
    PhotoDigestMismatchError,
    UnknownKioskError,
    WrongKioskCertificateError,
)
from central.limits import WORK_THREADS
from central.service import CentralService
from protocol.checkpoint import DivergenceReport, EventsQuery, HeadAnswer
from protocol.outside_chain import BLOCKS_PATH
from protocol.wire import (
    CRLS_PATH,
    DEFAULT_MAX_BODY_BYTES,
    DIVERGENCE_PATH,
    EVENTS_PATH,
    HEAD_PATH,
    HEALTH_PATH,
    PHOTO_PATH,
    PULL_PATH,
    PUSH_PATH,
    ErrorAnswer,
    ErrorCode,
    PullQuery,
    PushRequest,
    WireFormatError,
    strict_body,
)
from protocol.wire_photos import (
    MAX_PHOTO_REQUEST_BYTES,
    PHOTO_BATCH_MEDIA_TYPE,
    PHOTOS_PATH,
    PhotoBatchRequest,
    photo_digest_field,
)

DIVERGENCE_BODY_BYTES = 4096  # a divergence report is a few small fields
Result = TypeVar("Result")
PeerLookup = Callable[[dict[str, Any]], str | None]

# The HTTP status of a refused request (400 unless named here).
STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.BATCH_TOO_LARGE: 413,
    ErrorCode.BODY_TOO_LARGE: 413,
    ErrorCode.UNKNOWN_KIOSK: 403,
    ErrorCode.WRONG_CERTIFICATE: 403,
}


def _error(code: ErrorCode, detail: str) -> JSONResponse:
    return JSONResponse(ErrorAnswer(code, detail).to_dict(), status_code=STATUS_OF.get(code, 400))


class BodyTooLargeError(Exception):
    """The request body passed the limit while it streamed in."""


async def read_body(request: Request, limit: int) -> bytearray:
    """The request body, read chunk by chunk: :class:`BodyTooLargeError` as soon as the
    Content-Length or the bytes received pass ``limit`` (the rest is never buffered)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLargeError
    return body


def build_app(
    service: CentralService,
    *,
    peer_fingerprint: PeerLookup | None = None,
    require_certificate: bool = False,
    crls: CrlRelay | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    work_threads: int = WORK_THREADS,
) -> Starlette:
    """The ASGI app. ``peer_fingerprint`` maps a request scope to the SHA-256 of the
    client's TLS certificate (mutual TLS); when certificates are required, a push or
    pull must come from the certificate registered for its kiosk. A push body larger
    than ``max_body_bytes`` is refused with 413 before it is parsed. At most
    ``work_threads`` requests run their handlers (database work) at once."""
    limiter = anyio.CapacityLimiter(work_threads)

    async def in_worker(handler: Callable[..., Result], *args: Any) -> Result:
        return await anyio.to_thread.run_sync(handler, *args, limiter=limiter)

    def threaded(
        handler: Callable[[Request], Response],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A GET route whose ``handler`` runs in a worker thread, under the limit."""

        async def route(request: Request) -> Response:
            return await in_worker(handler, request)

        return route

    def fingerprint(request: Request) -> str | None:
        return peer_fingerprint(dict(request.scope)) if peer_fingerprint else None

    def authorise(request: Request, kiosk_id: str) -> None:
        if peer_fingerprint is None and not require_certificate:
            return
        service.check_kiosk_certificate(
            kiosk_id, fingerprint(request), required=require_certificate
        )

    def answer(request: Request, kiosk_id: str, work: Callable[[], Response]) -> Response:
        """``work()`` for a registered kiosk with its own certificate; else a 403."""
        try:
            authorise(request, kiosk_id)
            return work()
        except UnknownKioskError:
            return _error(ErrorCode.UNKNOWN_KIOSK, "kiosk not registered")
        except WrongKioskCertificateError:
            return _error(ErrorCode.WRONG_CERTIFICATE, "certificate not registered for kiosk")

    def certificate_refused(request: Request) -> Response | None:
        """Before the body: the client's certificate must be registered for some kiosk
        (which one the body says; :func:`answer` checks that after)."""
        if service.certificate_registered(fingerprint(request)):
            return None
        return _error(ErrorCode.WRONG_CERTIFICATE, "certificate not registered for a kiosk")

    def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    def posted(
        handler: Callable[[Request, bytearray], Response], limit: int
    ) -> Callable[[Request], Awaitable[Response]]:
        """A POST route: the client certificate before the body, the body read up to
        ``limit`` bytes (413 beyond), then ``handler`` in a worker thread."""

        async def route(request: Request) -> Response:
            if require_certificate:
                refused = await in_worker(certificate_refused, request)
                if refused is not None:
                    return refused
            try:
                body = await read_body(request, limit)
            except BodyTooLargeError:
                return _error(ErrorCode.BODY_TOO_LARGE, f"a body of at most {limit} bytes")
            return await in_worker(handler, request, body)

        return route

    def push_body(request: Request, body: bytearray) -> Response:  # in a worker thread
        try:
            batch = PushRequest.from_body(body)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:  # orjson: the bytes JSONResponse writes, a tenth of the time
            body = orjson.dumps(service.push(batch.kiosk_id, batch.events).to_dict())
            return Response(body, media_type="application/json")

        return answer(request, batch.kiosk_id, work)

    push = posted(push_body, max_body_bytes)

    def blocks_body(request: Request, body: bytearray) -> Response:  # in a worker thread
        try:
            batch = PushRequest.from_body(body)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            return JSONResponse(service.push_blocks(batch.kiosk_id, batch.events).to_dict())

        return answer(request, batch.kiosk_id, work)

    blocks = posted(blocks_body, max_body_bytes)

    def pull(request: Request) -> Response:  # sync: Starlette runs it in a thread
        try:
            query = PullQuery.from_params(request.query_params)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            text = service.pull_json(query.kiosk_id, query.cursor, query.limit)
            return Response(text, media_type="application/json")

        return answer(request, query.kiosk_id, work)

    def head(request: Request) -> Response:  # sync: Starlette runs it in a thread
        try:
            kiosk_id = HeadAnswer.kiosk_id_from_params(request.query_params)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            return JSONResponse(service.head_answer(kiosk_id).to_dict())

        return answer(request, kiosk_id, work)

    def chain_events(request: Request) -> Response:  # sync: Starlette runs it in a thread
        try:
            query = EventsQuery.from_params(request.query_params)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            return JSONResponse(service.chain_page(query.kiosk_id, query.after, query.limit))

        return answer(request, query.kiosk_id, work)

    def divergence_body(request: Request, body: bytearray) -> Response:  # worker thread
        try:
            report = DivergenceReport.from_dict(strict_body(body))
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            service.report_divergence(report)
            return JSONResponse({"recorded": True})

        return answer(request, report.kiosk_id, work)

    divergence = posted(divergence_body, DIVERGENCE_BODY_BYTES)

    def revocation_lists(request: Request) -> Response:  # sync: may fetch from the CAs
        try:
            kiosk_id = HeadAnswer.kiosk_id_from_params(request.query_params)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            return JSONResponse(crls.answer() if crls is not None else {"crls": []})

        return answer(request, kiosk_id, work)

    def photo_query(request: Request) -> tuple[str, str]:
        kiosk_id = HeadAnswer.kiosk_id_from_params(request.query_params)
        return kiosk_id, photo_digest_field(request.query_params.get("digest", ""))

    def photo_body(request: Request, body: bytearray) -> Response:  # in a worker thread
        try:
            kiosk_id, digest = photo_query(request)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            try:
                stored = service.store_photo(kiosk_id, digest, bytes(body))
            except PhotoDigestMismatchError:
                return _error(ErrorCode.PHOTO_DIGEST_MISMATCH, "the bytes are not the digest's")
            return JSONResponse({"digest": digest, "stored": stored})

        return answer(request, kiosk_id, work)

    photo_in = posted(photo_body, max_body_bytes)

    def photo_out(request: Request) -> Response:  # sync: Starlette runs it in a thread
        try:
            kiosk_id, digest = photo_query(request)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            jpeg = service.photo_for(kiosk_id, digest)
            if jpeg is None:
                return _error(ErrorCode.NO_SUCH_PHOTO, "no open order of this office has it")
            encoded = base64.b64encode(jpeg).decode("ascii")
            return JSONResponse({"digest": digest, "jpeg": encoded})

        return answer(request, kiosk_id, work)

    def photos_body(request: Request, body: bytearray) -> Response:  # in a worker thread
        try:
            batch = PhotoBatchRequest.from_body(body)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            found = service.photos_for(batch.kiosk_id, batch.digests)
            return Response(found.to_bytes(), media_type=PHOTO_BATCH_MEDIA_TYPE)

        return answer(request, batch.kiosk_id, work)

    photos_out = posted(photos_body, MAX_PHOTO_REQUEST_BYTES)

    return Starlette(
        routes=[
            Route(PHOTOS_PATH, photos_out, methods=["POST"]),
            Route(PHOTO_PATH, photo_in, methods=["POST"]),
            Route(PHOTO_PATH, threaded(photo_out), methods=["GET"]),
            Route(CRLS_PATH, revocation_lists, methods=["GET"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
            Route(PUSH_PATH, push, methods=["POST"]),
            Route(BLOCKS_PATH, blocks, methods=["POST"]),
            Route(PULL_PATH, threaded(pull), methods=["GET"]),
            Route(HEAD_PATH, threaded(head), methods=["GET"]),
            Route(EVENTS_PATH, threaded(chain_events), methods=["GET"]),
            Route(DIVERGENCE_PATH, divergence, methods=["POST"]),
        ]
    )
