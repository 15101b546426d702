"""The holder's part of a receipt in plain words: what happens now, and whom to contact.

What was done is the event's action text and its details (``render.action_text``,
``render.detail_text``: those the verifier looks for on the page). This module adds,
per workflow, what the holder can expect or must do next (R2, R3, R5, R6, R7, R9, R10,
R11) and the office's contact details followed by R14's support path. None of it is in
the receipt's facts: the digest, and so every receipt printed before, is unchanged.
"""

from __future__ import annotations

from kiosk.config import OfficeConfig
from kiosk.domain.blocking import BlockDuty, block_duty_notices
from kiosk.domain.decisions import Notice
from kiosk.domain.support import support_path
from kiosk.domain.types import ProductSeries, product_series
from kiosk.errors import InvalidProductNumberError
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts
from protocol.event_types import EventType

_UNLOCKED = ("receipt.next.unlocked", "receipt.next.three_wrong_pins")
_NEW_CARD = ("receipt.next.new_card_by_post", "receipt.next.activate_new_card")

#: What happens next, per workflow event (keys of the receipts catalogue, in order).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    EventType.CARD_ACTIVATED: ("receipt.next.activated", "receipt.next.signing_certificate"),
    EventType.CARD_UNLOCKED: _UNLOCKED,
    EventType.CARD_UNLOCKED_IN_PERSON: _UNLOCKED,
    EventType.CARD_UNLOCKED_WITH_CODE_LETTER: _UNLOCKED,
    EventType.CARD_PIN_CHANGED: ("receipt.next.pin_changed", "receipt.next.three_wrong_pins"),
    EventType.ORDER_PIN_LETTER: ("receipt.next.pin_letter",),
    EventType.ORDER_PUK_LETTER: ("receipt.next.puk_letter",),
    EventType.ORDER_CODE_LETTER: ("receipt.next.code_letter",),
    EventType.ORDER_REPLACEMENT_CARD: _NEW_CARD,
    EventType.CARD_REORDERED: (
        "receipt.next.new_card_by_post",
        "receipt.next.no_new_photo",
        "receipt.next.activate_new_card",
    ),
    EventType.CARD_BLOCKED: ("receipt.next.blocked", "receipt.next.blocked_new_card"),
    EventType.CARD_RETURNED: ("receipt.next.returned",),
    EventType.CARD_RETURN_KEPT: ("receipt.next.kept",),
    EventType.CARD_NAME_CHANGE_RECORDED: ("receipt.next.name_change",),
    EventType.CARD_RETURN_DUE: ("receipt.next.return_due",),
    EventType.ORDER_PLACED: ("receipt.next.order_placed", "receipt.next.order_reorder"),
}

#: Steps that name the deadline when the receipt has one (``<key>.due`` with ``{due}``).
DATED_STEPS = frozenset({"receipt.next.name_change", "receipt.next.return_due"})
#: R3: the order's step that names the first day a new card may be asked for.
REORDER_STEP = "receipt.next.order_reorder"


def _needs_telia(facts: ReceiptFacts, details: dict[str, str | bool]) -> bool:
    """R9: a card without product number or with 5xx/6xx is also blocked with Telia."""
    if details.get("duty_telia") is True:
        return True
    try:
        return product_series(facts.product_number) is not ProductSeries.S7
    except InvalidProductNumberError:  # a product number the rules do not know: say it, to be safe
        return True


def next_steps(facts: ReceiptFacts) -> tuple[Notice, ...]:
    """What the holder can expect or must do after this receipt's action."""
    details = dict(facts.details)
    keys = NEXT_STEPS.get(facts.event_type, ())
    if facts.event_type == EventType.CARD_RETURNED and details.get("kept") is True:
        keys = ("receipt.next.kept",)
    due = details.get("deadline")
    reorder_from = details.get("reorder_from")
    if facts.event_type == EventType.ORDER_PLACED and isinstance(reorder_from, str):
        return tuple(
            Notice(f"{key}.due", {"due": reorder_from}) if key == REORDER_STEP else Notice(key)
            for key in keys
        )
    steps = [
        Notice(f"{key}.due", {"due": due})
        if key in DATED_STEPS and isinstance(due, str)
        # without a recorded deadline the step says "within three months"
        else Notice(key)
        for key in keys
    ]
    if facts.event_type == EventType.CARD_BLOCKED:
        duties = set()
        if _needs_telia(facts, details):
            duties.add(BlockDuty.TELIA_BLOCKING_LINE)
        if details.get("duty_police") is True:
            duties.add(BlockDuty.POLICE_REPORT)
        steps[1:1] = block_duty_notices(duties)
    return tuple(steps)


def office_title(facts: ReceiptFacts, office: OfficeConfig | None) -> str:
    """The office's name: the configured one, else the register's, else its id."""
    if office is not None and office.name.strip():
        return office.name.strip()
    return facts.office_name or facts.office_id


def office_contact_lines(
    facts: ReceiptFacts, text: Catalogue, office: OfficeConfig | None
) -> list[str]:
    """The office's name and the contact details the configuration has (R14)."""
    lines = [office_title(facts, office)]
    if office is None:
        return lines
    for name in ("address", "opening_hours", "phone", "email"):
        value = str(getattr(office, name)).strip()
        if value:
            lines.append(text(f"receipt.office.{name}", value=value))
    return lines


def contact_notices() -> tuple[Notice, ...]:
    """R14 for the holder's paper: the organisation's contact first, then the service desk.
    The paper goes with the holder, who may be on SLL-net, so the portal note is included."""
    return support_path(on_sll_net=True)


def contact_lines(facts: ReceiptFacts, text: Catalogue, office: OfficeConfig | None) -> list[str]:
    """Whom the holder contacts: this office, then R14's path."""
    lines = office_contact_lines(facts, text, office)
    lines.extend(text(notice.key, **notice.params) for notice in contact_notices())
    return lines
