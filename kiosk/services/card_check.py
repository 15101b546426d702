"""The card check inside a visit (R13, with R5, R7 and R12): PIN, certificates, chain, verdict.

The service reads the card in the customer reader and asks the trust store whether the
login certificate chains to the configured SITHS intermediate and root. What it found
goes to the R13 rule (``kiosk.domain.card_check.card_test_verdict``), which decides
whether the card works, what to do next (``CardCheckReport.advice``: the rule's verdict
notice and steps) and brings R5's signing-certificate notice; R7 (``unlock_paths``)
says how a locked PIN is unlocked and R12 (``assurance_notice``) which level a reserve
card holds. The report words every check as a finding (a catalogue key with params) for
the screen; its verdict is the rule's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from devices.card.revocation import RevocationListExpiredError
from kiosk.domain.card_check import (
    CardTestFacts,
    CardTestResult,
    CardTestVerdict,
    card_test_verdict,
    verdict_notice,
)
from kiosk.domain.decisions import Notice
from kiosk.domain.reserve import assurance_notice
from kiosk.domain.types import AssuranceLevel, CardState, product_series
from kiosk.domain.unlock import UnlockPath, unlock_paths
from kiosk.errors import InvalidProductNumberError
from kiosk.services.card import CardAccess, CardKey, CardSession
from kiosk.services.ports import CardView, ChainReport, HolderDirectory, ReaderRole, TrustStore


class Verdict(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAIL = "fail"


@dataclass(frozen=True)
class CertificateLine:
    slot: int
    subject: str
    not_before: dt.date
    not_after: dt.date
    valid_now: bool


@dataclass(frozen=True)
class Finding:
    """One thing the clerk should know, as a catalogue key with params."""

    key: str
    severity: Verdict
    params: dict[str, str] = field(default_factory=dict)


#: R5 (from the R13 result): a missing signing certificate is a remark, not a failure.
SIGNING_FINDINGS: Mapping[str, Finding] = {
    "notice.r5.signing_present": Finding("ui.test.finding.signing_present", Verdict.OK),
    "notice.r5.signing_missing": Finding("ui.test.finding.signing_missing", Verdict.WARNING),
}

#: R12: the levels the card check shows, by the rule's notice for the card.
SHOWN_LEVELS: Mapping[str, AssuranceLevel] = {
    "notice.r12.reserve_loa2": AssuranceLevel.LOA2,
    "notice.r12.reserve_loa3": AssuranceLevel.LOA3,
}


@dataclass(frozen=True)
class CardCheckReport:
    card_serial: str | None
    pin_ok: bool
    tries_left: int | None
    pin_blocked: bool
    certificates: tuple[CertificateLine, ...]
    chain: ChainReport | None
    signing_present: bool
    assurance_level: str | None
    findings: tuple[Finding, ...]
    result: CardTestResult  # the R13 rule's verdict and steps

    @property
    def verdict(self) -> Verdict:
        """R13 decides whether the card works; a working card without a signing
        certificate (R5) works with a remark."""
        if self.result.verdict is not CardTestVerdict.OK:
            return Verdict.FAIL
        return SIGNING_FINDINGS[self.result.signing.key].severity

    @property
    def advice(self) -> tuple[Notice, ...]:
        """R13 on a card that does not work: the rule's verdict, then its steps (what the
        holder does next); nothing for a card that works."""
        if self.result.verdict is CardTestVerdict.OK:
            return ()
        return (verdict_notice(self.result.verdict), *self.result.steps)


def unlock_finding(product_number: str | None) -> Finding:
    """R7: how a blocked PIN is unlocked depends on the product number series; a number
    the rules cannot read gets the code-letter advice, which holds for 5xx, 6xx and none."""
    try:
        in_person = UnlockPath.IN_PERSON in unlock_paths(product_series(product_number))
    except InvalidProductNumberError:
        in_person = False
    if in_person:
        return Finding("ui.test.finding.unlock_7xx", Verdict.FAIL)
    return Finding("ui.test.finding.unlock_puk_letter", Verdict.FAIL)


#: The register's states in which a card cannot work (R13), and what the clerk is told.
REGISTER_FINDINGS: Mapping[CardState, str] = {
    CardState.BLOCKED: "ui.test.finding.register_blocked",
    CardState.RETURNED: "ui.test.finding.register_returned",
    CardState.REPLACED: "ui.test.finding.register_replaced",
    CardState.PUK_BLOCKED: "ui.test.finding.register_puk_blocked",
}


def register_state(record: CardView | None) -> CardState | None:
    try:
        return CardState(record.state) if record is not None else None
    except ValueError:
        return None


def register_finding(state: CardState | None) -> Finding | None:
    """What the register says of a card that cannot work, whatever it answers."""
    key = REGISTER_FINDINGS.get(state) if state is not None else None
    return Finding(key, Verdict.FAIL) if key is not None else None


@dataclass(frozen=True)
class _RecordedReserve:
    """R12's view of the card record: reserve or not, and a level the rules know."""

    is_reserve: bool
    assurance_level: AssuranceLevel | None


