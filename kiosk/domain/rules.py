"""Card-office rules R2–R5, R7 and R9–R14 as pure functions.

R1 (identity documents) is in ``kiosk.domain.documents``; R6 and R8 (PIN) in
``kiosk.domain.pin``; who may do what in ``kiosk.domain.roles``. Refusals are typed
errors (``kiosk.errors``), returned inside a ``Decision`` or raised by ``check_*``;
what to tell the holder is a ``Notice`` whose key is in ``NOTICE_KEYS``. No clock is read:
``today`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kiosk.domain.dates import add_days, add_months
from kiosk.domain.decisions import Decision, Notice
from kiosk.domain.documents import check_document
from kiosk.domain.lifecycle import Transition, illegal_transition, transition
from kiosk.domain.roles import Action, require_role
from kiosk.domain.types import (
    AssuranceLevel,
    BlockReason,
    CardFacts,
    CardState,
    Deadline,
    DeadlineKind,
    IdentityDocument,
    IdTask,
    ProductSeries,
    Role,
    ShipmentMethod,
)
from kiosk.errors import (
    CardFactsIncomplete,
    CardNotForHolder,
    DomainError,
    IdentityCheckMissing,
    KeepReasonMissing,
    NotRegisteredPost,
    PoliceReportNotConfirmed,
    PukBlockedCannotUnlock,
    ReorderNeedsAPost,
    ReorderTooEarly,
    ReplacedCardRefused,
    TeliaCallNotConfirmed,
    UnlockNeedsCodeLetter,
    UnlockNotByCodeLetter,
    UnlockWrongPlace,
    WrongOffice,
)

# --- R2 activation ------------------------------------------------------------------------


def check_activation(
    card: CardFacts,
    *,
    holder_id: str,
    office_id: str,
    document: IdentityDocument | None,
    today: date,
    photo_office_name: str | None = None,
) -> Decision:
    """R2 (with R1 and R3): activate only a shipped card of this holder, at the office
    where the photo was taken, after an identity check with a valid physical document.

    A replaced card (R3) is refused with "blocked: cut it up and throw it away". A card
    without a photo has no photo office and may be activated at any office. The refusal
    for a wrong office names the office to go to (``photo_office_name`` or its id).
    """
    try:
        if card.state is CardState.REPLACED:
            raise ReplacedCardRefused()
        transition(card.state, Transition.ACTIVATE)
        if card.holder_id != holder_id:
            raise CardNotForHolder()
        if card.photo_office_id is not None and card.photo_office_id != office_id:
            raise WrongOffice(office=photo_office_name or card.photo_office_id)
        if document is None:
            raise IdentityCheckMissing()
        check_document(document, today, IdTask.ACTIVATION)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


# --- R3 undelivered card sent by A-post ---------------------------------------------------

#: R3: days after the photo (or the order, for a card without photo) before a reorder.
REORDER_WAIT_DAYS = 30


def reorder_from(card: CardFacts) -> date:
    """R3: the first day a new card may be ordered: 30 days after the photo was taken, or
    after the order was placed for a card without photo."""
    if card.with_photo:
        if card.photo_date is None:
            raise CardFactsIncomplete(field="photo_date")
        return add_days(card.photo_date, REORDER_WAIT_DAYS)
    if card.order_date is None:
        raise CardFactsIncomplete(field="order_date")
    return add_days(card.order_date, REORDER_WAIT_DAYS)


def reorder_allowed(card: CardFacts, today: date) -> Decision:
    """R3: an undelivered (shipped, never activated) A-post card may be reordered from
    ``reorder_from(card)`` on. A registered-post card is traced instead (R4)."""
    try:
        if card.shipment_method is ShipmentMethod.REGISTERED:
            raise ReorderNeedsAPost()
        transition(card.state, Transition.REPLACE)
        first_day = reorder_from(card)
        if today < first_day:
            raise ReorderTooEarly(from_date=first_day.isoformat())
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


@dataclass(frozen=True, slots=True)
class ReorderPlan:
    """What a reorder does (R3): the first card becomes ``replaced`` (blocked for good),
    the new order reuses the first order's photo, no new photo is taken."""

    first_card_serial: str
    first_card_next_state: CardState
    block_reason: BlockReason
    new_photo_needed: bool
    with_photo: bool
    photo_date: date | None
    photo_office_id: str | None


def reorder_plan(card: CardFacts, today: date) -> ReorderPlan:
    """R3: the plan for a reorder; raises the refusal if ``reorder_allowed`` says no."""
    reorder_allowed(card, today).require()
    return ReorderPlan(
        first_card_serial=card.serial,
        first_card_next_state=transition(card.state, Transition.REPLACE),
        block_reason=BlockReason.REPLACED,
        new_photo_needed=False,
        with_photo=card.with_photo,
        photo_date=card.photo_date,
        photo_office_id=card.photo_office_id,
    )


