"""The hand-out receipt's PAdES signatures with in-process virtual cards (a software signer
behind the PIV protocol): the operator certifies, the holder signs, and ``verify_pades``
tells every kind of bad input apart, each as one result, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from devices.card.certs import TrustAnchors
from devices.card.errors import WrongPinError
from devices.virtual.card import InProcessConnection
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from devices.virtual.pki_crl import issue_crl
from devices.virtual.pki_files import cert_pem
from kiosk.cli import main
from kiosk.receipts.facts import ReceiptFacts
from kiosk.receipts.pades import (
    HOLDER_FIELD,
    OPERATOR_FIELD,
    SigningContext,
    sign_with_card,
    signing_key,
)
from kiosk.receipts.pades_verify import verify_pades
from kiosk.receipts.render import HandOutSigning, render_receipt
from kiosk.services.device_adapters import PivCardSession
from tests.support.world import CLERK, CLERK_NAME, NAME, OTHER_NAME, OTHER_PNR, PNR
from tests.unit.receipts.pdf_helpers import pdf_text

SERIAL = "9752269000000077"
TERMS = "Villkor för e-tjänstekort (test): kortet är personligt."


@pytest.fixture(scope="module")
def pki(now: dt.datetime) -> TestPki:
    """A PKI whose certificates declare where their CRLs are, as SITHS certificates do
    (pyHanko checks the lists it holds for a certificate that declares one; nothing is
    fetched)."""
    return TestPki.create(now=now, crl_base_url="http://crl.test.invalid/")


@pytest.fixture(scope="module")
def factory(pki: TestPki) -> CardFactory:
    return CardFactory(pki, master_secret=b"pades-test-master")


@pytest.fixture(scope="module")
def operator_card(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(holder_id=CLERK, name=CLERK_NAME)


@pytest.fixture(scope="module")
def holder_card(factory: CardFactory) -> PersonalisedCard:
    return factory.personalise(holder_id=PNR, name=NAME, serial=SERIAL, signing=False)


def _facts(now: dt.datetime) -> ReceiptFacts:
    return ReceiptFacts(
        event_id="evt-pades-1",
        event_type="card.activated",
        kiosk_id="kiosk-solna-1",
        office_id="KK-SOLNA",
        occurred_at=now.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
        operator=CLERK,
        holder_name=NAME,
        personnummer_masked=f"{PNR[2:8]}-XXXX",
        card_serial=SERIAL,
        product_number="712",
    )


def _anchors(pki: TestPki) -> TrustAnchors:
    return TrustAnchors.from_certificates(pki.trust_anchors)


def _hand_out(
    now: dt.datetime,
    pki: TestPki,
    operator: PersonalisedCard,
    holder: PersonalisedCard,
    *,
    crls: tuple[bytes, ...] = (),
) -> tuple[bytes, bytes]:
    """(certified by the operator, then also signed by the holder)."""
    context = SigningContext(at=now, anchors=_anchors(pki), crls=crls)
    holder_session = PivCardSession(InProcessConnection(holder.card))
    plan = HandOutSigning(TERMS, signing_key(holder_session).with_authentication_key)
    pdf = render_receipt(_facts(now), hand_out=plan)
    certified = sign_with_card(
        pdf,
        PivCardSession(InProcessConnection(operator.card)),
        operator.pin,
        context,
        field_name=OPERATOR_FIELD,
        certify=True,
    )
    both = sign_with_card(
        certified, holder_session, holder.pin, context, field_name=HOLDER_FIELD, certify=False
    )
    return certified, both


@pytest.fixture(scope="module")
def signed(
    now: dt.datetime,
    pki: TestPki,
    operator_card: PersonalisedCard,
    holder_card: PersonalisedCard,
) -> tuple[bytes, bytes]:
    return _hand_out(now, pki, operator_card, holder_card)


def test_r5_two_signatures_verify_and_a_card_without_signing_certificate_says_so(
    signed: tuple[bytes, bytes], pki: TestPki
) -> None:
    verdict = verify_pades(signed[1], anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.ok", verdict
    assert verdict.holder_with_authentication_key
    page = "".join(pdf_text(signed[1]).split())
    assert "Villkorföre-tjänstekort(test)" in page  # the accepted terms are signed content
    assert "ingetunderskriftscertifikat" in page  # R5 on the receipt itself


def test_the_first_signature_certifies_and_the_second_is_an_allowed_change(
    signed: tuple[bytes, bytes], pki: TestPki
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm

    reader = PdfFileReader(io.BytesIO(signed[1]))
    first, second = sorted(reader.embedded_regular_signatures, key=lambda s: s.signed_revision)
    assert (first.field_name, first.docmdp_level) == (OPERATOR_FIELD, MDPPerm.FILL_FORMS)
    assert second.field_name == HOLDER_FIELD


def test_only_the_operators_certification_is_not_a_hand_out_receipt(
    signed: tuple[bytes, bytes], pki: TestPki
) -> None:
    assert verify_pades(signed[0], anchors=_anchors(pki)).key == (
        "receipt.pades.not_receipt_signatures"
    )


def test_a_pdf_without_a_signature(now: dt.datetime, pki: TestPki) -> None:
    pdf = render_receipt(_facts(now))
    assert verify_pades(pdf, anchors=_anchors(pki)).key == "receipt.pades.no_signature"


@pytest.mark.parametrize("cut", [7, 200, 3000, 20000])  # 1..6 bytes: only the "%%EOF\n"
def test_a_truncated_file(signed: tuple[bytes, bytes], pki: TestPki, cut: int) -> None:
    verdict = verify_pades(signed[1][:-cut], anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.truncated"


def test_not_a_pdf_at_all(pki: TestPki) -> None:
    assert verify_pades(b"hello", anchors=_anchors(pki)).key == "receipt.pades.unreadable"
    assert verify_pades(b"", anchors=_anchors(pki)).key == "receipt.pades.unreadable"


def test_tampered_content(signed: tuple[bytes, bytes], pki: TestPki) -> None:
    tampered = signed[1].replace(SERIAL.encode(), b"9752269000000078", 1)
    assert tampered != signed[1]
    assert verify_pades(tampered, anchors=_anchors(pki)).key == "receipt.pades.tampered"


def test_two_signatures_of_which_one_is_broken(signed: tuple[bytes, bytes], pki: TestPki) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf = signed[1]
    reader = PdfFileReader(io.BytesIO(pdf))
    holder = next(s for s in reader.embedded_regular_signatures if s.field_name == HOLDER_FIELD)
    value = holder.signer_info["signature"].native.hex().encode()
    if value not in pdf:
        value = value.upper()
    start = pdf.index(value)  # the holder's signature value, hex, inside /Contents
    broken = bytearray(pdf)
    position = start + len(value) // 2
    broken[position] = ord("0") if broken[position] != ord("0") else ord("1")
    verdict = verify_pades(bytes(broken), anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.one_broken", verdict
    assert verdict.params["field"] == HOLDER_FIELD


def test_an_incremental_update_after_signing(signed: tuple[bytes, bytes], pki: TestPki) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed[1]))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 40 40 Td (ANNULLERAT) Tj ET")
    page["/Contents"] = generic.ArrayObject([page["/Contents"], writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_pades(out.getvalue(), anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.updated_after_signing", verdict


def test_a_signer_outside_the_trust_anchors_is_an_unknown_chain(
    signed: tuple[bytes, bytes], pki: TestPki, now: dt.datetime
) -> None:
    stranger = TestPki.create(now=now)
    verdict = verify_pades(signed[1], anchors=_anchors(stranger))
    assert verdict.key == "receipt.pades.unknown_chain"
    assert verify_pades(signed[1], anchors=None).key == "receipt.pades.unknown_chain"


def test_a_revoked_holder_certificate(
    signed: tuple[bytes, bytes], pki: TestPki, holder_card: PersonalisedCard, now: dt.datetime
) -> None:
    serial = holder_card.holder.authentication.cert.serial_number
    crl = issue_crl(
        pki.person_ca,
        [serial],
        this_update=now - dt.timedelta(hours=1),
        next_update=now + dt.timedelta(days=1),
    )
    verdict = verify_pades(signed[1], anchors=_anchors(pki), crls=(crl,))
    assert verdict.key == "receipt.pades.revoked", verdict
    assert verdict.params["field"] == HOLDER_FIELD


def test_signed_by_another_person_is_a_wrong_signer(
    now: dt.datetime, pki: TestPki, factory: CardFactory, operator_card: PersonalisedCard
) -> None:
    other = factory.personalise(holder_id=OTHER_PNR, name=OTHER_NAME, serial=SERIAL)
    _certified, both = _hand_out(now, pki, operator_card, other)
    verdict = verify_pades(both, anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.wrong_signer"
    assert verdict.params["field"] == HOLDER_FIELD


def test_signed_by_another_card_of_the_holder(
    now: dt.datetime, pki: TestPki, factory: CardFactory, operator_card: PersonalisedCard
) -> None:
    second_card = factory.personalise(holder_id=PNR, name=NAME, serial="9752269000000099")
    _certified, both = _hand_out(now, pki, operator_card, second_card)
    verdict = verify_pades(both, anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.other_card"


def test_a_wrong_pin_signs_nothing(
    now: dt.datetime, pki: TestPki, operator_card: PersonalisedCard
) -> None:
    pdf = render_receipt(_facts(now))
    session = PivCardSession(InProcessConnection(operator_card.card))
    with pytest.raises(WrongPinError):
        sign_with_card(
            pdf,
            session,
            "000000",
            SigningContext(at=now),
            field_name=OPERATOR_FIELD,
            certify=True,
        )
    session.verify_pin(operator_card.pin)  # the tries left come back


def _trust_file(tmp_path: Path, pki: TestPki) -> Path:
    path = tmp_path / "trust.pem"
    path.write_bytes(b"".join(cert_pem(c) for c in pki.trust_anchors))
    return path


@pytest.mark.parametrize(
    ("mutate", "line", "code"),
    [
        (lambda pdf: pdf, "Äkta kvitto", 0),
        (lambda pdf: pdf[:-100], "avkortad", 1),
        (lambda pdf: pdf.replace(SERIAL.encode(), b"9752269000000078", 1), "ändrat", 1),
    ],
    ids=["genuine", "truncated", "tampered"],
)
def test_kiosk_receipt_verify_on_a_machine_without_the_kiosk(
    signed: tuple[bytes, bytes],
    pki: TestPki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: object,
    line: str,
    code: int,
) -> None:
    pdf = tmp_path / "kvitto.pdf"
    pdf.write_bytes(mutate(signed[1]))  # type: ignore[operator]
    data = tmp_path / "no-kiosk-here"
    argv = ["receipt", "verify", str(pdf), "--trust", str(_trust_file(tmp_path, pki))]
    assert main([*argv, "--data", str(data)]) == code
    out, err = capsys.readouterr()
    assert line in out and "Traceback" not in out + err
    assert len(out.strip().splitlines()) <= 2


def test_no_log_line_carries_the_signers_personnummer(
    signed: tuple[bytes, bytes], now: dt.datetime, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    stranger = TestPki.create(now=now)
    assert verify_pades(signed[1], anchors=_anchors(stranger)).key == (
        "receipt.pades.unknown_chain"
    )
    assert PNR not in caplog.text and PNR[2:] not in caplog.text


def test_the_kiosks_revocation_lists_travel_in_the_pdf(
    now: dt.datetime,
    pki: TestPki,
    operator_card: PersonalisedCard,
    holder_card: PersonalisedCard,
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    crl = issue_crl(
        pki.person_ca,
        [],
        this_update=now - dt.timedelta(hours=1),
        next_update=now + dt.timedelta(days=1),
    )
    _certified, both = _hand_out(now, pki, operator_card, holder_card, crls=(crl,))
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(both)))
    held = [ref.get_object().data for ref in dss.crls]
    assert crl in held
    certs = {c.subject.human_friendly for c in dss.load_certs()}
    assert any("Person ID 3 CA" in name for name in certs)  # the chain travels too
    assert verify_pades(both, anchors=_anchors(pki)).ok


def test_a_card_whose_certificate_the_kiosk_holds_revoked_cannot_sign(
    now: dt.datetime, pki: TestPki, factory: CardFactory
) -> None:
    from kiosk.receipts.errors import ReceiptSigningError

    revoked = factory.personalise(holder_id=CLERK, name=CLERK_NAME)
    crl = issue_crl(
        pki.person_ca,
        [revoked.holder.signing.cert.serial_number],  # type: ignore[union-attr]
        this_update=now - dt.timedelta(hours=1),
        next_update=now + dt.timedelta(days=1),
    )
    context = SigningContext(at=now, anchors=_anchors(pki), crls=(crl,))
    with pytest.raises(ReceiptSigningError):
        sign_with_card(
            render_receipt(_facts(now)),
            PivCardSession(InProcessConnection(revoked.card)),
            revoked.pin,
            context,
            field_name=OPERATOR_FIELD,
            certify=True,
        )


def test_certified_by_another_operator_is_a_wrong_signer(
    now: dt.datetime, pki: TestPki, factory: CardFactory, holder_card: PersonalisedCard
) -> None:
    someone = factory.personalise(holder_id="SE2321000016-OTH1", name="Annan Handläggare")
    _certified, both = _hand_out(now, pki, someone, holder_card)
    verdict = verify_pades(both, anchors=_anchors(pki))
    assert verdict.key == "receipt.pades.wrong_signer"
    assert verdict.params["field"] == OPERATOR_FIELD
