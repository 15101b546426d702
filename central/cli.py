"""The central's command line: serve the HTTP API, or register kiosks and operators.

``kiosk central`` registers these arguments and runs :func:`run`. Nothing heavy is
imported before a handler runs: the HTTP server needs Starlette and uvicorn (the
``central`` extra), the administration works on a plain install.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from central.errors import CentralConfigError, CentralExtraMissingError
from central.limits import WORK_THREADS

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from central.fields import CentralCipher
    from clock import Clock

HELP = "run the central sync service that kiosks push to and pull from"
DESCRIPTION = (
    "Runs the central service: the system of record for cards, holders, orders, the "
    "operator roster and the PUK caches. Kiosks push their journal events and pull "
    "changes over HTTP(S). Several processes may serve one PostgreSQL database. The "
    "schema is migrated at start."
)

# The top-level modules of the 'central' extra (pyproject.toml), which only the HTTP
# server needs; registering kiosks and operators works on a plain install.
CENTRAL_EXTRA_MODULES = frozenset({"starlette", "uvicorn"})
INSECURE_FLAG = "--insecure-no-client-auth"  # central.server names it in its refusal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        required=True,
        help="database URL: postgresql://user@host:port/name or sqlite:///path",
    )
    parser.add_argument(
        "--field-key",
        required=True,
        metavar="FILE",
        help="the central's field-encryption key file (personnummer and names are encrypted "
        "at rest); created with mode 0600 when missing; keep it outside the database",
    )
    parser.add_argument(
        "--checkpoint-key",
        metavar="FILE",
        help="the central's checkpoint signing key file (Ed25519; kiosks pin its public key); "
        "created with mode 0600 when missing; default: central-checkpoint.key beside the "
        "field key",
    )
    parser.add_argument("--listen", default="127.0.0.1:8443", help="HOST:PORT to listen on")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (each with its own database connection "
        "pool); on a 2-core machine 2 gives the push load headroom (see sync.capacity)",
    )
    parser.add_argument(
        "--work-threads",
        type=int,
        default=WORK_THREADS,
        metavar="N",
        help="requests of one server process doing their work (database, signatures) at once; "
        f"the others wait their turn (default: {WORK_THREADS}, for PostgreSQL on the same "
        "machine; more when it is across a network and each round trip waits longer)",
    )
    parser.add_argument("--tls-cert", help="server certificate (PEM)")
    parser.add_argument("--tls-key", help="server private key (PEM)")
    parser.add_argument(
        "--tls-ca", help="CA bundle (PEM) kiosk certificates must chain to: turns on mutual TLS"
    )
    parser.add_argument("--tls-crl", help="CRL (PEM) of revoked kiosk certificates")
    parser.add_argument(
        "--crl-source",
        action="append",
        default=[],
        metavar="URL",
        help="a CRL distribution point of a SITHS CA whose list the kiosks get (repeatable)",
    )
    parser.add_argument(
        "--crl-ca",
        action="append",
        default=[],
        metavar="FILE",
        help="CA certificates (PEM) that must have signed the fetched CRLs (repeatable)",
    )
    parser.add_argument(
        INSECURE_FLAG,
        action="store_true",
        help="serve WITHOUT client authentication (no --tls-ca): any client that reaches the "
        "port can push events and pull every holder's personal data; for tests and demos "
        "only (without --tls-ca and without this option the central refuses to start, on "
        "loopback too)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        metavar="N",
        help="largest push body accepted; a larger one is refused with 413 as it streams "
        "in, before it is parsed (default: 8 MiB)",
    )
    admin = parser.add_argument_group(
        "administration (performed on the database, then the command exits)"
    )
    admin.add_argument("--register-kiosk", metavar="KIOSK_ID", help="register or re-key a kiosk")
    admin.add_argument("--public-key", help="the kiosk's Ed25519 journal public key (hex)")
    admin.add_argument("--kiosk-cert", help="the kiosk's function certificate (PEM)")
    admin.add_argument("--add-operator", metavar="HSA_ID", help="add or change a roster entry")
    admin.add_argument("--role", choices=("clerk", "id_admin"), help="operator role")
    admin.add_argument(
        "--name",
        help="the operator's name as the kiosks show it (stored encrypted; kept when omitted)",
    )
    admin.add_argument("--inactive", action="store_true", help="mark the operator inactive")
    admin.add_argument(
        "--operators",
        metavar="FILE",
        help="add or change several roster entries at --office: a JSON list of "
        '{"hsa_id", "role", "name", "active"}; - reads standard input',
    )
    admin.add_argument("--office", help="office id of the kiosk or operator")
    admin.add_argument(
        "--produce",
        action="store_true",
        help="the production step: give every ordered card a card number and send it "
        "(state shipped; a Rek-id for registered post); with --office, that office's only",
    )
    admin.add_argument(
        "--show-checkpoint-key",
        action="store_true",
        help="print the checkpoint public key (hex) a kiosk pins: [kiosk.central] checkpoint_key",
    )
    admin.add_argument(
        "--fork-alarms",
        action="store_true",
        help="list the fork alarms: kiosks whose journal does not match the central's",
    )


def field_cipher(args: argparse.Namespace) -> CentralCipher:
    """The central's field cipher from ``--field-key`` (the file is created if missing)."""
    from central.fields import CentralCipher, CentralKeyFileError

    try:
        return CentralCipher.from_file(args.field_key)
    except CentralKeyFileError as exc:
        raise CentralConfigError(
            path=args.field_key, key_name="field_key", problem=str(exc)
        ) from None
    except OSError as exc:
        raise CentralConfigError(
            path=args.field_key, key_name="field_key", problem=exc.strerror or "unreadable"
        ) from None


