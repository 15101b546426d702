"""``verify_receipt``: a genuine receipt passes; tampered documents and wrong signatures fail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from clock import FixedClock
from devices.card.certs import TrustAnchors
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from kiosk.receipts.facts import ReceiptFacts, receipt_digest
from kiosk.receipts.render import EMBED_PREFIX, render_receipt
from kiosk.receipts.service import ReceiptIssuer
from kiosk.receipts.signature import HolderSignature, sign_receipt
from kiosk.receipts.verify import VerifyReport, verify_receipt
from kiosk.services.card import CardSession
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import OFFICE, OTHER_NAME, OTHER_PNR, World, make_world


@pytest.fixture
def activation(
    world: World, receipts: ReceiptIssuer, holder_card: PersonalisedCard
) -> ReceiptFacts:
    world.add_personalised(holder_card)
    event = world.event("card.activated", {"serial": holder_card.serial})
    return receipts.facts_for_event(event)


def _verify(world: World, pdf: bytes, anchors: TrustAnchors | None = None) -> VerifyReport:
    return verify_receipt(pdf, store=world.store, office_id=OFFICE, anchors=anchors)


def _failed(report: VerifyReport) -> set[str]:
    return {f.key.removeprefix("receipt.verify.") for f in report.findings if f.status == "fail"}


def _signed_pdf(
    receipts: ReceiptIssuer, facts: ReceiptFacts, piv: CardSession
) -> tuple[bytes, HolderSignature]:
    signature = receipts.sign(facts, piv, "123456")
    outcome = receipts.issue(facts, signature=signature)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    return outcome.delivery.path.read_bytes(), signature


def test_genuine_signed_receipt_passes_with_chain(
    world: World,
    receipts: ReceiptIssuer,
    activation: ReceiptFacts,
    piv: CardSession,
    pki: TestPki,
) -> None:
    pdf, _ = _signed_pdf(receipts, activation, piv)
    report = _verify(world, pdf, TrustAnchors.from_certificates(pki.trust_anchors))
    assert report.ok, report.findings
    assert report.keys() == [
        "digest_ok",
        "text_ok",
        "event_found",
        "facts_match",
        "signature_ok",
        "signer_matches",
        "chain_ok",
        "journal_signature_ok",
    ]


def test_chain_to_foreign_anchors_fails(
    world: World,
    receipts: ReceiptIssuer,
    activation: ReceiptFacts,
    piv: CardSession,
    now: dt.datetime,
) -> None:
    pdf, _ = _signed_pdf(receipts, activation, piv)
    foreign = TestPki.create(now=now)
    report = _verify(world, pdf, TrustAnchors.from_certificates(foreign.trust_anchors))
    assert _failed(report) == {"chain_bad"}


def _rewrite_keywords(pdf: bytes, change: dict[str, object]) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    data = json.loads(str(reader.metadata["/Keywords"])[len(EMBED_PREFIX) :])
    data["facts"].update(change)
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({"/Keywords": EMBED_PREFIX + json.dumps(data)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_tampered_metadata_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    pdf, _ = _signed_pdf(receipts, activation, piv)
    assert _verify(world, pdf).ok
    tampered = _rewrite_keywords(pdf, {"holder_name": OTHER_NAME})
    report = _verify(world, tampered)
    assert not report.ok
    assert {"digest_mismatch", "text_mismatch", "facts_differ", "signature_bad"} <= _failed(report)


def test_tampered_page_text_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    pdf, _ = _signed_pdf(receipts, activation, piv)
    serial = activation.card_serial.encode()
    shown = b"(" + serial + b") Tj"
    assert pdf.count(shown) == 1
    tampered = pdf.replace(shown, b"(" + serial[:-1] + b"9) Tj")
    report = _verify(world, tampered)
    assert _failed(report) == {"text_mismatch"}
    mismatch = next(f for f in report.findings if f.status == "fail")
    assert mismatch.params["fields"] == "card_serial"


def test_tampered_action_text_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    pdf, _ = _signed_pdf(receipts, activation, piv)
    shown = "(Kortet har aktiverats.) Tj".encode("cp1252")
    assert pdf.count(shown) == 1
    tampered = pdf.replace(shown, "(Kortet har spärrats.) Tj".encode("cp1252"))
    report = _verify(world, tampered)
    assert _failed(report) == {"text_mismatch"}
    assert report.findings[1].params["fields"] == "event_type"


def test_re_rendered_receipt_with_changed_facts_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    """A forger who rebuilds a consistent PDF with other facts is caught by the journal."""
    _, signature = _signed_pdf(receipts, activation, piv)
    forged_facts = dataclasses.replace(activation, event_type="card.returned")
    report = _verify(world, render_receipt(forged_facts, signature=signature))
    assert {"facts_differ", "signature_bad"} <= _failed(report)
    assert "digest_mismatch" not in _failed(report)


def test_signature_by_another_holders_card_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, factory: CardFactory
) -> None:
    stranger = factory.personalise(holder_id=OTHER_PNR, name=OTHER_NAME)
    piv = PivCardSession(InProcessConnection(stranger.card))
    signature = sign_receipt(piv, receipt_digest(activation), stranger.pin)
    report = _verify(world, render_receipt(activation, signature=signature))
    assert _failed(report) == {"signer_other"}


def test_signature_over_another_digest_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    signature = sign_receipt(piv, "00" * 32, "123456")
    report = _verify(world, render_receipt(activation, signature=signature))
    assert _failed(report) == {"signature_bad"}


def test_signature_differing_from_the_journalled_one_fails(
    world: World, receipts: ReceiptIssuer, activation: ReceiptFacts, piv: CardSession
) -> None:
    _signed_pdf(receipts, activation, piv)  # journals one signature
    other = receipts.sign(activation, piv, "123456")  # ECDSA: a second, different signature
    report = _verify(world, render_receipt(activation, signature=other))
    assert _failed(report) == {"journal_signature_differs"}


def test_unsigned_activation_receipt_fails(world: World, activation: ReceiptFacts) -> None:
    report = _verify(world, render_receipt(activation))
    assert _failed(report) == {"signature_missing"}


def test_unsigned_block_receipt_passes(world: World, receipts: ReceiptIssuer) -> None:
    world.add_card("SE2000000001")
    event = world.event("card.blocked", {"serial": "SE2000000001", "reason": "lost"})
    report = _verify(world, render_receipt(receipts.facts_for_event(event)))
    assert report.ok
    assert report.keys()[-1] == "unsigned"


def test_receipt_from_another_journal_fails(
    world: World, activation: ReceiptFacts, tmp_path: Path, clock: FixedClock
) -> None:
    elsewhere = make_world(tmp_path / "elsewhere", clock=clock, factory=world.factory)
    try:
        report = verify_receipt(render_receipt(activation), store=elsewhere.store, office_id=OFFICE)
    finally:
        elsewhere.store.close()
    assert _failed(report) == {"event_missing"}


def test_not_a_receipt(world: World) -> None:
    assert _failed(_verify(world, b"%PDF-1.4 nothing")) == {"not_receipt"}
    assert _failed(_verify(world, b"plain text")) == {"not_receipt"}


# --- the signer's certificate through the one path validator (R5, revocation) ---------


def _cache_in_store(world: World, pki: TestPki, revoked: list[int]) -> None:
    """The person CA's list as sync leaves it in the kiosk's store."""
    from devices.card.revocation import issuer_key
    from devices.virtual.pki_crl import issue_crl
    from store.crl_cache import store_revocation_lists

    later = world.now + dt.timedelta(days=7)
    der = issue_crl(pki.person_ca, revoked, this_update=world.now, next_update=later)
    with world.store.unit_of_work() as session:
        store_revocation_lists(session, {issuer_key(pki.person_ca.cert.subject): der}, "v1")


def test_r5_receipt_whose_signing_certificate_is_revoked_in_the_cache_fails(
    world: World,
    receipts: ReceiptIssuer,
    activation: ReceiptFacts,
    piv: CardSession,
    pki: TestPki,
) -> None:
    pdf, signature = _signed_pdf(receipts, activation, piv)
    anchors = TrustAnchors.from_certificates(pki.trust_anchors)
    assert signature.slot == "9C" and _verify(world, pdf, anchors).ok
    _cache_in_store(world, pki, [signature.certificate.serial_number])
    report = _verify(world, pdf, anchors)
    assert _failed(report) == {"signer_revoked"}


def test_r5_receipt_signed_with_the_auth_key_needs_digital_signature(
    world: World, receipts: ReceiptIssuer, factory: CardFactory, pki: TestPki
) -> None:
    from tests.support.world import NAME, PNR

    card = factory.personalise(
        holder_id=PNR, name=NAME, signing=False, variant="wrong_usage", serial="9752269000000077"
    )
    world.add_personalised(card)
    facts = receipts.facts_for_event(world.event("card.activated", {"serial": card.serial}))
    pdf, signature = _signed_pdf(receipts, facts, PivCardSession(InProcessConnection(card.card)))
    assert signature.slot == "9A"
    report = _verify(world, pdf, TrustAnchors.from_certificates(pki.trust_anchors))
    assert _failed(report) == {"signer_wrong_usage"}


def test_r5_receipt_signed_by_a_9c_certificate_without_non_repudiation_fails(
    world: World, activation: ReceiptFacts, pki: TestPki
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    from tests.support.world import NAME, PNR

    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, NAME),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, PNR),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(pki.person_ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(world.now - dt.timedelta(days=1))
        .not_valid_after(world.now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(pki.person_ca.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    digest = bytes.fromhex(receipt_digest(activation))
    value = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    signature = HolderSignature("9C", value, cert.public_bytes(Encoding.DER))
    pdf = render_receipt(activation, signature=signature)
    report = _verify(world, pdf, TrustAnchors.from_certificates(pki.trust_anchors))
    assert _failed(report) == {"signer_wrong_usage"}