def reorder_notice(card: CardFacts, today: date) -> Notice:
    """R3: what to tell an A-post holder who has not received the card."""
    first_day = reorder_from(card)
    if today < first_day:
        return Notice("notice.r3.reorder_from", {"from_date": first_day.isoformat()})
    return Notice("notice.r3.reorder_now", {"from_date": first_day.isoformat()})


# --- R4 undelivered card sent by registered post ------------------------------------------


def trace_notices(card: CardFacts) -> tuple[Notice, ...]:
    """R4: how a registered-post card is traced: its Rek-id, then PostNord. The Rek-id comes
    from the local id-administrator or the service desk. A-post cannot be traced."""
    if card.shipment_method is not ShipmentMethod.REGISTERED:
        raise NotRegisteredPost()
    if card.rek_id:
        first = Notice("notice.r4.rek_id", {"rek_id": card.rek_id})
    else:
        first = Notice("notice.r4.ask_for_rek_id")
    return (first, Notice("notice.r4.trace_with_postnord"))


# --- R5 signing certificate ---------------------------------------------------------------


def signing_cert_notice(card: CardFacts) -> Notice:
    """R5: whether the card has a signing certificate, and where to get one (Mina sidor)."""
    if card.has_signing_cert:
        return Notice("notice.r5.signing_present")
    return Notice("notice.r5.signing_missing")


# --- R7 unlock ----------------------------------------------------------------------------


class UnlockPath(StrEnum):
    IN_PERSON = "in_person"  # 7xx: an id-administrator, the card and a Swedish document
    ORDERED_PUK = "ordered_puk"  # 7xx: a PUK ordered through an id-admin or the service desk
    CODE_LETTER = "code_letter"  # 5xx/6xx/none: the PUK from the card's code letter


class CodeOrder(StrEnum):
    PUK = "puk"  # 7xx: a PUK code (letter)
    CODE_LETTER = "code_letter"  # 5xx/6xx/none: a new code letter


def unlock_paths(series: ProductSeries) -> tuple[UnlockPath, ...]:
    """R7: the ways a locked card of this series can be unlocked, preferred first."""
    if series is ProductSeries.S7:
        return (UnlockPath.IN_PERSON, UnlockPath.ORDERED_PUK)
    return (UnlockPath.CODE_LETTER,)


def code_order_for(series: ProductSeries) -> CodeOrder:
    """R7: what is ordered for a holder without a usable PUK."""
    return CodeOrder.PUK if series is ProductSeries.S7 else CodeOrder.CODE_LETTER


def unlock_notices(series: ProductSeries) -> tuple[Notice, ...]:
    """R7: the unlock paths in words, for the clerk and the holder."""
    if series is ProductSeries.S7:
        return (Notice("notice.r7.in_person"), Notice("notice.r7.order_puk"))
    return (Notice("notice.r7.code_letter"), Notice("notice.r7.new_code_letter"))


def _check_not_saveable(state: CardState) -> None:
    if state is CardState.PUK_BLOCKED:
        raise PukBlockedCannotUnlock()


def check_unlock(
    card: CardFacts,
    path: UnlockPath,
    *,
    role: Role,
    office_id: str,
    same_organisation: bool = False,
    document: IdentityDocument | None = None,
    today: date | None = None,
    photo_office_name: str | None = None,
) -> Decision:
    """R7 (with R1 and the roles): may this locked card be unlocked along ``path`` now?

    - the path must suit the product series (7xx: in person or ordered PUK; 5xx/6xx/none:
      code-letter PUK only);
    - the card must be locked (a PUK-blocked card cannot be saved);
    - in person: an id-administrator (a clerk may not), at the photo office or an
      id-administrator of the holder's own organisation (``same_organisation``), with a
      valid physical Swedish document (``document`` and ``today`` required).
    """
    try:
        series = card.series
        if path not in unlock_paths(series):
            if series is ProductSeries.S7:
                raise UnlockNotByCodeLetter()
            raise UnlockNeedsCodeLetter(series=series.value)
        _check_not_saveable(card.state)
        if path is UnlockPath.IN_PERSON:
            require_role(role, Action.UNLOCK_IN_PERSON)
        else:
            require_role(role, Action.UNLOCK_WITH_PUK)
        transition(card.state, Transition.UNLOCK)
        if path is UnlockPath.IN_PERSON:
            at_photo_office = card.photo_office_id is not None and card.photo_office_id == office_id
            if not (at_photo_office or same_organisation):
                raise UnlockWrongPlace(
                    office=photo_office_name or card.photo_office_id or "-",
                )
            if document is None or today is None:
                raise IdentityCheckMissing()
            check_document(document, today, IdTask.IN_PERSON_UNLOCK)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