def checkpoint_key(args: argparse.Namespace) -> Ed25519PrivateKey:
    """The checkpoint signing key from ``--checkpoint-key`` (default: beside the field
    key); created when missing, like the field key."""
    from pathlib import Path

    from central.checkpoints import load_or_create_checkpoint_key
    from central.fields import CentralKeyFileError

    path = args.checkpoint_key or str(Path(args.field_key).with_name("central-checkpoint.key"))
    try:
        return load_or_create_checkpoint_key(path)
    except CentralKeyFileError as exc:
        raise CentralConfigError(path=path, key_name="checkpoint_key", problem=str(exc)) from None
    except OSError as exc:
        raise CentralConfigError(
            path=path, key_name="checkpoint_key", problem=exc.strerror or "unreadable"
        ) from None


def report(args: argparse.Namespace, *, clock: Clock) -> int:
    """Print the checkpoint public key and/or the fork alarms."""
    if args.show_checkpoint_key:
        from central.checkpoints import checkpoint_public_key

        print(checkpoint_public_key(checkpoint_key(args)))
    if args.fork_alarms:
        from central.database import make_engine, migrate
        from central.service import CentralService

        engine = make_engine(args.db)
        migrate(engine)
        try:
            service = CentralService(engine, cipher=field_cipher(args), clock=clock)
            alarms = service.fork_alarms()
        finally:
            engine.dispose()
        for alarm in alarms:
            print(alarm.line())
        if not alarms:
            print("no fork alarms")
    return 0


def _public_key(args: argparse.Namespace) -> bytes:
    try:
        public_key = bytes.fromhex(args.public_key or "")
    except ValueError:
        public_key = b""
    if len(public_key) != 32:
        raise CentralConfigError(
            path="--public-key", key_name="public_key", problem="expected 64 hex digits"
        )
    return public_key


def _certificate_fingerprint(path: str) -> str:
    """SHA-256 (hex) of the DER of the PEM certificate at ``path``."""
    import hashlib
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def administer(args: argparse.Namespace, *, clock: Clock) -> int:
    """Register a kiosk and/or set a roster entry, on the migrated database."""
    from central.checkpoints import checkpoint_public_key
    from central.database import make_engine, migrate
    from central.roster_file import read_roster
    from central.service import CentralService

    if not args.office and not args.produce:
        raise CentralConfigError(path="--office", key_name="office", problem="required")
    roster = read_roster(args.operators) if args.operators else []  # all checked first
    cipher = field_cipher(args)
    engine = make_engine(args.db)
    migrate(engine)
    service = CentralService(engine, cipher=cipher, clock=clock)
    try:
        if args.register_kiosk:
            public_key = _public_key(args)
            fingerprint = _certificate_fingerprint(args.kiosk_cert) if args.kiosk_cert else None
            service.register_kiosk(
                kiosk_id=args.register_kiosk,
                office_id=args.office,
                public_key=public_key,
                cert_fingerprint=fingerprint,
            )
            print(f"kiosk {args.register_kiosk} registered at office {args.office}")
            # the kiosk pins this key at registration (else at its first contact)
            key = checkpoint_public_key(checkpoint_key(args))
            print(f"central checkpoint key for [kiosk.central] checkpoint_key: {key}")
        if args.add_operator:
            if not args.role:
                raise CentralConfigError(path="--role", key_name="role", problem="required")
            service.set_operator(
                hsa_id=args.add_operator,
                role=args.role,
                office_id=args.office,
                active=not args.inactive,
                name=args.name,
            )
            print(f"operator {args.add_operator} ({args.role}) at office {args.office}")
        for entry in roster:
            service.set_operator(
                hsa_id=entry.hsa_id,
                role=entry.role,
                office_id=args.office,
                active=entry.active,
                name=entry.name,
            )
            print(f"operator {entry.hsa_id} ({entry.role}) at office {args.office}")
        if args.produce:
            for made in service.produce(office_id=args.office or None):
                shipped = f", Rek-id {made.rek_id}" if made.rek_id else ""
                print(f"order {made.order_id}: card {made.card_serial} sent{shipped}")
    finally:
        engine.dispose()
    return 0


