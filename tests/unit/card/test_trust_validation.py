"""The one path validator at the counter: login and card test on in-process virtual cards,
with the trust anchors and the cached CRLs the kiosk holds (no network anywhere)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from clock import FixedClock
from devices.card.certs import ChainStatus, TrustAnchors
from devices.card.revocation import (
    RevocationCache,
    RevocationList,
    RevocationListExpiredError,
    RevocationListUnparsableError,
    RevocationListWrongSignerError,
)
from devices.card.validation import KeyPurpose, Link, PathValidator
from devices.virtual.factory import CardFactory, PersonalisedCard
from devices.virtual.pki import TestPki
from devices.virtual.pki_crl import issue_crl
from kiosk.services.card_check import CardCheckService
from kiosk.services.device_adapters import InProcessReaders
from kiosk.services.errors import (
    OperatorCertificateExpiredError,
    OperatorRevokedError,
    OperatorUnknownError,
    OperatorWrongKeyUsageError,
)
from kiosk.services.login import LoginService
from kiosk.services.ports import ReaderRole
from kiosk.services.trust import AnchoredTrust
from store.records import OperatorRecord

OFFICE = "KK-SOLNA"
CLERK = "SE2321000016-7001"


class Roster:
    """The roster as the central sends it: HSA-ids and roles, no fingerprints."""

    def __init__(self, *records: OperatorRecord, contact: dt.datetime | None = None) -> None:
        self.records = {r.hsa_id: r for r in records}
        self.contact = contact

    def find_by_hsa_id(self, hsa_id: str) -> OperatorRecord | None:
        return self.records.get(hsa_id)

    def fill_name(self, hsa_id: str, name: str) -> None:
        record = self.records[hsa_id]
        if not record.name:
            self.records[hsa_id] = dataclasses.replace(record, name=name)

    def last_contact(self) -> dt.datetime | None:
        return self.contact


def _clerk(office: str = OFFICE) -> OperatorRecord:
    return OperatorRecord(CLERK, "clerk", "", "Clara Kvist", office, True)


def _der(pki: TestPki, *, ca: str = "person") -> list[bytes]:
    inter = pki.person_ca.cert if ca == "person" else pki.function_ca.cert
    return [inter.public_bytes(Encoding.DER), pki.root.public_bytes(Encoding.DER)]


def _trust(pki: TestPki, cache: RevocationCache | None = None) -> AnchoredTrust:
    inter, root = _der(pki)
    return AnchoredTrust([inter], [root], revocation=cache)


def _login(
    pki: TestPki, card: PersonalisedCard, clock: FixedClock, roster: Roster, **kw: object
) -> LoginService:
    readers = InProcessReaders()
    readers.insert(ReaderRole.OPERATOR, card.card)
    trust = kw.pop("trust", None) or _trust(pki)
    return LoginService(
        cards=readers,
        trust=trust,  # type: ignore[arg-type]
        roster=roster,
        clock=clock,
        office_id=OFFICE,
        **kw,  # type: ignore[arg-type]
    )


def _crl(pki: TestPki, revoked: list[int], this_update: dt.datetime, days: int = 7) -> bytes:
    return issue_crl(
        pki.person_ca,
        revoked,
        this_update=this_update,
        next_update=this_update + dt.timedelta(days),
    )


def _cache(pki: TestPki, der: bytes) -> RevocationCache:
    return RevocationCache([RevocationList.load(der, [pki.person_ca.cert, pki.root])])


# --- the validator itself -----------------------------------------------------------------


def test_r13_an_expired_intermediate_fails_the_path_while_the_card_is_in_date(
    now: dt.datetime,
) -> None:
    pki = TestPki.create(now=now, intermediate_days=10)
    cert = pki.issue_holder(CLERK, "X").authentication.cert
    validator = PathValidator(TrustAnchors.from_certificates(pki.trust_anchors))
    later = now + dt.timedelta(days=20)
    check = validator.check(cert, later)
    assert check.status is ChainStatus.EXPIRED and check.link is Link.INTERMEDIATE
    assert validator.check(cert, now).ok


def test_r5_key_usage_by_purpose(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    holder = pki.issue_holder(CLERK, "X")
    assert holder.signing is not None
    validator = PathValidator(TrustAnchors.from_certificates(pki.trust_anchors))
    auth, sign = holder.authentication.cert, holder.signing.cert
    assert validator.check(auth, now, KeyPurpose.AUTHENTICATION).ok
    assert validator.check(sign, now, KeyPurpose.SIGNATURE).ok
    assert validator.check(auth, now, KeyPurpose.SIGNATURE).status is ChainStatus.WRONG_USAGE
    assert validator.check(sign, now, KeyPurpose.AUTHENTICATION).status is ChainStatus.WRONG_USAGE


def test_revoked_serial_in_the_cached_list(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    revoked = pki.issue_holder(CLERK, "X").authentication.cert
    fine = pki.issue_holder("SE2321000016-7002", "Y").authentication.cert
    cache = _cache(pki, _crl(pki, [revoked.serial_number], now))
    validator = PathValidator(TrustAnchors.from_certificates(pki.trust_anchors), cache)
    assert validator.check(revoked, now).status is ChainStatus.REVOKED
    # the root's list (of revoked intermediates) is not cached yet: the worst is "missing"
    assert validator.check(fine, now).revocation.value == "missing"
    root_list = issue_crl(pki.root_ca, [], this_update=now, next_update=now + dt.timedelta(7))
    cache.update([RevocationList.load(root_list, [pki.root])])
    good = validator.check(fine, now)
    assert good.ok and good.revocation.value == "current"
    revoked_intermediate = issue_crl(
        pki.root_ca,
        [pki.intermediate.serial_number],
        this_update=now + dt.timedelta(seconds=1),
        next_update=now + dt.timedelta(7),
    )
    cache.update([RevocationList.load(revoked_intermediate, [pki.root])])
    check = validator.check(fine, now)
    assert check.status is ChainStatus.REVOKED and check.link is Link.INTERMEDIATE


def test_bad_revocation_lists_are_typed_errors(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    other = TestPki.create(now=now)
    with pytest.raises(RevocationListUnparsableError):
        RevocationList.load(b"\x30\x03not a crl", [pki.person_ca.cert])
    foreign = _crl(other, [], now)  # same CA name, another key
    with pytest.raises(RevocationListWrongSignerError):
        RevocationList.load(foreign, [pki.person_ca.cert, pki.root])
    old = RevocationList.load(_crl(pki, [], now - dt.timedelta(days=30)), [pki.person_ca.cert])
    with pytest.raises(RevocationListExpiredError) as caught:
        old.require_usable(now)
    assert caught.value.key == "error.crl.expired" and caught.value.params["issuer"]


def test_an_older_list_never_replaces_a_newer_one(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    cert = pki.issue_holder(CLERK, "X").authentication.cert
    newer = RevocationList.load(_crl(pki, [cert.serial_number], now), [pki.person_ca.cert])
    older = RevocationList.load(_crl(pki, [], now - dt.timedelta(days=1)), [pki.person_ca.cert])
    cache = RevocationCache([newer])
    cache.update([older])
    assert cache.lookup(cert, now).revoked


# --- login ----------------------------------------------------------------------------------


def test_r13_login_refuses_an_expired_intermediate(now: dt.datetime) -> None:
    pki = TestPki.create(now=now, intermediate_days=10)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    clock = FixedClock(now + dt.timedelta(days=20))
    with pytest.raises(OperatorCertificateExpiredError):
        _login(pki, card, clock, Roster(_clerk())).login("123456")


def test_r5_login_needs_digital_signature_on_the_login_certificate(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(
        holder_id=CLERK, name="Clara Kvist", variant="wrong_usage"
    )
    with pytest.raises(OperatorWrongKeyUsageError):
        _login(pki, card, FixedClock(now), Roster(_clerk())).login("123456")


def test_operator_from_the_central_logs_in_by_hsa_id_without_enrolment(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    identity = _login(pki, card, FixedClock(now), Roster(_clerk())).login("123456")
    assert identity.hsa_id == CLERK and identity.role == "clerk" and not identity.blocking_only
    der = card.holder.authentication.cert.public_bytes(Encoding.DER)
    import hashlib

    assert identity.fingerprint == hashlib.sha256(der).hexdigest()  # a record, not a key


def test_operator_of_another_office_is_unknown_here(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    with pytest.raises(OperatorUnknownError):
        _login(pki, card, FixedClock(now), Roster(_clerk("KK-ANNAT"))).login("123456")


def test_revoked_operator_card_is_refused_offline(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    cache = _cache(pki, _crl(pki, [card.holder.authentication.cert.serial_number], now))
    service = _login(pki, card, FixedClock(now), Roster(_clerk()), trust=_trust(pki, cache))
    with pytest.raises(OperatorRevokedError):
        service.login("123456")


def test_stale_list_warns_and_outdated_list_limits_login_to_blocking(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    cache = _cache(pki, _crl(pki, [], now - dt.timedelta(days=1), days=1))
    clock = FixedClock(now + dt.timedelta(days=2))  # one day past nextUpdate
    service = _login(pki, card, clock, Roster(_clerk()), trust=_trust(pki, cache))
    stale = service.login("123456")
    assert not stale.blocking_only
    assert [key for key, _ in stale.warnings] == ["notice.login.crl_stale"]
    clock.advance(dt.timedelta(days=7))  # now past the 7-day grace
    limited = service.login("123456")
    assert limited.blocking_only and limited.operator.blocking_only
    assert limited.limited_key == "notice.login.limited_crl"


def test_roster_without_contact_for_14_days_limits_login_to_blocking(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id=CLERK, name="Clara Kvist")
    roster = Roster(_clerk(), contact=now - dt.timedelta(days=13))
    age = dt.timedelta(days=14)
    service = _login(pki, card, FixedClock(now), roster, roster_max_age=age)
    assert not service.login("123456").blocking_only
    roster.contact = now - dt.timedelta(days=15)
    identity = service.login("123456")
    assert identity.blocking_only and identity.limited_key == "notice.login.limited_roster"


# --- card test --------------------------------------------------------------------------------


def _card_check(pki: TestPki, card: PersonalisedCard, clock: FixedClock, cache: RevocationCache):  # type: ignore[no-untyped-def]
    readers = InProcessReaders()
    readers.insert(ReaderRole.CUSTOMER, card.card)
    return CardCheckService(cards=readers, trust=_trust(pki, cache), clock=clock)


def test_r13_revoked_holder_card_fails_the_card_test_offline(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id="191212121212", name="T")
    cache = _cache(pki, _crl(pki, [card.holder.authentication.cert.serial_number], now))
    report = _card_check(pki, card, FixedClock(now), cache).run("123456")
    assert report.verdict.value == "fail"
    assert "ui.test.finding.cert_revoked" in [f.key for f in report.findings]


def test_r13_card_test_refused_with_a_list_past_its_grace(now: dt.datetime) -> None:
    pki = TestPki.create(now=now)
    card = CardFactory(pki, master_secret=b"t").personalise(holder_id="191212121212", name="T")
    cache = _cache(pki, _crl(pki, [], now - dt.timedelta(days=1), days=1))
    service = _card_check(pki, card, FixedClock(now + dt.timedelta(days=2)), cache)
    report = service.run("123456")  # stale: a warning, the test runs
    assert report.verdict.value == "warning" or "ui.test.finding.crl_stale" in [
        f.key for f in report.findings
    ]
    late = _card_check(pki, card, FixedClock(now + dt.timedelta(days=9)), cache)
    with pytest.raises(RevocationListExpiredError):
        late.run("123456")
