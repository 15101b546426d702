"""A real central over mutual TLS for the edge tests: the test PKI's server certificate,
the client CA bundle, and kiosk certificates written to files."""

from __future__ import annotations

import hashlib
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from devices.virtual.pki import TestPki
from devices.virtual.pki_files import cert_pem, key_pem


@dataclass(frozen=True)
class ClientFiles:
    cert: Path
    key: Path
    fingerprint: str  # SHA-256 of the DER, as the central registers it


@dataclass(frozen=True)
class CentralTls:
    pki: TestPki
    server_cert: Path
    server_key: Path
    ca: Path

    @classmethod
    def create(cls, pki: TestPki, directory: Path) -> CentralTls:
        directory.mkdir(parents=True, exist_ok=True)
        cert, key = pki.issue_server_certificate("localhost")
        tls = cls(pki, directory / "server.pem", directory / "server.key", directory / "ca.pem")
        tls.server_cert.write_bytes(cert_pem(cert) + cert_pem(pki.function_intermediate))
        tls.server_key.write_bytes(key_pem(key))
        tls.ca.write_bytes(cert_pem(pki.root) + cert_pem(pki.function_intermediate))
        return tls

    def server_args(self) -> list[str]:
        """``kiosk central`` arguments for mutual TLS."""
        return [
            *("--tls-cert", str(self.server_cert)),
            *("--tls-key", str(self.server_key)),
            *("--tls-ca", str(self.ca)),
        ]

    def client(self, name: str) -> ClientFiles:
        cert, key = self.pki.issue_kiosk_certificate(name)
        directory = self.server_cert.parent
        files = ClientFiles(
            directory / f"{name}.pem",
            directory / f"{name}.key",
            hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        )
        files.cert.write_bytes(cert_pem(cert))
        files.key.write_bytes(key_pem(key))
        return files

    def context(self, client: ClientFiles) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca))
        context.load_cert_chain(str(client.cert), str(client.key))
        return context

    def connect(self, port: int, client: ClientFiles, timeout: float = 10.0) -> ssl.SSLSocket:
        """A raw TLS connection to the central (for requests httpx would not send)."""
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        return self.context(client).wrap_socket(raw, server_hostname="localhost")