def run(args: argparse.Namespace, *, clock: Clock) -> int:
    """Administer when asked to, else serve until interrupted. Raises ``CentralError``."""
    if args.show_checkpoint_key or args.fork_alarms:
        return report(args, clock=clock)
    if args.register_kiosk or args.add_operator or args.operators or args.produce:
        return administer(args, clock=clock)  # the database alone: no HTTP server needed
    try:
        from central.server import (
            TlsSettings,
            build_server,
            check_client_authentication,
            serve,
        )
        from protocol.wire import DEFAULT_MAX_BODY_BYTES
    except ModuleNotFoundError as exc:
        module = (exc.name or "").partition(".")[0]
        if module in CENTRAL_EXTRA_MODULES:
            raise CentralExtraMissingError(module=module) from None
        raise

    host, _, port_text = str(args.listen).rpartition(":")
    if not host or not port_text.isdigit():
        raise CentralConfigError(path="--listen", key_name="listen", problem="expected HOST:PORT")
    tls = None
    if args.tls_cert or args.tls_key or args.tls_ca:
        if not (args.tls_cert and args.tls_key):
            raise CentralConfigError(
                path="--tls-cert", key_name="tls", problem="TLS needs both --tls-cert and --tls-key"
            )
        tls = TlsSettings(cert=args.tls_cert, key=args.tls_key, ca=args.tls_ca, crl=args.tls_crl)
    host = host.strip("[]")
    if args.max_body_bytes is not None and args.max_body_bytes < 1024:
        raise CentralConfigError(
            path="--max-body-bytes", key_name="max_body_bytes", problem="at least 1024 bytes"
        )
    # before anything is set up (the field key file, the database)
    check_client_authentication(tls, insecure_no_client_auth=args.insecure_no_client_auth)
    crls = None
    if args.crl_source:
        from central.crls import CrlRelay, load_authorities

        if not args.crl_ca:
            raise CentralConfigError(
                path="--crl-ca", key_name="crl_ca", problem="--crl-source needs --crl-ca"
            )
        crls = CrlRelay(args.crl_source, load_authorities(args.crl_ca), clock=clock)
    if args.workers < 1:
        raise CentralConfigError(path="--workers", key_name="workers", problem="at least 1")
    if args.work_threads < 1:
        raise CentralConfigError(
            path="--work-threads", key_name="work_threads", problem="at least 1"
        )
    cipher, signer = field_cipher(args), checkpoint_key(args)

    def build() -> Any:
        return build_server(
            args.db,
            host,
            int(port_text),
            cipher=cipher,
            clock=clock,
            tls=tls,
            insecure_no_client_auth=args.insecure_no_client_auth,
            max_body_bytes=args.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
            work_threads=args.work_threads,
            crls=crls,
            checkpoint_key=signer,
        )

    make_server: Callable[[], Any] = build
    if args.workers > 1:  # migrated once, before the workers fork
        from central.database import make_engine, migrate

        engine = make_engine(args.db)
        migrate(engine)
        engine.dispose()
    else:
        make_server = _built(build())
    if args.insecure_no_client_auth:
        print(
            f"kiosk central: warning: {INSECURE_FLAG}: serving without client authentication; "
            "any client that reaches the port can push and pull personal data",
            file=sys.stderr,
        )
    serve(make_server, host, int(port_text), workers=args.workers)  # until interrupted
    return 0


def _built(server: Any) -> Any:
    """A factory of the one server already built (errors show before serving)."""
    return lambda: server
