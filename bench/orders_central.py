"""The central for the orders benchmark: the server ``kiosk central`` builds
(``central.server.build_server``, mutual TLS with the test PKI's certificates), plus one
route of the benchmark's own, ``GET /bench/raw?size=N``: N zero bytes as they are.

The raw route is the baseline's: the same bytes over the same TLS connection (the kiosk's
client keeps its connection open), without the central's work. It is behind the same
handshake as the central's routes (a client certificate that chains to the CA).

``python -m bench.orders_central DB FIELD_KEY PORT CERT KEY CA``
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from central.fields import CentralCipher
from central.server import TlsSettings, build_server
from clock import system_clock

RAW_PATH = "/bench/raw"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def with_raw_route(app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> Any:
    async def routed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != RAW_PATH:
            await app(scope, receive, send)
            return
        query = dict(
            part.split("=", 1) for part in scope["query_string"].decode().split("&") if part
        )
        body = bytes(int(query.get("size", "0")))
        headers = [(b"content-type", b"application/octet-stream")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return routed


def main(argv: list[str]) -> None:
    db_url, field_key, port, cert, key, ca = argv
    server = build_server(
        db_url,
        "127.0.0.1",
        int(port),
        cipher=CentralCipher.from_file(field_key),
        clock=system_clock,
        tls=TlsSettings(cert=cert, key=key, ca=ca),
    )
    server.config.app = with_raw_route(server.config.app)
    server.run()


if __name__ == "__main__":
    main(sys.argv[1:])
