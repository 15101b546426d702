"""The commands: ``kiosk receipt verify|reprint`` and ``kiosk report day`` (exit codes, files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from devices.virtual.pki import TestPki
from devices.virtual.pki_files import cert_pem
from kiosk.cli import main
from kiosk.receipts.service import ReceiptIssuer
from kiosk.services.card import CardSession
from tests.support.world import World
from tests.unit.receipts.pdf_helpers import pdf_text


def _config(tmp_path: Path, printer: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'office_id = "KK-SOLNA"\nkiosk_id = "kiosk-solna-1"\nlanguage = "en"\n'
        f'[receipts]\nfolder = "{tmp_path / "out"}"\nprinter = "{printer}"\n',
        encoding="utf-8",
    )
    return path


def _signed_receipt(world: World, receipts: ReceiptIssuer, piv: CardSession) -> tuple[str, Path]:
    world.add_card("SE5000000001")
    event = world.event("card.activated", {"serial": "SE5000000001"})
    facts = receipts.facts_for_event(event)
    outcome = receipts.issue(facts, signature=receipts.sign(facts, piv, "123456"))
    assert outcome.delivery is not None and outcome.delivery.path is not None
    return event.event_id, outcome.delivery.path


def test_verify_genuine_exit_0(
    world: World,
    receipts: ReceiptIssuer,
    piv: CardSession,
    pki: TestPki,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, pdf = _signed_receipt(world, receipts, piv)
    trust = world.data_dir / "trust" / "siths.pem"  # the kiosk's own trust folder
    trust.parent.mkdir()
    trust.write_bytes(b"".join(cert_pem(c) for c in pki.trust_anchors))
    config = _config(tmp_path)
    code = main(
        ["receipt", "verify", str(pdf), "--config", str(config), "--data", str(world.data_dir)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "The card holder's signature is valid (key 9C)." in out
    assert "chains to the trusted issuers" in out
    assert out.strip().endswith("The receipt is genuine and matches the journal.")


def test_verify_tampered_exit_1_in_swedish(
    world: World,
    receipts: ReceiptIssuer,
    piv: CardSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, pdf = _signed_receipt(world, receipts, piv)
    data = pdf.read_bytes()
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(data.replace(b"(SE5000000001) Tj", b"(SE5000000002) Tj"))
    code = main(
        [
            "receipt",
            "verify",
            str(tampered),
            "--config",
            str(_config(tmp_path)),
            "--data",
            str(world.data_dir),
            "--lang",
            "sv",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "FEL   Den tryckta texten saknar eller ändrar uppgifter: card_serial." in out
    assert out.strip().endswith("Kvittot kunde inte bekräftas.")


def test_verify_unreadable_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "receipt",
            "verify",
            str(tmp_path / "missing.pdf"),
            "--data",
            str(tmp_path),
            "--lang",
            "en",
        ]
    )
    assert code == 1
    assert "cannot be read as a PDF" in capsys.readouterr().err


def test_reprint_to_the_folder_and_to_a_file(
    world: World,
    receipts: ReceiptIssuer,
    piv: CardSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event_id, original = _signed_receipt(world, receipts, piv)
    config = _config(tmp_path)
    base = ["--config", str(config), "--data", str(world.data_dir)]
    assert main(["receipt", "reprint", event_id, *base]) == 0
    out = capsys.readouterr().out
    assert "The receipt was saved in" in out
    reprinted = list((tmp_path / "out").glob("*.pdf"))
    assert len(reprinted) == 1
    # reprint carries the journalled signature: the same bytes as the original (same lang)
    assert (
        main(
            [
                "receipt",
                "reprint",
                event_id,
                *base,
                "--lang",
                "sv",
                "--out",
                str(tmp_path / "copy.pdf"),
            ]
        )
        == 0
    )
    assert (tmp_path / "copy.pdf").read_bytes() == original.read_bytes()
    assert main(["receipt", "reprint", "no-such-event", *base]) == 1
    assert "There is no event no-such-event in the journal." in capsys.readouterr().err


def test_reprint_with_failing_printer_falls_back(
    world: World,
    receipts: ReceiptIssuer,
    piv: CardSession,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event_id, _ = _signed_receipt(world, receipts, piv)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no lp anywhere
    config = _config(tmp_path, printer="Kvittoskrivare")
    assert (
        main(
            ["receipt", "reprint", event_id, "--config", str(config), "--data", str(world.data_dir)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Printing failed (lp not found); the receipt was saved in")


def test_report_day_writes_a_pdf(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The block journalled today (the world's clock) is in the report of that day."""
    world.add_card("SE5000000009")
    world.event("card.blocked", {"serial": "SE5000000009", "reason": "lost"})
    out = tmp_path / "day.pdf"
    code = main(
        [
            "report",
            "day",
            "--date",
            world.today.isoformat(),
            "--out",
            str(out),
            "--config",
            str(_config(tmp_path)),
            "--data",
            str(world.data_dir),
        ]
    )
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert f"The day report was written to {out}." in capsys.readouterr().out
    assert "SE5000000009" in pdf_text(out.read_bytes())


def test_report_day_refuses_a_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "day", "--date", "28/11", "--data", str(tmp_path)]
    assert main([*args, "--lang", "en"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_report_day_errors_are_swedish_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "day", "--date", "28/11", "--data", str(tmp_path)]) == 1
    assert "Datumet 28/11 ska skrivas ÅÅÅÅ-MM-DD." in capsys.readouterr().err


def test_verify_with_foreign_trust_anchors_exit_1(
    world: World,
    receipts: ReceiptIssuer,
    piv: CardSession,
    now: dt.datetime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, pdf = _signed_receipt(world, receipts, piv)
    foreign = tmp_path / "foreign.pem"
    foreign.write_bytes(b"".join(cert_pem(c) for c in TestPki.create(now=now).trust_anchors))
    code = main(
        [
            "receipt",
            "verify",
            str(pdf),
            "--data",
            str(world.data_dir),
            "--trust",
            str(foreign),
            "--config",
            str(_config(tmp_path)),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  The certificate is not accepted: untrusted." in out
