"""R13 card check ("testa kortet"): PIN, certificates, chain, and the computer's CAs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.decisions import Notice
from kiosk.domain.signing import signing_cert_notice
from kiosk.domain.types import CardState

#: States in the register in which a card can never be used again, whatever it answers.
WITHDRAWN_STATES = frozenset({CardState.BLOCKED, CardState.RETURNED, CardState.REPLACED})


class CardTestVerdict(StrEnum):
    OK = "ok"
    WITHDRAWN = "withdrawn"  # blocked, returned or replaced in the register
    PUK_BLOCKED = "puk_blocked"  # PIN and PUK used up: block it and order a new card
    PIN_REFUSED = "pin_refused"
    CERTS_UNREADABLE = "certs_unreadable"
    CERTS_INVALID = "certs_invalid"
    CHAIN_BROKEN = "chain_broken"
    COMPUTER_LACKS_CA = "computer_lacks_ca"


@dataclass(frozen=True, slots=True)
class CardTestFacts:
    """What a card test found: on the card, and on the computer (intermediate and root)."""

    pin_ok: bool
    certs_readable: bool
    certs_valid: bool
    chain_ok: bool
    has_signing_cert: bool = False
    intermediate_installed: bool = True
    root_installed: bool = True
    register_state: CardState | None = None  # the card's state in the register, if on record


@dataclass(frozen=True, slots=True)
class CardTestResult:
    verdict: CardTestVerdict
    steps: tuple[Notice, ...]
    signing: Notice


def card_test_verdict(facts: CardTestFacts) -> CardTestResult:
    """R13: the first failing check decides the verdict; the steps say what to do. A
    computer without the intermediate or root certificate installs the intermediate
    first, then the root. The R5 signing-certificate notice is always included. The register
    comes first: a blocked, returned or replaced card never works, and a card whose PUK is
    used up cannot be saved (block it, order a new card)."""
    signing = signing_cert_notice(facts)
    steps: list[Notice] = []
    if facts.register_state in WITHDRAWN_STATES:
        verdict = CardTestVerdict.WITHDRAWN
        steps.append(Notice("notice.r13.step.withdrawn"))
    elif facts.register_state is CardState.PUK_BLOCKED:
        verdict = CardTestVerdict.PUK_BLOCKED
        steps.append(Notice("notice.r13.step.block_and_order"))
    elif not facts.pin_ok:
        verdict = CardTestVerdict.PIN_REFUSED
        steps.append(Notice("notice.r13.step.unlock"))
    elif not facts.certs_readable:
        verdict = CardTestVerdict.CERTS_UNREADABLE
        steps.append(Notice("notice.r13.step.new_card"))
    elif not facts.certs_valid:
        verdict = CardTestVerdict.CERTS_INVALID
        steps.append(Notice("notice.r13.step.new_eid"))
    elif not facts.chain_ok:
        verdict = CardTestVerdict.CHAIN_BROKEN
        steps.append(Notice("notice.r13.step.new_eid"))
    elif not (facts.intermediate_installed and facts.root_installed):
        verdict = CardTestVerdict.COMPUTER_LACKS_CA
        if not facts.intermediate_installed:
            steps.append(Notice("notice.r13.step.install_intermediate"))
        if not facts.root_installed:
            steps.append(Notice("notice.r13.step.install_root"))
    else:
        verdict = CardTestVerdict.OK
    return CardTestResult(verdict, tuple(steps), signing)


def verdict_notice(verdict: CardTestVerdict) -> Notice:
    return Notice(f"notice.r13.verdict.{verdict.value}")
