"""Mutual TLS between kiosks and a real uvicorn central, with the test PKI's function
certificates: unknown, expired and revoked kiosk certificates are refused, and a
valid certificate not registered for the kiosk cannot push for it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from central.service import CentralService
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import cert_pem, key_pem
from store.sync import CentralTransport, SyncClient
from store.sync.errors import CentralRefusedError, CentralUnreachableError
from tests.support.sync_world import CentralProcess, Kiosk, seed_cards

pytestmark = pytest.mark.integration


def _write_client(directory: Path, name: str, pki: TestPki, variant: str) -> tuple[Path, Path, str]:
    cert, key = pki.issue_kiosk_certificate(name, variant=variant)  # type: ignore[arg-type]
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(cert_pem(cert))
    key_path.write_bytes(key_pem(key))
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return cert_path, key_path, fingerprint


@pytest.fixture
def tls_files(
    tmp_path: Path, now: dt.datetime
) -> tuple[TestPki, dict[str, Path], list[x509.Certificate]]:
    pki = TestPki.create(now=now)
    directory = tmp_path / "pki"
    directory.mkdir()
    server_cert, server_key = pki.issue_server_certificate("localhost")
    files = {
        "server_cert": directory / "server.pem",
        "server_key": directory / "server.key",
        "ca": directory / "ca.pem",
        "crl": directory / "crl.pem",
    }
    files["server_cert"].write_bytes(cert_pem(server_cert) + cert_pem(pki.function_intermediate))
    files["server_key"].write_bytes(key_pem(server_key))
    files["ca"].write_bytes(cert_pem(pki.root) + cert_pem(pki.function_intermediate))
    revoked: list[x509.Certificate] = []
    return pki, files, revoked


def _write_crl(pki: TestPki, path: Path, revoked: list[x509.Certificate], now: dt.datetime) -> None:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.function_intermediate.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=7))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
    crl = builder.sign(pki.function_ca.key, hashes.SHA256())
    path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))


def test_mutual_tls_refuses_unknown_expired_revoked_and_foreign_certificates(
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    tls_files: tuple[TestPki, dict[str, Path], list[x509.Certificate]],
    tmp_path: Path,
) -> None:
    pki, files, _ = tls_files
    serials = seed_cards(central_service, 1)
    good = kiosk_factory("kiosk-good")
    other = kiosk_factory("kiosk-other")
    certs = tmp_path / "certs"
    certs.mkdir()
    good_cert, good_key, good_fp = _write_client(certs, "kiosk-good", pki, "ok")
    other_cert, other_key, other_fp = _write_client(certs, "kiosk-other", pki, "ok")
    expired_cert, expired_key, _ = _write_client(certs, "kiosk-expired", pki, "expired")
    rogue_cert, rogue_key, _ = _write_client(certs, "kiosk-rogue", pki, "wrong_chain")
    revoked_cert, revoked_key, revoked_fp = _write_client(certs, "kiosk-revoked", pki, "ok")
    revoked_x509 = x509.load_pem_x509_certificate(revoked_cert.read_bytes())
    _write_crl(pki, files["crl"], [revoked_x509], pki.now)
    for kiosk, fingerprint in ((good, good_fp), (other, other_fp)):
        central_service.register_kiosk(
            kiosk_id=kiosk.kiosk_id,
            office_id=kiosk.office_id,
            public_key=kiosk.keys.public_key_bytes(),
            cert_fingerprint=fingerprint,
        )
    central = central_factory(
        "--tls-cert",
        str(files["server_cert"]),
        "--tls-key",
        str(files["server_key"]),
        "--tls-ca",
        str(files["ca"]),
        "--tls-crl",
        str(files["crl"]),
    )
    good.append("card.activated", {"serial": serials[0]})

    def client(kiosk: Kiosk, cert: Path | None, key: Path | None) -> SyncClient:
        transport = CentralTransport(
            central.url,
            client_cert=str(cert) if cert else None,
            client_key=str(key) if key else None,
            ca_file=str(files["ca"]),
        )
        kiosk.transports.append(transport)
        return SyncClient(store=kiosk.store, journal=kiosk.journal, transport=transport)

    # no certificate, an unknown issuer, an expired and a revoked certificate: the
    # handshake fails, the kiosk sees an unreachable central and keeps its events
    for cert, key in (
        (None, None),
        (rogue_cert, rogue_key),
        (expired_cert, expired_key),
        (revoked_cert, revoked_key),
    ):
        report = client(good, cert, key).run_round()
        assert not report.online, cert
        assert isinstance(report.error, CentralUnreachableError)
        assert good.sync_statuses() == {"pending": 1}
    # a valid certificate registered for another kiosk cannot push for this one
    with pytest.raises(CentralRefusedError) as refused:
        client(good, other_cert, other_key).run_round()
    assert refused.value.params["status"] == 403
    assert central_service.event_counts("kiosk-good") == {}
    # the kiosk's own certificate works
    report = client(good, good_cert, good_key).run_round()
    assert report.online and report.accepted == 1
    assert central_service.card_state(serials[0]) == "active"
    assert revoked_fp not in (good_fp, other_fp)
