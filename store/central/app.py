"""The central's HTTP API (Starlette). JSON in, JSON out; see docs/sync.md.

``POST /v1/push``  {"kiosk_id", "events": [SignedEvent...]} → per-event answers
``GET  /v1/pull?kiosk_id=&cursor=&limit=`` → changes after the cursor
``GET  /v1/head?kiosk_id=`` → the kiosk's chain head at the central
``GET  /v1/health`` → {"ok": true}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from store.central.errors import UnknownKioskError, WrongKioskCertificateError
from store.central.service import MAX_BATCH, CentralService

PeerLookup = Callable[[dict[str, Any]], str | None]


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def build_app(
    service: CentralService,
    *,
    peer_fingerprint: PeerLookup | None = None,
    require_certificate: bool = False,
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
            return _error(403, "unknown_kiosk", "kiosk not registered")
        except WrongKioskCertificateError:
            return _error(403, "wrong_certificate", "certificate not registered for kiosk")

    def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def push(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "bad_json", "the body is not JSON")
        if not isinstance(body, dict):
            return _error(400, "bad_request", "expected an object")
        kiosk_id = body.get("kiosk_id")
        events = body.get("events")
        if not isinstance(kiosk_id, str) or not isinstance(events, list):
            return _error(400, "bad_request", "kiosk_id and events are required")
        if len(events) > MAX_BATCH:
            return _error(413, "batch_too_large", f"at most {MAX_BATCH} events per batch")
        if not all(isinstance(e, dict) for e in events):
            return _error(400, "bad_request", "events must be objects")
        from starlette.concurrency import run_in_threadpool

        def work() -> Response:
            return JSONResponse(service.push(kiosk_id, events).to_dict())

        return await run_in_threadpool(answer, request, kiosk_id, work)

    def pull(request: Request) -> Response:  # sync: Starlette runs it in a thread
        kiosk_id = request.query_params.get("kiosk_id", "")
        try:
            cursor = int(request.query_params.get("cursor", "0"))
            limit = int(request.query_params.get("limit", "20000"))
        except ValueError:
            return _error(400, "bad_request", "cursor and limit are integers")

        def work() -> Response:
            text = service.pull_json(kiosk_id, cursor, limit)
            return Response(text, media_type="application/json")

        return answer(request, kiosk_id, work)

    def head(request: Request) -> Response:
        kiosk_id = request.query_params.get("kiosk_id", "")

        def work() -> Response:
            seq, digest = service.kiosk_head(kiosk_id)
            return JSONResponse({"kiosk_id": kiosk_id, "head_seq": seq, "head_hash": digest})

        return answer(request, kiosk_id, work)

    return Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/push", push, methods=["POST"]),
            Route("/v1/pull", pull, methods=["GET"]),
            Route("/v1/head", head, methods=["GET"]),
        ]
    )
