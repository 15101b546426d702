"""Rejected events for the clerk: the sync client's list, with card and time from the
journal and the central's reason mapped to catalogue texts."""

from __future__ import annotations

from kiosk.domain.types import BlockReason
from kiosk.i18n import LANGUAGES, Catalogue
from kiosk.services.workflows.blocking import BlockForm, BlockingService
from kiosk.services.workflows.rejected import (
    OTHER_REASON_KEY,
    REASON_KEYS,
    RejectedEvents,
    reason_key,
)
from protocol.event_format import format_timestamp
from screens.rejected import line_text
from store.sync import SyncClient, mark_many
from tests.support.world import World, operator


def _client(world: World) -> SyncClient:
    return SyncClient(store=world.store, journal=world.journal, transport=None)  # type: ignore[arg-type]


def test_rejected_lines_name_card_time_and_reason(world: World) -> None:
    world.card(world.spec("J1", state="active", product_number="711"))
    world.card(world.spec("J2", state="active", product_number="711"))
    blocking = BlockingService(world.services)
    first = blocking.block(operator(), BlockForm("J1", BlockReason.LOST))
    second = blocking.block(operator(), BlockForm("J2", BlockReason.STOLEN))
    rejected = RejectedEvents(_client(world), world.store)
    assert rejected.lines() == ()
    with world.store.unit_of_work() as session:
        mark_many(
            session,
            [
                ("rejected", "card blocked", first.event_id),
                ("rejected", "invalid: bad signature", second.event_id),
            ],
        )
    lines = rejected.lines()
    assert [(x.event_id, x.serial, x.reason_key) for x in lines] == [
        (second.event_id, "J2", "ui.rejected.reason.bad_signature"),
        (first.event_id, "J1", "ui.rejected.reason.card_blocked"),
    ]
    assert all(x.occurred_at == format_timestamp(world.now) for x in lines)  # the clock's
    sv = Catalogue("sv")
    text = line_text(sv, lines[1])
    assert sv("ui.rejected.reason.card_blocked") in text and "J1" in text


def test_unknown_reasons_are_shown_as_the_central_said_them() -> None:
    assert reason_key("something new") == OTHER_REASON_KEY
    assert reason_key("Operator lacks role") == "ui.rejected.reason.role"


def test_every_reason_has_a_text_in_both_languages() -> None:
    for lang in LANGUAGES:
        catalogue = Catalogue(lang)
        for key in (*REASON_KEYS.values(), OTHER_REASON_KEY):
            assert catalogue.has(key), (lang, key)
