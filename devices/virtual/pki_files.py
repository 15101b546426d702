"""The test PKI on disk: keeping its CAs between processes, and PEM files for ``ssl``.

``save_pki``/``load_pki``/``load_or_create_pki`` keep the CA certificates and keys of a
``TestPki`` in a directory; ``write_pem_bundle`` writes the CA, kiosk and server files two
TLS ends need. Test keys only: written unencrypted (mode 0600).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from devices.virtual.pki import CertificateAuthority, KeyType, PrivateKey, TestPki

_CA_LABELS = ("root-ca", "person-ca", "function-ca", "rogue-ca")


@dataclass(frozen=True)
class PemBundle:
    """Paths written by ``write_pem_bundle``."""

    root: Path
    intermediate: Path
    function_ca: Path
    ca_bundle: Path  # root + intermediate + function CA: trust store for both TLS ends
    kiosk_cert: Path  # kiosk certificate followed by the function CA (a chain for ssl)
    kiosk_key: Path
    server_cert: Path  # server certificate followed by the function CA
    server_key: Path


def _cas(pki: TestPki) -> dict[str, CertificateAuthority]:
    return {
        "root-ca": pki.root_ca,
        "person-ca": pki.person_ca,
        "function-ca": pki.function_ca,
        "rogue-ca": pki.rogue_ca,
    }


def save_pki(pki: TestPki, directory: Path) -> None:
    """Keep the CAs (certificates and keys) so a later process can issue from them."""
    directory.mkdir(parents=True, exist_ok=True)
    for label, ca in _cas(pki).items():
        (directory / f"{label}.pem").write_bytes(cert_pem(ca.cert))
        key_path = directory / f"{label}.key"
        key_path.write_bytes(key_pem(ca.key))
        key_path.chmod(0o600)


def load_pki(directory: Path, *, now: dt.datetime) -> TestPki:
    """The PKI written by ``save_pki``."""
    cas: dict[str, CertificateAuthority] = {}
    for label in _CA_LABELS:
        cert = x509.load_pem_x509_certificate((directory / f"{label}.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (directory / f"{label}.key").read_bytes(), password=None
        )
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"unsupported key type in {label}.key")
        cas[label] = CertificateAuthority(cert, key)
    moment = now.replace(microsecond=0)
    return TestPki(cas["root-ca"], cas["person-ca"], cas["function-ca"], cas["rogue-ca"], moment)


def load_or_create_pki(directory: Path, *, now: dt.datetime, key_type: KeyType = "p256") -> TestPki:
    if (directory / "root-ca.key").exists():
        return load_pki(directory, now=now)
    pki = TestPki.create(now=now, key_type=key_type)
    save_pki(pki, directory)
    return pki


def write_pem_bundle(
    pki: TestPki,
    directory: Path,
    *,
    kiosk_id: str = "kiosk-test-1",
    hostname: str = "localhost",
) -> PemBundle:
    """Write CA, kiosk and server PEM files for ``ssl`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    kiosk_cert, kiosk_key = pki.issue_kiosk_certificate(kiosk_id)
    server_cert, server_key = pki.issue_server_certificate(hostname)
    bundle = PemBundle(
        root=directory / "root.pem",
        intermediate=directory / "intermediate.pem",
        function_ca=directory / "function-ca.pem",
        ca_bundle=directory / "ca-bundle.pem",
        kiosk_cert=directory / "kiosk.pem",
        kiosk_key=directory / "kiosk.key",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
    )
    bundle.root.write_bytes(cert_pem(pki.root))
    bundle.intermediate.write_bytes(cert_pem(pki.intermediate))
    bundle.function_ca.write_bytes(cert_pem(pki.function_intermediate))
    bundle.ca_bundle.write_bytes(
        cert_pem(pki.root) + cert_pem(pki.intermediate) + cert_pem(pki.function_intermediate)
    )
    bundle.kiosk_cert.write_bytes(cert_pem(kiosk_cert) + cert_pem(pki.function_intermediate))
    bundle.kiosk_key.write_bytes(key_pem(kiosk_key))
    bundle.server_cert.write_bytes(cert_pem(server_cert) + cert_pem(pki.function_intermediate))
    bundle.server_key.write_bytes(key_pem(server_key))
    bundle.kiosk_key.chmod(0o600)
    bundle.server_key.chmod(0o600)
    return bundle


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM (test keys only)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