def check_code_order(card: CardFacts, *, role: Role) -> Decision:
    """R7: ordering a PUK (7xx) or a new code letter (5xx/6xx/none) is for an
    id-administrator; pointless for a PUK-blocked card or a card in a final state."""
    try:
        require_role(role, Action.ORDER_CODES)
        _check_not_saveable(card.state)
        if card.state in (CardState.BLOCKED, CardState.RETURNED, CardState.REPLACED):
            raise illegal_transition(card.state, Transition.UNLOCK)
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


# --- R9 blocking --------------------------------------------------------------------------

#: R9: Telia's blocking service, for cards with product number 5xx/6xx or none.
TELIA_BLOCKING_LINE = "020-32 32 62"


class BlockDuty(StrEnum):
    TELIA_BLOCKING_LINE = "telia_blocking_line"
    POLICE_REPORT = "police_report"


_POLICE_REASONS = frozenset({BlockReason.LOST, BlockReason.STOLEN})


def block_duties(card: CardFacts, reason: BlockReason | None = None) -> frozenset[BlockDuty]:
    """R9: what the holder must do besides the block at the counter.

    Product number 5xx/6xx or none: also block through Telia's blocking line. SIS-marked
    card: report the loss or theft to the police (for reasons lost and stolen; when the
    reason is not known yet, the duty is listed to be safe).
    """
    duties: set[BlockDuty] = set()
    if card.series is not ProductSeries.S7:
        duties.add(BlockDuty.TELIA_BLOCKING_LINE)
    if card.sis_marked and (reason is None or reason in _POLICE_REASONS):
        duties.add(BlockDuty.POLICE_REPORT)
    return frozenset(duties)


def block_duty_notices(duties: Iterable[BlockDuty]) -> tuple[Notice, ...]:
    """R9: the duties in words (Telia's line first)."""
    out: list[Notice] = []
    if BlockDuty.TELIA_BLOCKING_LINE in duties:
        out.append(Notice("notice.r9.telia", {"phone": TELIA_BLOCKING_LINE}))
    if BlockDuty.POLICE_REPORT in duties:
        out.append(Notice("notice.r9.police"))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class BlockRequest:
    """R9: a block request as the outage routine needs it: which card, which certificates,
    whose (the holder's store id or HSA-id, never a name or personnummer), which operator,
    when it came in. Neither the card nor the holder has to be present (a phone call to
    the office is enough)."""

    serial: str
    reason: BlockReason
    operator_id: str
    received_at: datetime
    holder_ref: str | None = None
    card_present: bool = False
    holder_present: bool = False
    certificates: tuple[str, ...] = ()
    confirmed_duties: frozenset[BlockDuty] = frozenset()


def check_block(card: CardFacts, request: BlockRequest) -> Decision:
    """R9: a block is allowed on any card not already final, present or not, once the
    clerk has confirmed each side-duty was told to the holder."""
    try:
        transition(card.state, Transition.BLOCK)
        missing = block_duties(card, request.reason) - request.confirmed_duties
        if BlockDuty.TELIA_BLOCKING_LINE in missing:
            raise TeliaCallNotConfirmed(phone=TELIA_BLOCKING_LINE)
        if BlockDuty.POLICE_REPORT in missing:
            raise PoliceReportNotConfirmed()
    except DomainError as refusal:
        return Decision.refuse(refusal)
    return Decision.ok()


# --- R10 name change, R11 return, the deadline sweep --------------------------------------

#: R10/R11: calendar months to get a new card after a name change / to hand the card back.
DEADLINE_MONTHS = 3


def name_change_deadline(serial: str, changed_on: date) -> Deadline:
    """R10: three calendar months from the name change; the old card is blocked after it."""
    return Deadline(serial, DeadlineKind.NAME_CHANGE, add_months(changed_on, DEADLINE_MONTHS))


def return_deadline(serial: str, ended_on: date) -> Deadline:
    """R11: three calendar months from the end of employment; blocked if not returned."""
    return Deadline(serial, DeadlineKind.RETURN, add_months(ended_on, DEADLINE_MONTHS))


class ReturnOutcome(StrEnum):
    RETURNED = "returned"
    KEPT = "kept"  # continues with another assignment in the region


def check_return(
    card: CardFacts, *, keep_card: bool = False, keep_reason: str | None = None
) -> ReturnOutcome:
    """R11: record a return, or the keep-card exception, which needs a non-empty reason.
    Raises the refusal (an ``IllegalTransition`` for a card that cannot be taken back)."""
    transition(card.state, Transition.RETURN)
    if keep_card:
        if keep_reason is None or not keep_reason.strip():
            raise KeepReasonMissing()
        return ReturnOutcome.KEPT
    return ReturnOutcome.RETURNED


