"""The receipt as the holder reads it: what was done, what happens now, whom to contact
(R14), in plain words, with the verification block small and last (both languages)."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clock import FixedClock
from kiosk.commands.demo import demo_config
from kiosk.config import OfficeConfig, ReceiptConfig, load_config
from kiosk.container import build_services
from kiosk.errors import ConfigError
from kiosk.i18n import Catalogue
from kiosk.receipts.facts import ReceiptFacts, receipt_digest
from kiosk.receipts.render import render_receipt
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardSession
from tests.support.world import CLERK, CLERK_NAME, NAME, OFFICE, OFFICE_NAME, World
from tests.unit.receipts.pdf_helpers import compact, pdf_text

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LANGS = ["sv", "en"]
# Whole words in the page text (compacted text would find "9C" in "18:56:49 Card holder").
ENGINEER_TERMS = re.compile(r"SHA-?256|\b9[AC]\b|kiosk receipt verify|\bdigest\b", re.I)
SOLNA = OfficeConfig(
    name="Kortkontoret Solna centrum",
    address="Solna torg 3, 171 45 Solna",
    opening_hours="mån-fre 9-16",
    phone="08-123 456 78",
    email="kortkontor.solna@example.se",
)

# workflow -> (event type, payload, product number, the "what happens now" keys in order)
WORKFLOWS: dict[str, tuple[str, dict[str, object], str | None, list[str]]] = {
    "activation": (
        "card.activated",
        {},
        "712",
        ["receipt.next.activated", "receipt.next.signing_certificate"],
    ),
    "unlock_in_person": (
        "card.unlocked_in_person",
        {"path": "in_person"},
        "712",
        ["receipt.next.unlocked", "receipt.next.three_wrong_pins"],
    ),
    "unlock_code_letter": (
        "card.unlocked_with_code_letter",
        {"path": "code_letter"},
        "612",
        ["receipt.next.unlocked", "receipt.next.three_wrong_pins"],
    ),
    "pin_change": (
        "card.pin_changed",
        {},
        "712",
        ["receipt.next.pin_changed", "receipt.next.three_wrong_pins"],
    ),
    "block_7xx": (
        "card.blocked",
        {"reason": "lost"},
        "712",
        ["receipt.next.blocked", "receipt.next.blocked_new_card"],
    ),
    "block_5xx_sis": (
        "card.blocked",
        {"reason": "stolen", "duties_confirmed": ["telia_blocking_line", "police_report"]},
        "512",
        [
            "receipt.next.blocked",
            "notice.r9.telia",
            "notice.r9.police",
            "receipt.next.blocked_new_card",
        ],
    ),
    "return": ("card.returned", {"state": "returned"}, "712", ["receipt.next.returned"]),
    "return_kept": (
        "card.return_kept",
        {"reason": "nytt uppdrag i regionen"},
        "712",
        ["receipt.next.kept"],
    ),
    "return_due": (
        "card.return_due",
        {"kind": "return", "due": "2027-03-01"},
        "712",
        ["receipt.next.return_due.due"],
    ),
    "name_change": (
        "card.name_change_recorded",
        {"kind": "name_change", "due": "2027-02-28"},
        "712",
        ["receipt.next.name_change.due"],
    ),
    "undelivered": (
        "card.reordered",
        {"replaced_by": "SE99", "reason": "undelivered"},
        "712",
        [
            "receipt.next.new_card_by_post",
            "receipt.next.no_new_photo",
            "receipt.next.activate_new_card",
        ],
    ),
    "reorder": (
        "order.replacement_card",
        {},
        "712",
        ["receipt.next.new_card_by_post", "receipt.next.activate_new_card"],
    ),
    "code_letter_order": (
        "order.code_letter",
        {"order": "code_letter"},
        "612",
        ["receipt.next.code_letter"],
    ),
    "puk_order": ("order.puk_letter", {"order": "puk_letter"}, "712", ["receipt.next.puk_letter"]),
}


def _facts(
    world: World,
    receipts: ReceiptIssuer,
    event_type: str,
    payload: dict[str, object],
    product_number: str | None,
) -> ReceiptFacts:
    world.add_card("SE1000000001", product_number=product_number)
    event = world.event(event_type, {"serial": "SE1000000001", **payload})
    return receipts.facts_for_event(event)


def _step(text: Catalogue, key: str, payload: dict[str, object]) -> str:
    if key == "notice.r9.telia":
        return text(key, phone="020-32 32 62")
    return text(key, due=str(payload["due"])) if key.endswith(".due") else text(key)


def _holder_part(flat: str, text: Catalogue) -> str:
    """The page's text before the verification block (``flat``: compacted or not)."""
    heading = text("receipt.section.check")
    if heading not in flat:
        heading = compact(heading)
    assert heading in flat
    return flat[: flat.index(heading)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_r14_each_workflow_receipt_says_what_was_done_what_happens_now_and_whom_to_contact(
    world: World, receipts: ReceiptIssuer, workflow: str, lang: str
) -> None:
    event_type, payload, product_number, next_keys = WORKFLOWS[workflow]
    facts = _facts(world, receipts, event_type, payload, product_number)
    text = Catalogue(lang)
    flat = compact(pdf_text(render_receipt(facts, lang=lang, office=SOLNA)))
    holder = _holder_part(flat, text)
    sections = [text("receipt.section.done"), text("receipt.section.next"), text("receipt.contact")]
    positions = [holder.index(compact(heading)) for heading in sections]
    assert positions == sorted(positions), sections  # done, then next, then contact
    done, after_done = positions[0], positions[1]
    assert compact(text(f"receipt.action.{event_type}")) in holder[done:after_done]
    place = positions[1]
    for key in next_keys:  # each step, in order, inside "what happens now"
        step = compact(_step(text, key, payload))
        assert step in holder[place : positions[2]], key
        place = holder.index(step, place)
    contact = holder[positions[2] :]
    for line in (
        SOLNA.name,
        text("receipt.office.address", value=SOLNA.address),
        text("receipt.office.opening_hours", value=SOLNA.opening_hours),
        text("receipt.office.phone", value=SOLNA.phone),
        text("receipt.office.email", value=SOLNA.email),
        text("notice.r14.contact"),
        text("notice.r14.service_desk"),
    ):
        assert compact(line) in contact, line
    assert compact(CLERK_NAME) in holder and compact(NAME) in holder
    assert compact(world.now.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")) in holder
    assert "121212-XXXX" in holder


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_holders_part_has_no_engineer_terms(
    world: World, receipts: ReceiptIssuer, workflow: str, lang: str
) -> None:
    event_type, payload, product_number, _ = WORKFLOWS[workflow]
    facts = _facts(world, receipts, event_type, payload, product_number)
    text = Catalogue(lang)
    page = pdf_text(render_receipt(facts, lang=lang))
    holder = _holder_part(page, text)
    assert not ENGINEER_TERMS.findall(holder), ENGINEER_TERMS.findall(holder)
    for term in ("SHA-256", "kiosk receipt verify", "receipt verify"):
        assert compact(term) not in compact(page), term  # not in the verification block either
    assert receipt_digest(facts) not in compact(holder)  # the check code: in the small block


@pytest.mark.parametrize("lang", LANGS)
def test_signed_receipt_names_no_key_slot(
    world: World, receipts: ReceiptIssuer, piv: CardSession, lang: str
) -> None:
    facts = _facts(world, receipts, "card.activated", {}, "712")
    signature = receipts.sign(facts, piv, "123456")
    text = Catalogue(lang)
    page = pdf_text(render_receipt(facts, lang=lang, signature=signature))
    holder = _holder_part(page, text)
    assert compact(text(f"receipt.signature.slot_{signature.slot.lower()}")) in compact(holder)
    assert not ENGINEER_TERMS.findall(holder), ENGINEER_TERMS.findall(holder)
    check = compact(page[len(holder) :])
    assert signature.fingerprint in check and receipt_digest(facts) in check
    assert facts.event_id in check


def test_r14_office_contact_comes_from_the_issuers_configuration(
    world: World, tmp_path: Path
) -> None:
    issuer = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(folder=str(tmp_path), printer=""),
        folder=tmp_path,
        office=OfficeConfig(phone="08-555 000 00", opening_hours="tis 10-12"),
    )
    facts = _facts(world, issuer, "card.pin_changed", {}, "712")
    flat = compact(pdf_text(issuer.render(facts)))
    assert compact(OFFICE_NAME) in flat  # no configured name: the register's
    assert compact("Telefon: 08-555 000 00") in flat and compact("Öppettider: tis 10-12") in flat
    assert compact("Adress:") not in flat and compact("E-post:") not in flat  # none configured
    assert CLERK in flat  # the operator's HSA-id, in the verification block


def test_office_contact_is_read_from_the_configuration_file(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[kiosk.office]\nname = "Kortkontoret Solna"\nphone = "08-123 456 78"\n', encoding="utf-8"
    )
    office = load_config(path).office
    assert office == OfficeConfig(name="Kortkontoret Solna", phone="08-123 456 78")
    path.write_text('[kiosk.office]\nfax = "08-1"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.params["key_name"] == "office.fax"


def test_r14_the_counters_receipts_carry_the_configured_office_contact(
    tmp_path: Path, clock: FixedClock
) -> None:
    config = demo_config(tmp_path / "kiosk", "sv")
    assert config.office.phone and config.office.address  # the demo shows some
    services = build_services(config, clock=clock)
    try:
        assert services.receipts is not None
        assert services.receipts.service.office == config.office
    finally:
        services.close()
