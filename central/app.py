"""The central's HTTP API (Starlette). JSON in, JSON out: the messages of
``protocol.wire``; see docs/sync.md.

``POST /v1/push``  {"kiosk_id", "events": [SignedEvent...]} → per-event answers
``GET  /v1/pull?kiosk_id=&cursor=&limit=`` → changes after the cursor
``GET  /v1/head?kiosk_id=`` → the kiosk's chain head at the central
``GET  /v1/health`` → {"ok": true}
``GET  /v1/crls?kiosk_id=`` → the CAs' CRLs the central fetched (``central.crls``)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from central.crls import CrlRelay
from central.errors import UnknownKioskError, WrongKioskCertificateError
from central.service import CentralService
from protocol.wire import (
    CRLS_PATH,
    HEAD_PATH,
    HEALTH_PATH,
    PULL_PATH,
    PUSH_PATH,
    ErrorAnswer,
    ErrorCode,
    PullQuery,
    PushRequest,
    WireFormatError,
)

PeerLookup = Callable[[dict[str, Any]], str | None]

# The HTTP status of a refused request (400 unless named here).
STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.BATCH_TOO_LARGE: 413,
    ErrorCode.UNKNOWN_KIOSK: 403,
    ErrorCode.WRONG_CERTIFICATE: 403,
}


def _error(code: ErrorCode, detail: str) -> JSONResponse:
    return JSONResponse(ErrorAnswer(code, detail).to_dict(), status_code=STATUS_OF.get(code, 400))


def build_app(
    service: CentralService,
    *,
    peer_fingerprint: PeerLookup | None = None,
    require_certificate: bool = False,
    crls: CrlRelay | None = None,
) -> Starlette:
    """The ASGI app. ``peer_fingerprint`` maps a request scope to the SHA-256 of the
    client's TLS certificate (mutual TLS); when certificates are required, a push or
    pull must come from the certificate registered for its kiosk."""

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

    def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def push(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(ErrorCode.BAD_JSON, "the body is not JSON")
        try:
            batch = PushRequest.from_dict(body)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)
        from starlette.concurrency import run_in_threadpool

        def work() -> Response:
            return JSONResponse(service.push(batch.kiosk_id, batch.events).to_dict())

        return await run_in_threadpool(answer, request, batch.kiosk_id, work)

    def pull(request: Request) -> Response:  # sync: Starlette runs it in a thread
        try:
            query = PullQuery.from_params(request.query_params)
        except WireFormatError as exc:
            return _error(exc.code, exc.detail)

        def work() -> Response:
            text = service.pull_json(query.kiosk_id, query.cursor, query.limit)
            return Response(text, media_type="application/json")

        return answer(request, query.kiosk_id, work)

    def head(request: Request) -> Response:
        kiosk_id = request.query_params.get("kiosk_id", "")

        def work() -> Response:
            return JSONResponse(service.head_answer(kiosk_id).to_dict())

        return answer(request, kiosk_id, work)

    def revocation_lists(request: Request) -> Response:  # sync: may fetch from the CAs
        kiosk_id = request.query_params.get("kiosk_id", "")

        def work() -> Response:
            return JSONResponse(crls.answer() if crls is not None else {"crls": []})

        return answer(request, kiosk_id, work)

    return Starlette(
        routes=[
            Route(CRLS_PATH, revocation_lists, methods=["GET"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
            Route(PUSH_PATH, push, methods=["POST"]),
            Route(PULL_PATH, pull, methods=["GET"]),
            Route(HEAD_PATH, head, methods=["GET"]),
        ]
    )
