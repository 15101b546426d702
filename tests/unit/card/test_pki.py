"""The test PKI: SITHS-shaped hierarchy, holder slots, TLS bundle usable by ``ssl``."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from devices.virtual.pki import PERSON_CA_NAME, ROOT_NAME, TestPki
from devices.virtual.pki_files import write_pem_bundle


@pytest.fixture(scope="module")
def pki(now: dt.datetime) -> TestPki:
    return TestPki.create(now=now)


def _cn(name: x509.Name) -> str:
    return str(name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_hierarchy_names_and_signatures(pki: TestPki) -> None:
    assert _cn(pki.root.subject) == ROOT_NAME
    assert _cn(pki.intermediate.subject) == PERSON_CA_NAME
    assert pki.intermediate.issuer == pki.root.subject
    pki.intermediate.verify_directly_issued_by(pki.root)
    pki.function_intermediate.verify_directly_issued_by(pki.root)


def test_holder_has_four_slots_with_serial_number(pki: TestPki) -> None:
    holder = pki.issue_holder("199001011234", "Test Testsson", signing=True)
    assert set(holder.slots()) == {0x9A, 0x9C, 0x9D, 0x9E}
    for cred in holder.slots().values():
        serial = cred.cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
        assert serial == "199001011234"
        cred.cert.verify_directly_issued_by(pki.intermediate)
    assert holder.signing is not None
    usage = holder.signing.cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment
    auth_usage = holder.authentication.cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert auth_usage.value.digital_signature
    assert "199001011234" not in repr(holder)
    assert "Testsson" not in repr(holder)


def test_holder_without_signing_has_no_9c(pki: TestPki) -> None:
    holder = pki.issue_holder("SE2321000016-1003", "Ann", signing=False)
    assert holder.signing is None
    assert 0x9C not in holder.slots()


def test_variants(pki: TestPki, now: dt.datetime) -> None:
    expired = pki.issue_holder("199001011234", "X", variant="expired").authentication.cert
    assert expired.not_valid_after_utc < now
    future = pki.issue_holder("199001011234", "X", variant="not_yet_valid").authentication.cert
    assert future.not_valid_before_utc > now
    wrong = pki.issue_holder("199001011234", "X", variant="wrong_chain").authentication.cert
    assert wrong.issuer == pki.intermediate.subject  # same name, different key
    with pytest.raises(InvalidSignature):
        wrong.verify_directly_issued_by(pki.intermediate)


def test_key_types(pki: TestPki) -> None:
    holder = pki.issue_holder("199001011234", "X", signing=False, key_type="rsa2048")
    assert isinstance(holder.authentication.key, rsa.RSAPrivateKey)
    assert isinstance(pki.issue_holder("1", "X").authentication.key, ec.EllipticCurvePrivateKey)


@pytest.fixture(scope="module")
def real_time_pki(now: dt.datetime, clock_offset_days: int) -> TestPki:
    """A PKI dated at the machine's real time: OpenSSL checks certificate dates against
    the real clock, which ``--clock-offset-days`` cannot move (the session's start)."""
    return TestPki.create(now=now - dt.timedelta(days=clock_offset_days))


def test_pem_bundle_gives_mutual_tls(real_time_pki: TestPki, tmp_path: Path) -> None:
    bundle = write_pem_bundle(real_time_pki, tmp_path, kiosk_id="kiosk-1", hostname="localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=bundle.ca_bundle)
    server_ctx.load_cert_chain(bundle.server_cert, bundle.server_key)
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx = ssl.create_default_context(cafile=bundle.ca_bundle)
    client_ctx.load_cert_chain(bundle.kiosk_cert, bundle.kiosk_key)

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen: list[str] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with server_ctx.wrap_socket(conn, server_side=True) as tls:
            peer = tls.getpeercert()
            seen.append(dict(x[0] for x in peer["subject"])["commonName"])
            tls.sendall(b"ok")

    thread = threading.Thread(target=serve)
    thread.start()
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        client_ctx.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.recv(2) == b"ok"
    thread.join(5)
    listener.close()
    assert seen == ["kiosk-1"]
