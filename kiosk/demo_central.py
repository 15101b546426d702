"""The demo's embedded central: ``kiosk central`` as a real process on loopback.

``kiosk demo`` starts it the way production runs a central: a separate process serving
mutual TLS (server and kiosk certificates issued by the demo's test PKI), its database
SQLite in the demo's data directory, the demo kiosk registered with its journal key and
certificate, the demo's operators on its roster. Its output goes to ``central.log`` in
the data directory (the terminal belongs to the app). A production loop runs the
central's production step (``kiosk central --produce``) every few seconds, so an order
placed at the counter is given a card number and shipped; the kiosk pulls it and the
demo personalises its virtual card (``kiosk.demo_production``).

Without the ``central`` extra (Starlette, uvicorn) nothing is started and the demo runs
offline. The central is stopped when the demo ends; on Linux it is also told to stop
when the demo's process dies (no orphan).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from clock import Clock
from kiosk.config import KioskConfig, validate

CENTRAL_EXTRA_MODULES = ("starlette", "uvicorn")  # the `central` extra (pyproject.toml)
PRODUCTION_INTERVAL_SECONDS = 3.0
DEMO_SYNC_INTERVAL_SECONDS = 3.0
STOP_TIMEOUT_SECONDS = 10.0


def central_extra_installed() -> bool:
    """Whether ``kiosk central`` can serve here (the ``central`` extra is installed)."""
    return all(importlib.util.find_spec(name) is not None for name in CENTRAL_EXTRA_MODULES)


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_while_parent_lives(argv: Sequence[str]) -> int:
    """``python -m kiosk.demo_central ARGS``: ``kiosk central ARGS`` that stops (SIGTERM to
    itself, uvicorn's graceful stop) when its standard input closes, which it does when
    the demo's process ends, however it ends: the embedded central is never orphaned."""
    import os

    from kiosk.cli import main

    def watch_parent() -> None:
        while sys.stdin.buffer.read(1):
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    return main(["central", *argv])


@dataclass(frozen=True)
class CentralFiles:
    """Where the embedded central keeps its database, keys, certificates and log."""

    directory: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'central.sqlite3'}"

    @property
    def field_key(self) -> Path:
        return self.directory / "central-field.key"

    @property
    def log(self) -> Path:
        return self.directory / "central.log"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def client_cert(self) -> Path:
        return self.directory / "kiosk.pem"

    @property
    def client_key(self) -> Path:
        return self.directory / "kiosk-tls.key"


def write_certificates(files: CentralFiles, pki_dir: Path, kiosk_id: str, clock: Clock) -> str:
    """Issue the server and kiosk certificates from the demo's test PKI (new at each
    start); returns the kiosk certificate's SHA-256 fingerprint (hex)."""
    import os

    from cryptography.hazmat.primitives.serialization import Encoding

    from devices.virtual.pki_files import cert_pem, key_pem, load_or_create_pki

    pki = load_or_create_pki(pki_dir, now=clock())
    files.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    server_cert, server_key = pki.issue_server_certificate("localhost")
    kiosk_cert, kiosk_key = pki.issue_kiosk_certificate(kiosk_id)
    files.server_cert.write_bytes(cert_pem(server_cert) + cert_pem(pki.function_intermediate))
    files.ca.write_bytes(cert_pem(pki.root) + cert_pem(pki.function_intermediate))
    files.client_cert.write_bytes(cert_pem(kiosk_cert) + cert_pem(pki.function_intermediate))
    for path, key in ((files.server_key, server_key), (files.client_key, kiosk_key)):
        path.write_bytes(key_pem(key))
        os.chmod(path, 0o600)
    return hashlib.sha256(kiosk_cert.public_bytes(Encoding.DER)).hexdigest()


