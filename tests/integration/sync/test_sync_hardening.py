"""One bad event or row does not stop sync, against a real central process (uvicorn on
PostgreSQL and on SQLite) and real kiosk stores."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from central.service import CentralService
from kiosk.services.workflows.rejected import QUARANTINED_REASON_KEY, RejectedEvents
from tests.support.sync_world import OFFICE, CentralProcess, Kiosk, assert_converged, seed_cards

pytestmark = pytest.mark.integration


def test_a_malformed_event_is_rejected_and_another_kiosk_of_the_office_keeps_syncing(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """The red-team case: an ordinary card.ordered whose photo_date is "not-a-date"."""
    serials = seed_cards(central_service, 2)
    solna_1, solna_2 = kiosk_factory("kiosk-solna-1"), kiosk_factory("kiosk-solna-2")
    ordered = {
        "serial": "SN-NEW-1",
        "holder_id": "H00000000",
        "replaces": serials[0],
        "photo_date": "not-a-date",
        "photo_office_id": OFFICE,
        "state": "ordered",
    }
    solna_1.append("card.ordered", ordered, as_given=True)
    # a kiosk newer than its central: a type the central does not know is rejected alike
    solna_1.append("card.reprinted", {"serial": serials[1]}, as_given=True)
    solna_1.append("card.activated", {"serial": serials[1]})
    report = solna_1.client(central.url).run_round()
    assert report.online and report.accepted == 1 and report.rejected == 2, report
    assert solna_1.reasons() == {1: "malformed payload", 2: "malformed payload"}
    assert central_service.card_state("SN-NEW-1") is None  # never applied
    assert central_service.card_state(serials[1]) == "active"  # the chain went on
    # the kiosk shows the rejection in the catalogue's words
    lines = RejectedEvents(solna_1.client(central.url), solna_1.store).lines()
    assert {line.reason_key for line in lines} == {"ui.rejected.reason.malformed_payload"}

    solna_2.append("card.blocked", {"serial": serials[0], "reason": "lost"})
    report = solna_2.client(central.url).run_round()
    assert report.online and report.accepted == 1 and report.quarantined == 0, report
    assert solna_2.card_state(serials[1]) == "active"
    assert central_service.card_state(serials[0]) == "blocked"
    assert_converged(central_service, solna_1, solna_2)


def test_a_pulled_row_the_kiosk_cannot_apply_is_quarantined_and_the_cursor_moves_on(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """A row written into the central's database by another way than a kiosk's push
    (here a card whose photo_date is no date): the kiosk sets it aside, shows it, applies
    everything else and pulls on past it."""
    serials = seed_cards(central_service, 3)
    central_service.put_cards(
        [
            {
                "serial": "SN-BAD-1",
                "office_id": OFFICE,
                "holder_id": "H00000001",
                "product_number": "511",
                "state": "shipped",
                "data": {"photo_date": "not-a-date", "shipment_method": "a_post"},
            }
        ]
    )
    kiosk = kiosk_factory("kiosk-solna-1")
    client = kiosk.client(central.url)
    report = client.run_round()
    assert report.online and report.quarantined == 1, report
    assert [kiosk.card_state(s) for s in serials] == ["shipped"] * 3
    assert kiosk.card_state("SN-BAD-1") is None
    (line,) = RejectedEvents(client, kiosk.store).lines()
    assert (line.event_type, line.serial, line.reason_key) == (
        "pull.card",
        "SN-BAD-1",
        QUARANTINED_REASON_KEY,
    )
    assert line.reason == "card field photo_date is not a date"
    # the cursor moved on: the next round does not meet the row again, later changes come
    central_service.block_card(serials[0])
    later = client.run_round()
    assert later.online and later.quarantined == 0 and later.cursor > report.cursor
    assert kiosk.card_state(serials[0]) == "blocked"
    assert len(client.quarantined_changes()) == 1


def test_events_marked_answered_but_missing_at_the_central_are_resent(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """The red-team case: three pending blocks set to 'accepted' in the unsigned local
    sync_status. The kiosk asks the central what it holds and resends what it lacks,
    without waiting for a gap to reveal it."""
    serials = seed_cards(central_service, 4)
    kiosk = kiosk_factory("kiosk-solna-1")
    kiosk.append("card.activated", {"serial": serials[3]})
    client = kiosk.client(central.url)
    assert client.run_round().accepted == 1
    blocks = [kiosk.append("card.blocked", {"serial": s, "reason": "lost"}) for s in serials[:3]]
    with kiosk.store.unit_of_work() as session:
        for block in blocks:
            kiosk.journal.mark(session, block.event_id, "accepted")
    assert kiosk.sync_statuses() == {"accepted": 4}
    report = client.run_round()
    assert report.online and report.resent == 3 and report.accepted == 3, report
    assert [central_service.card_state(s) for s in serials[:3]] == ["blocked"] * 3
    assert client.run_round().resent == 0  # the central holds them all now
    assert_converged(central_service, kiosk)


def test_overlong_identifiers_are_rejected_as_malformed_not_a_server_error(
    central: CentralProcess, central_service: CentralService, kiosk_factory: Callable[..., Kiosk]
) -> None:
    """A serial longer than the central's column (64) is answered like any bad payload,
    on PostgreSQL too (where the column length would fail the insert), and the chain
    goes on."""
    serials = seed_cards(central_service, 1)
    kiosk = kiosk_factory("kiosk-solna-1")
    kiosk.append("card.blocked", {"serial": "S" * 65, "reason": "lost"}, as_given=True)
    kiosk.append("card.activated", {"serial": serials[0]})
    report = kiosk.client(central.url).run_round()
    assert report.online and report.accepted == 1 and report.rejected == 1, report
    assert kiosk.reasons() == {1: "malformed payload"}
    assert central_service.card_state(serials[0]) == "active"
