"""Run the central service on uvicorn, optionally with mutual TLS.

Certificates come from configuration (paths), never from code: the server presents
``cert``/``key``; with ``ca`` set, every client must present a certificate that chains
to it (unknown issuers and expired certificates fail the handshake); with ``crl`` set,
revoked kiosk certificates fail too; and each push or pull must come from the
certificate registered for its kiosk (SHA-256 fingerprint of the DER).

Starlette and uvicorn come with the ``central`` extra; both are imported when this module
is (``kiosk central`` turns their absence into a message naming the extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import signal
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.app import build_app
from central.crls import CrlRelay
from central.database import make_engine, migrate
from central.errors import CentralConfigError
from central.fields import CentralCipher
from central.limits import WORK_THREADS
from central.service import CentralService
from clock import Clock
from protocol.wire import DEFAULT_MAX_BODY_BYTES

PEER_KEY = "peer_fingerprint"


@dataclass(frozen=True)
class TlsSettings:
    cert: str
    key: str
    ca: str | None = None  # client certificates must chain to this bundle
    crl: str | None = None  # PEM CRL(s) of the kiosk certificate issuer(s)


def _peer_protocol() -> type[asyncio.Protocol]:
    """An h11 protocol that puts the client certificate's fingerprint in the scope."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class PeerCertProtocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            ssl_object = transport.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            state = dict(self.app_state)
            state[PEER_KEY] = hashlib.sha256(der).hexdigest() if der else None
            self.app_state = state
            super().connection_made(transport)

    return PeerCertProtocol


def peer_fingerprint(scope: dict[str, Any]) -> str | None:
    value = scope.get("state", {}).get(PEER_KEY)
    return value if isinstance(value, str) else None


def ssl_context_factory(tls: TlsSettings) -> Callable[[Any, Callable[[], ssl.SSLContext]], Any]:
    def factory(_config: Any, _default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(tls.cert, tls.key)
        if tls.ca:
            context.load_verify_locations(cafile=tls.ca)
            context.verify_mode = ssl.CERT_REQUIRED
            if tls.crl:
                context.load_verify_locations(cafile=tls.crl)
                context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        return context

    return factory


def check_client_authentication(tls: TlsSettings | None, *, insecure_no_client_auth: bool) -> None:
    """Refuse to serve without client authentication (no client CA) unless the operator
    said so in as many words (``--insecure-no-client-auth``). Loopback is no exemption:
    any local process could read every holder's personal data."""
    mutual = tls is not None and tls.ca is not None
    if mutual and insecure_no_client_auth:
        raise CentralConfigError(
            path="--insecure-no-client-auth",
            key_name="insecure_no_client_auth",
            problem="contradicts --tls-ca (client certificates are required)",
        )
    if not mutual and not insecure_no_client_auth:
        raise CentralConfigError(
            path="--tls-ca",
            key_name="tls_ca",
            problem="without client authentication any client could push and pull personal "
            "data; give --tls-cert, --tls-key and --tls-ca (or --insecure-no-client-auth "
            "to run so anyway)",
        )


def build_server(
    db_url: str,
    host: str,
    port: int,
    *,
    cipher: CentralCipher,
    clock: Clock,
    tls: TlsSettings | None = None,
    insecure_no_client_auth: bool = False,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    work_threads: int = WORK_THREADS,
    log_level: str = "warning",
    crls: CrlRelay | None = None,
    checkpoint_key: Ed25519PrivateKey | None = None,
) -> Any:
    """A configured ``uvicorn.Server`` over a migrated central database. Without a
    client CA (``tls.ca``) it refuses unless ``insecure_no_client_auth`` is set."""
    check_client_authentication(tls, insecure_no_client_auth=insecure_no_client_auth)
    engine = make_engine(db_url)
    migrate(engine)
    service = CentralService(engine, cipher=cipher, clock=clock, checkpoint_key=checkpoint_key)
    mutual = tls is not None and tls.ca is not None
    app = build_app(
        service,
        peer_fingerprint=peer_fingerprint if mutual else None,
        require_certificate=mutual,
        crls=crls,
        max_body_bytes=max_body_bytes,
        work_threads=work_threads,
    )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "http": _peer_protocol() if mutual else "h11",
        "lifespan": "off",
        "timeout_keep_alive": 30,
    }
    if tls is not None:
        options["ssl_certfile"] = tls.cert
        options["ssl_keyfile"] = tls.key
        options["ssl_context_factory"] = ssl_context_factory(tls)
    return uvicorn.Server(uvicorn.Config(app, **options))


def serve(make_server: Callable[[], Any], host: str, port: int, *, workers: int = 1) -> None:
    """Serve until interrupted: ``make_server()`` (a :func:`build_server` call) in this
    process, or with ``workers`` > 1 in that many forked processes sharing one listening
    socket (the kernel spreads connections; each process has its own engine and
    connection pool: the central keeps no state in memory). The database is migrated
    before the fork (``make_server`` migrates again: nothing left to do). SIGTERM or
    SIGINT to this process stops the workers."""
    if workers <= 1:
        make_server().run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(2048)
    listener.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own engine, its own event loop
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                make_server().run(sockets=[listener])
            finally:
                os._exit(0)
        children.append(pid)

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                break
    listener.close()
