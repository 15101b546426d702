"""Certificate checks: validity, chain to intermediate + root (R13), usage, identifiers."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.card.certs import (
    ChainStatus,
    TrustAnchors,
    check_chain,
    identifier_kind,
    summarize,
)
from devices.virtual.pki import TestPki
from devices.virtual.pki_files import cert_pem


@pytest.fixture(scope="module")
def anchors(pki: TestPki) -> TrustAnchors:
    return TrustAnchors.from_certificates(pki.trust_anchors)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("ok", ChainStatus.OK),
        ("expired", ChainStatus.EXPIRED),
        ("not_yet_valid", ChainStatus.NOT_YET_VALID),
        ("wrong_chain", ChainStatus.UNTRUSTED),
    ],
)
def test_r13_chain_status(
    pki: TestPki, anchors: TrustAnchors, now: dt.datetime, variant: str, expected: ChainStatus
) -> None:
    holder = pki.issue_holder("191212121212", "X", variant=variant)  # type: ignore[arg-type]
    assert check_chain(holder.authentication.cert, anchors, now) is expected


def test_r13_missing_intermediate_or_root_is_untrusted(pki: TestPki, now: dt.datetime) -> None:
    cert = pki.issue_holder("191212121212", "X").authentication.cert
    assert check_chain(cert, TrustAnchors((), (pki.root,)), now) is ChainStatus.UNTRUSTED
    assert check_chain(cert, TrustAnchors((pki.intermediate,), ()), now) is ChainStatus.UNTRUSTED
    assert check_chain(None, TrustAnchors((), ()), now) is ChainStatus.MISSING


def test_root_expiry_counts(pki: TestPki, anchors: TrustAnchors) -> None:
    cert = pki.issue_holder("191212121212", "X").authentication.cert
    later = pki.now + dt.timedelta(days=7400)
    assert check_chain(cert, anchors, later) is ChainStatus.EXPIRED


def test_anchors_from_pem_files(pki: TestPki, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "anchors.pem"
    path.write_bytes(cert_pem(pki.root) + cert_pem(pki.intermediate))
    loaded = TrustAnchors.from_pem_files([path])
    assert loaded.roots == (pki.root,) and loaded.intermediates == (pki.intermediate,)


def test_summary_usage_and_identifier(
    pki: TestPki, anchors: TrustAnchors, now: dt.datetime
) -> None:
    holder = pki.issue_holder("191212121212", "Tolvan", signing=True)
    assert holder.signing is not None
    signing = summarize(0x9C, holder.signing.cert, anchors, now)
    assert signing.non_repudiation and signing.usable_for_signing
    auth = summarize(0x9A, holder.authentication.cert, anchors, now)
    assert auth.digital_signature and not auth.non_repudiation and not auth.usable_for_signing
    assert auth.identifier_kind == "personnummer"
    assert auth.holder_identifier == "191212121212"
    assert "191212121212" not in repr(auth) and "Tolvan" not in repr(auth)
    assert auth.key_algorithm == "ec-secp256r1"


def test_identifier_kinds(today: dt.date) -> None:
    assert identifier_kind("191212121212", today) == "personnummer"
    assert identifier_kind("19121212-1212", today) == "personnummer"
    assert identifier_kind("SE2321000016-1003", today) == "hsa_id"
    assert identifier_kind("191212121213", today) == "unknown"  # bad check digit
    assert identifier_kind(None, today) == "unknown"


def test_samordningsnummer_in_a_certificate_is_a_personnummer_kind(today: dt.date) -> None:
    # python-stdnum's se.personnummer refused it: a holder was labelled "unknown".
    assert identifier_kind("197010632391", today) == "personnummer"
    assert identifier_kind("19701063-2391", today) == "personnummer"
    assert identifier_kind("197010632392", today) == "unknown"  # bad check digit


def test_card_certificate_with_a_samordningsnummer_names_a_person(
    pki: TestPki, anchors: TrustAnchors, now: dt.datetime
) -> None:
    holder = pki.issue_holder("197010632391", "Samira Samordning", signing=False)
    auth = summarize(0x9A, holder.authentication.cert, anchors, now)
    assert auth.identifier_kind == "personnummer"
    assert auth.holder_identifier == "197010632391"
