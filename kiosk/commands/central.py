"""``kiosk central``: run the central sync service (HTTP API on uvicorn)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "central",
        help="run the central sync service that kiosks push to and pull from",
        description="Runs the central service: the system of record for cards, holders, "
        "orders, the operator roster and the PUK caches. Kiosks push their journal events "
        "and pull changes over HTTP(S). Several processes may serve one PostgreSQL "
        "database. The schema is migrated at start.",
    )
    parser.add_argument(
        "--db",
        required=True,
        help="database URL: postgresql://user@host:port/name or sqlite:///path",
    )
    parser.add_argument("--listen", default="127.0.0.1:8443", help="HOST:PORT to listen on")
    parser.add_argument("--tls-cert", help="server certificate (PEM)")
    parser.add_argument("--tls-key", help="server private key (PEM)")
    parser.add_argument(
        "--tls-ca", help="CA bundle (PEM) kiosk certificates must chain to: turns on mutual TLS"
    )
    parser.add_argument("--tls-crl", help="CRL (PEM) of revoked kiosk certificates")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.errors import ConfigError
    from store.central.server import TlsSettings, serve

    host, _, port_text = str(args.listen).rpartition(":")
    if not host or not port_text.isdigit():
        raise ConfigError(path="--listen", key_name="listen", problem="expected HOST:PORT")
    tls = None
    if args.tls_cert or args.tls_key or args.tls_ca:
        if not (args.tls_cert and args.tls_key):
            raise ConfigError(
                path="--tls-cert", key_name="tls", problem="TLS needs both --tls-cert and --tls-key"
            )
        tls = TlsSettings(cert=args.tls_cert, key=args.tls_key, ca=args.tls_ca, crl=args.tls_crl)
    serve(args.db, host.strip("[]"), int(port_text), tls=tls)
    return 0