_BLOCK_REASON_BY_DEADLINE: Mapping[DeadlineKind, BlockReason] = {
    DeadlineKind.NAME_CHANGE: BlockReason.NAME_CHANGE,
    DeadlineKind.RETURN: BlockReason.NOT_RETURNED,
}


def deadline_block_reason(kind: DeadlineKind) -> BlockReason:
    return _BLOCK_REASON_BY_DEADLINE[kind]


def overdue_deadlines(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """The open deadlines past their due date (overdue from the day after), oldest first."""
    return sorted(
        (d for d in deadlines if d.is_overdue(today)), key=lambda d: (d.due, d.serial, d.kind)
    )


@dataclass(frozen=True, slots=True)
class SweepBlock:
    serial: str
    reason: BlockReason
    deadline: Deadline


def sweep(
    deadlines: Iterable[Deadline], states: Mapping[str, CardState], today: date
) -> list[SweepBlock]:
    """The hourly sweep (R10, R11): one block per card with an overdue deadline whose state
    can still be blocked; cards already final (or unknown) are left alone."""
    blocks: list[SweepBlock] = []
    seen: set[str] = set()
    for deadline in overdue_deadlines(deadlines, today):
        state = states.get(deadline.serial)
        if deadline.serial in seen or state is None:
            continue
        try:
            transition(state, Transition.BLOCK)
        except DomainError:
            continue
        seen.add(deadline.serial)
        blocks.append(SweepBlock(deadline.serial, deadline_block_reason(deadline.kind), deadline))
    return blocks


# --- R12 reserve cards ----------------------------------------------------------------------


def assurance_notice(card: CardFacts) -> Notice:
    """R12: which assurance level a reserve card holds (LoA2: issued remotely)."""
    if not card.is_reserve:
        return Notice("notice.r12.ordinary")
    if card.assurance_level is AssuranceLevel.LOA2:
        return Notice("notice.r12.reserve_loa2")
    if card.assurance_level is AssuranceLevel.LOA3:
        return Notice("notice.r12.reserve_loa3")
    return Notice("notice.r12.reserve_unknown")


# --- R13 card test ------------------------------------------------------------------------


class CardTestVerdict(StrEnum):
    OK = "ok"
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


@dataclass(frozen=True, slots=True)
class CardTestResult:
    verdict: CardTestVerdict
    steps: tuple[Notice, ...]
    signing: Notice


def card_test_verdict(facts: CardTestFacts) -> CardTestResult:
    """R13: the first failing check decides the verdict; the steps say what to do. A
    computer without the intermediate or root certificate installs the intermediate
    first, then the root. The R5 signing-certificate notice is always included."""
    signing = Notice(
        "notice.r5.signing_present" if facts.has_signing_cert else "notice.r5.signing_missing"
    )
    steps: list[Notice] = []
    if not facts.pin_ok:
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


# --- R14 support --------------------------------------------------------------------------


def support_path(*, on_sll_net: bool) -> tuple[Notice, ...]:
    """R14: first the organisation's e-tjänstekort contact, then the service desk; on
    SLL-net the service desk portal also needs card login."""
    steps = [Notice("notice.r14.contact"), Notice("notice.r14.service_desk")]
    if on_sll_net:
        steps.append(Notice("notice.r14.portal_card_login"))
    return tuple(steps)


#: Every notice key the rules can return; each exists in both domain.toml files.
NOTICE_KEYS: frozenset[str] = frozenset(
    {
        "notice.r3.reorder_from",
        "notice.r3.reorder_now",
        "notice.r4.rek_id",
        "notice.r4.ask_for_rek_id",
        "notice.r4.trace_with_postnord",
        "notice.r5.signing_present",
        "notice.r5.signing_missing",
        "notice.r7.in_person",
        "notice.r7.order_puk",
        "notice.r7.code_letter",
        "notice.r7.new_code_letter",
        "notice.r9.telia",
        "notice.r9.police",
        "notice.r12.ordinary",
        "notice.r12.reserve_loa2",
        "notice.r12.reserve_loa3",
        "notice.r12.reserve_unknown",
        "notice.r13.step.unlock",
        "notice.r13.step.new_card",
        "notice.r13.step.new_eid",
        "notice.r13.step.install_intermediate",
        "notice.r13.step.install_root",
        "notice.r14.contact",
        "notice.r14.service_desk",
        "notice.r14.portal_card_login",
        *(f"notice.r13.verdict.{v.value}" for v in CardTestVerdict),
    }
)
