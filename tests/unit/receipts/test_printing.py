"""Printing with ``lp`` and the folder fallback; a printer fault never undoes a transaction."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.config import ReceiptConfig
from kiosk.i18n import Catalogue
from kiosk.receipts.errors import ReceiptEventUnknownError
from kiosk.receipts.printing import deliver
from kiosk.receipts.service import ReceiptIssuer, issue_receipt
from kiosk.services.card import CardSession
from store.journal import Journal
from tests.support.world import OFFICE, World

PDF = b"%PDF-1.4 test receipt"


def _script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-lp"
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_no_printer_configured_saves_in_the_folder(tmp_path: Path) -> None:
    delivery = deliver(PDF, "r.pdf", printer="", folder=tmp_path / "out")
    assert not delivery.printed and delivery.problem is None
    assert delivery.path == tmp_path / "out" / "r.pdf"
    assert delivery.path.read_bytes() == PDF


def test_missing_lp_falls_back_to_the_folder(tmp_path: Path) -> None:
    delivery = deliver(
        PDF, "r.pdf", printer="Kvitto", folder=tmp_path / "out", lp_command="no-such-lp-here"
    )
    assert not delivery.printed
    assert delivery.path is not None and delivery.path.read_bytes() == PDF
    assert delivery.problem == "no-such-lp-here not found"


def test_failing_printer_falls_back_to_the_folder(tmp_path: Path) -> None:
    lp = _script(tmp_path, 'echo "lp: The printer or class does not exist." >&2; exit 1')
    delivery = deliver(PDF, "r.pdf", printer="Kvitto", folder=tmp_path / "out", lp_command=lp)
    assert not delivery.printed and delivery.path is not None
    assert delivery.problem is not None and "exit 1" in delivery.problem
    assert "does not exist" in delivery.problem


def test_hanging_printer_times_out_and_falls_back(tmp_path: Path) -> None:
    lp = _script(tmp_path, "sleep 5")
    delivery = deliver(
        PDF, "r.pdf", printer="Kvitto", folder=tmp_path / "out", lp_command=lp, timeout=0.3
    )
    assert not delivery.printed and delivery.path is not None
    assert delivery.problem is not None and "did not answer" in delivery.problem


def test_working_lp_prints_with_destination_and_the_pdf_on_stdin(tmp_path: Path) -> None:
    log = tmp_path / "lp.log"
    job = tmp_path / "job.pdf"
    lp = _script(tmp_path, f'echo "$@" > "{log}"; cat > "{job}"; echo "request id is Kvitto-1"')
    delivery = deliver(PDF, "r.pdf", printer="Kvitto", folder=tmp_path / "out", lp_command=lp)
    assert delivery.printed and delivery.path is None and delivery.problem is None
    assert log.read_text().split() == ["-d", "Kvitto", "-t", "r.pdf", "-"]
    assert job.read_bytes() == PDF
    assert not (tmp_path / "out").exists()


def test_unwritable_folder_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    delivery = deliver(PDF, "r.pdf", printer="", folder=blocker / "sub")
    assert not delivery.delivered and delivery.problem is not None


def test_printer_error_never_undoes_the_transaction(world: World, tmp_path: Path) -> None:
    world.add_card("SE3000000001")
    event = world.event("card.blocked", {"serial": "SE3000000001", "reason": "lost"})
    service = ReceiptIssuer(
        world.store,
        world.journal,
        office_id=OFFICE,
        config=ReceiptConfig(printer="Kvitto"),
        folder=tmp_path / "receipts",
        lp_command=_script(tmp_path, "exit 3"),
    )
    outcome = issue_receipt(service, event)
    assert outcome.delivery is not None and outcome.delivery.path is not None
    assert outcome.problem is not None and "exit 3" in outcome.problem
    assert outcome.describe(Catalogue("sv")).startswith("Utskriften misslyckades (")
    assert outcome.describe(Catalogue("en")).startswith("Printing failed (")
    with world.store.unit_of_work() as session:
        types = [e.event_type for e in world.journal.events(session)]
    assert types == ["card.blocked"]


def test_issue_receipt_never_raises(world: World, receipts: ReceiptIssuer) -> None:
    event = world.event("card.activated", {"serial": "NOT-IN-REGISTER"})
    outcome = issue_receipt(receipts, event)
    assert outcome.problem == "ReceiptCardUnknownError" and outcome.delivery is None


def test_signed_receipt_is_journalled_and_reprinted_identically(
    world: World, receipts: ReceiptIssuer, piv: CardSession
) -> None:
    world.add_card("SE3000000002")
    event = world.event("card.returned", {"serial": "SE3000000002", "kept": False})
    facts = receipts.facts_for_event(event)
    signature = receipts.sign(facts, piv, "123456")
    first = receipts.issue(facts, signature=signature)
    assert first.signed and first.problem is None
    assert first.delivery is not None and first.delivery.path is not None
    original = first.delivery.path.read_bytes()
    first.delivery.path.unlink()
    again = receipts.reprint(event.event_id)
    assert again.delivery is not None and again.delivery.path is not None
    assert again.delivery.path.read_bytes() == original
    with world.store.unit_of_work() as session:
        events = list(world.journal.events(session))
    assert [e.event_type for e in events] == ["card.returned", "receipt.signed"]
    assert events[1].payload["event_id"] == event.event_id
    assert events[1].operator == event.operator


def test_reprint_unknown_event_is_a_typed_error(receipts: ReceiptIssuer) -> None:
    with pytest.raises(ReceiptEventUnknownError) as caught:
        receipts.reprint("no-such-event")
    assert caught.value.params == {"event_id": "no-such-event"}


def test_journal_failure_while_recording_signature_still_delivers(
    world: World, tmp_path: Path, piv: CardSession
) -> None:
    world.add_card("SE3000000003")
    event = world.event("card.activated", {"serial": "SE3000000003"})

    class BrokenJournal(Journal):
        def append(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise OSError("disk full")

    service = ReceiptIssuer(
        world.store,
        BrokenJournal("k", world.store.keys, world.store.cipher, clock=world.clock),
        office_id=OFFICE,
        config=ReceiptConfig(),
        folder=tmp_path / "r",
    )
    facts = service.facts_for_event(event)
    outcome = service.issue(facts, signature=service.sign(facts, piv, "123456"))
    assert outcome.delivery is not None and outcome.delivery.path is not None
    assert outcome.problem == "signature not journalled: OSError"
    assert os.path.getsize(outcome.delivery.path) > 0


def test_issue_receipt_by_event_id_as_the_workflows_return_it(
    world: World, receipts: ReceiptIssuer
) -> None:
    world.add_card("SE3000000004")
    event = world.event("order.code_letter", {"serial": "SE3000000004", "order": "code_letter"})
    outcome = issue_receipt(receipts, event.event_id)
    assert outcome.problem is None and outcome.delivery is not None
    assert outcome.delivery.path is not None and outcome.delivery.path.exists()
    assert issue_receipt(receipts, "no-such-event").problem == "ReceiptEventUnknownError"
