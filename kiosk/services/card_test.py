"""Card test inside a visit (R13, with R5 and R12): PIN, certificates, chain, verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from clock import local_date
from devices.card.errors import PinLockedError, WrongPinError
from kiosk.services.card import CardAccess, CardKey
from kiosk.services.ports import CardView, ChainReport, ReaderRole, TrustStore


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


@dataclass(frozen=True)
class CardTestReport:
    card_serial: str | None
    pin_ok: bool
    tries_left: int | None
    pin_blocked: bool
    certificates: tuple[CertificateLine, ...]
    chain: ChainReport | None
    signing_present: bool
    assurance_level: str | None
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> Verdict:
        severities = {f.severity for f in self.findings}
        if Verdict.FAIL in severities:
            return Verdict.FAIL
        if Verdict.WARNING in severities:
            return Verdict.WARNING
        return Verdict.OK


def unlock_finding(product_number: str | None) -> Finding:
    """R7: how a blocked PIN is unlocked depends on the product number series."""
    if product_number and product_number.startswith("7"):
        return Finding("ui.test.finding.unlock_7xx", Verdict.FAIL)
    return Finding("ui.test.finding.unlock_puk_letter", Verdict.FAIL)


class CardTestService:
    """Runs the card test on the card in the customer reader."""

    def __init__(
        self, *, cards: CardAccess, trust: TrustStore, clock: Callable[[], dt.datetime]
    ) -> None:
        self._cards = cards
        self._trust = trust
        self._clock = clock

    def run(self, pin: str, record: CardView | None = None) -> CardTestReport:
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        findings: list[Finding] = []
        session = self._cards.open(ReaderRole.CUSTOMER)
        try:
            serial = session.card_serial()
            pin_ok, tries_left, blocked = False, None, False
            try:
                session.verify_pin(pin)
                pin_ok = True
                findings.append(Finding("ui.test.finding.pin_ok", Verdict.OK))
            except WrongPinError as exc:
                tries_left = exc.tries_left
                shown = str(exc.params["tries_left"])  # "?" from a card that gives no count
                findings.append(
                    Finding("ui.test.finding.pin_wrong", Verdict.FAIL, {"tries_left": shown})
                )
            except PinLockedError:
                blocked, tries_left = True, 0
                findings.append(Finding("ui.test.finding.pin_blocked", Verdict.FAIL))
                findings.append(unlock_finding(record.product_number if record else None))
            now = self._clock()
            lines: list[CertificateLine] = []
            auth_der: bytes | None = None
            for slot in CardKey:
                der = session.certificate(slot)
                if not der:
                    continue
                try:
                    cert = x509.load_der_x509_certificate(der)
                except ValueError:
                    findings.append(
                        Finding(
                            "ui.test.finding.cert_unreadable", Verdict.FAIL, {"slot": f"{slot:X}"}
                        )
                    )
                    continue
                names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
                valid = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
                lines.append(
                    CertificateLine(
                        slot=slot,
                        subject=str(names[0].value) if names else "",
                        not_before=local_date(cert.not_valid_before_utc),
                        not_after=local_date(cert.not_valid_after_utc),
                        valid_now=valid,
                    )
                )
                if slot is CardKey.AUTHENTICATION:
                    auth_der = der
                if not valid:
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
            chain: ChainReport | None = None
            if auth_der is None:
                findings.append(Finding("ui.test.finding.no_auth_cert", Verdict.FAIL))
            else:
                chain = self._trust.check_chain(auth_der)
                if not chain.intermediate_ok:
                    findings.append(Finding("ui.test.finding.chain_intermediate", Verdict.FAIL))
                elif not chain.root_ok:
                    findings.append(Finding("ui.test.finding.chain_root", Verdict.FAIL))
                else:
                    findings.append(Finding("ui.test.finding.chain_ok", Verdict.OK))
            signing = any(line.slot == CardKey.SIGNING for line in lines)
            if signing:
                findings.append(Finding("ui.test.finding.signing_present", Verdict.OK))
            else:
                findings.append(Finding("ui.test.finding.signing_missing", Verdict.WARNING))
            assurance = record.assurance_level if record else None
            if assurance:
                findings.append(
                    Finding("ui.test.finding.assurance", Verdict.OK, {"level": assurance})
                )
            return CardTestReport(
                card_serial=serial,
                pin_ok=pin_ok,
                tries_left=tries_left,
                pin_blocked=blocked,
                certificates=tuple(lines),
                chain=chain,
                signing_present=signing,
                assurance_level=assurance,
                findings=tuple(findings),
            )
        finally:
            session.close()