def assurance_finding(record: CardView | None) -> Finding | None:
    """R12: a reserve card's assurance level (LoA2 or LoA3), when the record has one."""
    if record is None:
        return None
    try:
        level: AssuranceLevel | None = AssuranceLevel(record.assurance_level or "")
    except ValueError:  # none recorded, or a level the rules do not know
        level = None
    shown = SHOWN_LEVELS.get(assurance_notice(_RecordedReserve(record.is_reserve, level)).key)
    if shown is None:
        return None
    return Finding("ui.test.finding.assurance", Verdict.OK, {"level": shown.value})


@dataclass
class _PinCheck:
    ok: bool = False
    tries_left: int | None = None
    blocked: bool = False


@dataclass
class _CertificateCheck:
    lines: list[CertificateLine] = field(default_factory=list)
    authentication_der: bytes | None = None
    readable: bool = True
    valid: bool = True


class CardCheckService:
    """Runs the card check on the card in the customer reader."""

    def __init__(
        self,
        *,
        cards: CardAccess,
        trust: TrustStore,
        clock: Callable[[], dt.datetime],
        directory: HolderDirectory | None = None,
    ) -> None:
        self._cards = cards
        self._trust = trust
        self._clock = clock
        self._directory = directory

    def on_record(self, serial: str | None, record: CardView | None) -> CardView | None:
        """The register's record of the card with ``serial`` (``record`` when it is that
        card; otherwise looked up, blocking)."""
        if record is not None and record.serial == serial:
            return record
        if self._directory is None or not serial:
            return None
        for holder in self._directory.by_card_serial(serial):
            detail = self._directory.detail(holder.holder_id)
            for card in detail.cards if detail is not None else ():
                if card.serial == serial:
                    return card
        return None

    def precheck(self, record: CardView | None = None) -> CardCheckReport | None:
        """Before anyone types a PIN: the card in the customer reader against the register.
        A card that can never work (blocked, returned, replaced, PUK locked) gets its
        report now; None when the test goes on to the PIN."""
        session = self._cards.open(ReaderRole.CUSTOMER)
        try:
            serial = session.card_serial()
        finally:
            session.close()
        state = register_state(self.on_record(serial, record))
        finding = register_finding(state)
        if finding is None:
            return None
        facts = CardTestFacts(
            pin_ok=False,
            certs_readable=True,
            certs_valid=True,
            chain_ok=False,
            register_state=state,
        )
        return CardCheckReport(
            card_serial=serial,
            pin_ok=False,
            tries_left=None,
            pin_blocked=state is CardState.PUK_BLOCKED,
            certificates=(),
            chain=None,
            signing_present=False,
            assurance_level=None,
            findings=(finding,),
            result=card_test_verdict(facts),
        )

    def run(self, pin: str, record: CardView | None = None) -> CardCheckReport:
        findings: list[Finding] = []
        session = self._cards.open(ReaderRole.CUSTOMER)
        try:
            serial = session.card_serial()
            record = self.on_record(serial, record) or record
            state = register_state(record)
            withdrawn = register_finding(state)
            if withdrawn is not None:
                findings.append(withdrawn)
            pin_check = self._check_pin(session, pin, record, findings)
            certificates = self._check_certificates(session, findings)
            chain = self._check_chain(certificates.authentication_der, findings)
            revoked = chain is not None and chain.revoked
            signing = any(line.slot == CardKey.SIGNING for line in certificates.lines)
            # The chain is checked against the anchors configured in this kiosk, so a
            # failure is the card's chain (R13: chain broken); whether the holder's own
            # computer has the intermediate and root, the kiosk cannot see.
            result = card_test_verdict(
                CardTestFacts(
                    pin_ok=pin_check.ok,
                    certs_readable=certificates.readable,
                    certs_valid=certificates.valid and not revoked,
                    chain_ok=chain is not None and chain.intermediate_ok and chain.root_ok,
                    has_signing_cert=signing,
                    register_state=state,
                )
            )
            findings.append(SIGNING_FINDINGS[result.signing.key])
            assurance = assurance_finding(record)
            if assurance is not None:
                findings.append(assurance)
            return CardCheckReport(
                card_serial=serial,
                pin_ok=pin_check.ok,
                tries_left=pin_check.tries_left,
                pin_blocked=pin_check.blocked,
                certificates=tuple(certificates.lines),
                chain=chain,
                signing_present=signing,
                assurance_level=record.assurance_level if record else None,
                findings=tuple(findings),
                result=result,
            )
        finally:
            session.close()

    @staticmethod
    def _check_pin(
        session: CardSession, pin: str, record: CardView | None, findings: list[Finding]
    ) -> _PinCheck:
        try:
            session.verify_pin(pin)
        except WrongPinError as exc:
            shown = str(exc.params["tries_left"])  # "?" from a card that gives no count
            findings.append(
                Finding("ui.test.finding.pin_wrong", Verdict.FAIL, {"tries_left": shown})
            )
            return _PinCheck(tries_left=exc.tries_left)
        except PinLockedError:
            findings.append(Finding("ui.test.finding.pin_blocked", Verdict.FAIL))
            if register_state(record) is not CardState.PUK_BLOCKED:  # else: block, order anew
                findings.append(unlock_finding(record.product_number if record else None))
            return _PinCheck(tries_left=0, blocked=True)
        findings.append(Finding("ui.test.finding.pin_ok", Verdict.OK))
        return _PinCheck(ok=True)

    def _check_certificates(
        self, session: CardSession, findings: list[Finding]
    ) -> _CertificateCheck:
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        now = self._clock()
        check = _CertificateCheck()
        for slot in CardKey:
            der = session.certificate(slot)
            if not der:
                continue
            try:
                cert = x509.load_der_x509_certificate(der)
            except ValueError:
                check.readable = False
                findings.append(
                    Finding("ui.test.finding.cert_unreadable", Verdict.FAIL, {"slot": f"{slot:X}"})
                )
                continue
            names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            valid = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
            check.lines.append(
                CertificateLine(
                    slot=slot,
                    subject=str(names[0].value) if names else "",
                    not_before=local_date(cert.not_valid_before_utc),
                    not_after=local_date(cert.not_valid_after_utc),
                    valid_now=valid,
                )
            )
            if slot is CardKey.AUTHENTICATION:
                check.authentication_der = der
            if not valid:
                check.valid = False
                findings.append(
                    Finding(
                        "ui.test.finding.cert_invalid",
                        Verdict.FAIL,
                        {
                            "slot": f"{slot:X}",
                            "date": local_date(cert.not_valid_after_utc).isoformat(),
                        },
                    )
                )
        return check

    def _check_chain(
        self, authentication_der: bytes | None, findings: list[Finding]
    ) -> ChainReport | None:
        if authentication_der is None:
            findings.append(Finding("ui.test.finding.no_auth_cert", Verdict.FAIL))
            return None
        chain = self._trust.check_chain(authentication_der, self._clock())
        if chain.revocation_expired:
            raise RevocationListExpiredError(
                issuer=chain.revocation_issuer, date=_date(chain.revocation_next_update)
            )
        if not chain.intermediate_ok:
            findings.append(Finding("ui.test.finding.chain_intermediate", Verdict.FAIL))
        elif not chain.root_ok:
            findings.append(Finding("ui.test.finding.chain_root", Verdict.FAIL))
        else:
            findings.append(Finding("ui.test.finding.chain_ok", Verdict.OK))
        if chain.revoked:
            findings.append(Finding("ui.test.finding.cert_revoked", Verdict.FAIL))
        elif chain.revocation_stale:
            findings.append(
                Finding(
                    "ui.test.finding.crl_stale",
                    Verdict.WARNING,
                    {
                        "issuer": chain.revocation_issuer,
                        "date": _date(chain.revocation_next_update),
                    },
                )
            )
        return chain


def _date(moment: dt.datetime | None) -> str:
    return local_date(moment).isoformat() if moment is not None else ""
