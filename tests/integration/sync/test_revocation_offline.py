"""Revocation offline, end to end on the real stack: the test PKI's CRLs served by a file
server process, a real central process that fetches them from the distribution points in
the certificates, a fresh kiosk that pulls them with the roster, then the network goes
down and the cards sit in pcscd + vpcd readers.

An operator added only at the central logs in at the fresh kiosk (no local step); a revoked
operator card and a revoked holder card are refused with the central and the CRL server
both stopped: the card test fails the holder card, and activation (R2) refuses it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from central.service import CentralService
from clock import FixedClock
from devices.virtual.factory import CardFactory
from devices.virtual.pki import TestPki
from devices.virtual.pki_crl import issue_crl, write_crl
from kiosk.services.card import opener_for
from kiosk.services.card_check import CardCheckService
from kiosk.services.device_adapters import PcscCards
from kiosk.services.errors import CardRevokedError, OperatorRevokedError
from kiosk.services.login import LoginService
from kiosk.services.ports import ReaderRole
from kiosk.services.store_views import StoreRoster
from kiosk.services.trust import AnchoredTrust, StoreRevocationSource
from kiosk.services.workflows.common import Backend
from kiosk.services.workflows.container import build_workflows
from tests.integration.pcscd_fixture import pcscd, vpcd_cards  # noqa: F401
from tests.support.pgserver import free_port
from tests.support.seed import CardSpec, add_card, add_holder, add_office
from tests.support.sync_world import OFFICE, CentralProcess, Kiosk, wait_for_port
from tests.support.world import World

pytestmark = pytest.mark.integration

NEWCOMER = "SE2321000016-NEW1"  # on the central's roster only
REVOKED_OPERATOR = "SE2321000016-REV1"
READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")


@pytest.fixture
def crl_server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """A plain HTTP file server process serving the CRL folder."""
    folder = tmp_path / "crl"
    folder.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}", folder, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


def test_revoked_cards_refused_with_the_network_down(
    crl_server: tuple[str, Path, subprocess.Popen[bytes]],
    central_factory: Callable[..., CentralProcess],
    central_service: CentralService,
    kiosk_factory: Callable[..., Kiosk],
    vpcd_cards: Callable[..., object],  # noqa: F811
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    base, folder, server = crl_server
    now = clock()
    pki = TestPki.create(now=now, crl_base_url=base)
    factory = CardFactory(pki, master_secret=b"revocation-offline")
    newcomer = factory.personalise(holder_id=NEWCOMER, name="Nora Ny")
    revoked_op = factory.personalise(holder_id=REVOKED_OPERATOR, name="Rut Spärrad")
    holder = factory.personalise(holder_id="191212121212", name="Tolvan Tolvansson")
    central_service.set_operator(hsa_id=NEWCOMER, role="clerk", office_id=OFFICE)
    central_service.set_operator(hsa_id=REVOKED_OPERATOR, role="clerk", office_id=OFFICE)

    revoked = [revoked_op.holder.authentication.cert, holder.holder.authentication.cert]
    week = now + dt.timedelta(days=7)
    person_crl = issue_crl(
        pki.person_ca, [c.serial_number for c in revoked], this_update=now, next_update=week
    )
    write_crl(folder, pki.person_ca, person_crl)
    write_crl(folder, pki.root_ca, issue_crl(pki.root_ca, this_update=now, next_update=week))
    person_url = _distribution_point(revoked[0])  # as written in the card's certificate
    root_url = _distribution_point(pki.intermediate)
    anchors_pem = tmp_path / "siths-cas.pem"
    anchors_pem.write_bytes(
        pki.intermediate.public_bytes(Encoding.PEM) + pki.root.public_bytes(Encoding.PEM)
    )
    central = central_factory(
        "--crl-source", person_url, "--crl-source", root_url, "--crl-ca", str(anchors_pem)
    )

    kiosk = kiosk_factory("kiosk-fresh")  # a brand-new kiosk: nothing local about operators
    report = kiosk.client(central.url).run_round()
    assert report.online

    central.stop()  # the network goes down: neither the central nor the CAs answer
    server.terminate()
    server.wait(10)

    trust = AnchoredTrust(
        [pki.intermediate.public_bytes(Encoding.DER)],
        [pki.root.public_bytes(Encoding.DER)],
        source=StoreRevocationSource(kiosk.store),
    )
    cards = PcscCards(READERS[0], READERS[1])
    login = LoginService(
        cards=cards, trust=trust, roster=StoreRoster(kiosk.store), clock=clock, office_id=OFFICE
    )

    link = vpcd_cards(newcomer.card, 0)
    identity = login.login(newcomer.pin)
    assert identity.hsa_id == NEWCOMER and not identity.blocking_only
    assert identity.warnings == ()  # both lists current
    link.remove()  # type: ignore[attr-defined]

    vpcd_cards(revoked_op.card, 0)
    with pytest.raises(OperatorRevokedError):
        login.login(revoked_op.pin)

    vpcd_cards(holder.card, 1)
    result = CardCheckService(cards=cards, trust=trust, clock=clock).run(holder.pin)
    assert result.verdict.value == "fail"
    assert "ui.test.finding.cert_revoked" in [f.key for f in result.findings]

    # R2: the holder's shipped card is on record here; activation reads it and refuses
    _record_holder_card(kiosk, holder.serial, now)
    flows = build_workflows(
        store=kiosk.store,
        journal=kiosk.journal,
        card_opener=opener_for(cards, ReaderRole.CUSTOMER),
        clock=clock,
        trust=trust,
    )
    world = World(
        kiosk.store,
        kiosk.journal,
        Backend(kiosk.store, kiosk.journal, clock),
        factory,
        clock,
        tmp_path,
    )
    visit = world.visit(holder="holder-revoked", office=OFFICE)
    with pytest.raises(CardRevokedError):
        flows.activation.activate(visit, holder.serial)
    assert world.state(holder.serial) == "shipped"


def _record_holder_card(kiosk: Kiosk, serial: str, now: dt.datetime) -> None:
    add_office(kiosk.store, OFFICE, "Kortkontoret")
    add_holder(kiosk.store, "holder-revoked", personnummer="191212121212", name="Tolvan T")
    day = now.date() - dt.timedelta(days=10)
    spec = CardSpec(
        serial, "holder-revoked", photo_office_id=OFFICE, photo_date=day, order_date=day
    )
    add_card(kiosk.store, spec, now=now)


def _distribution_point(cert: x509.Certificate) -> str:
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    names = points[0].full_name
    assert names is not None
    return str(names[0].value)