@dataclass
class EmbeddedCentral:
    """The demo's central process and its production loop."""

    files: CentralFiles
    port: int = field(default_factory=free_loopback_port)
    process: subprocess.Popen[bytes] | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _producer: threading.Thread | None = None
    _starter: threading.Thread | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def _command(self, *args: str, module: str = "kiosk") -> list[str]:
        return [
            sys.executable,
            "-m",
            module,
            *(("central",) if module == "kiosk" else ()),
            *("--db", self.files.database_url),
            *("--field-key", str(self.files.field_key)),
            *args,
        ]

    def _run(self, *args: str, stdin: bytes | None = None) -> None:
        """One administrative ``kiosk central`` call (registration, production)."""
        log = self._log_file()
        subprocess.run(
            self._command(*args),
            input=stdin,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=120,
        )

    def _log_file(self) -> IO[bytes]:
        if self._log is None:
            self._log = self.files.log.open("ab")
        return self._log

    def register(
        self,
        *,
        kiosk_id: str,
        office_id: str,
        public_key: bytes,
        operators: Sequence[tuple[str, str, str, bool]],
    ) -> None:
        """The demo kiosk (journal key and certificate) and the operators
        (hsa id, role, name, active) on the central's roster, in one call: each call is
        a process that imports and migrates (about a second); names go on stdin."""
        roster = [
            {"hsa_id": hsa_id, "role": role, "name": name, "active": active}
            for hsa_id, role, name, active in operators
        ]
        self._run(
            *("--register-kiosk", kiosk_id),
            *("--office", office_id),
            *("--public-key", public_key.hex()),
            *("--kiosk-cert", str(self.files.client_cert)),
            *("--operators", "-"),
            stdin=json.dumps(roster).encode(),
        )

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start_in_background(self, steps: Callable[[], None]) -> None:
        """Run the start-up ``steps`` (registration, then serving) on a thread, so the
        app paints at once; a failure shows as offline and in the central's log."""

        def run() -> None:
            try:
                steps()
            except (subprocess.SubprocessError, OSError) as exc:
                self._log_file().write(
                    f"demo: the embedded central did not start: {exc}\n".encode()
                )

        self._starter = threading.Thread(target=run, name="demo-central-start", daemon=True)
        self._starter.start()

    def wait_started(self, timeout: float = 60.0) -> bool:
        """Wait for the start-up steps; True when the central process runs."""
        if self._starter is not None:
            self._starter.join(timeout)
        return self.process is not None and self.process.poll() is None

    def start(self) -> EmbeddedCentral:
        """Serve on loopback with mutual TLS; returns at once (the kiosk's sync worker
        retries until the central listens)."""
        self.process = subprocess.Popen(
            self._command(
                *("--listen", f"127.0.0.1:{self.port}"),
                *("--tls-cert", str(self.files.server_cert)),
                *("--tls-key", str(self.files.server_key)),
                *("--tls-ca", str(self.files.ca)),
                module="kiosk.demo_central",
            ),
            stdin=subprocess.PIPE,  # held open by this process: closed when it ends
            stdout=self._log_file(),
            stderr=subprocess.STDOUT,
        )
        return self

    def start_production(self, interval: float = PRODUCTION_INTERVAL_SECONDS) -> None:
        """Run the production step every ``interval`` seconds until stopped."""
        self._producer = threading.Thread(
            target=self._produce_until_stopped, args=(interval,), name="demo-production"
        )
        self._producer.daemon = True
        self._producer.start()

    def produce(self) -> None:
        """One production step: every ordered card is given a number and shipped."""
        self._run("--produce")

    def _produce_until_stopped(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.produce()

    def stop(self) -> None:
        self._stopping.set()
        if self._starter is not None:
            self._starter.join(STOP_TIMEOUT_SECONDS * 6)
        if self._producer is not None:
            self._producer.join(STOP_TIMEOUT_SECONDS * 2)
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            if process.stdin is not None:
                process.stdin.close()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def with_central(config: KioskConfig, central: EmbeddedCentral) -> KioskConfig:
    """The demo's config, syncing with the embedded central over mutual TLS."""
    files = central.files
    link = replace(
        config.central,
        url=central.url,
        client_cert=str(files.client_cert),
        client_key=str(files.client_key),
        ca_file=str(files.ca),
        sync_interval_seconds=DEMO_SYNC_INTERVAL_SECONDS,
    )
    return validate(replace(config, central=link))


def start_embedded_central(config: KioskConfig, clock: Clock) -> EmbeddedCentral:
    """Certificates, registration and the running central for the demo in ``config``."""
    from kiosk.demo_cast import DEMO_OFFICE_ID, OPERATORS
    from store.database import holds_store
    from store.keys import load_keys, load_or_create_keys

    files = CentralFiles(config.data_dir / "central")
    write_certificates(files, config.data_dir / "demo-pki", config.kiosk_id, clock)
    key_file = config.resolved_key_file
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    held = holds_store(config.resolved_database_url)
    keys = load_keys(key_file) if held else load_or_create_keys(key_file)
    central = EmbeddedCentral(files)
    operators = [(op.hsa_id, op.role, op.name, op.active) for op in OPERATORS if op.on_roster]

    def register_and_serve() -> None:
        central.register(
            kiosk_id=config.kiosk_id,
            office_id=DEMO_OFFICE_ID,
            public_key=keys.public_key_bytes(),
            operators=operators,
        )
        if not central.stopping:
            central.start()
            central.start_production()

    central.start_in_background(register_and_serve)
    return central


if __name__ == "__main__":
    sys.exit(serve_while_parent_lives(sys.argv[1:]))
