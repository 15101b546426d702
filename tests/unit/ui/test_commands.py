"""``kiosk demo`` and ``kiosk run``: help texts and configuration refusals (no app start)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import build_parser, main
from kiosk.commands.demo import demo_config


def test_demo_and_run_are_subcommands_with_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for command in ("demo", "run"):
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([command, "--help"])
        assert exit_info.value.code == 0
        assert "kiosk" in capsys.readouterr().out


def test_demo_config_is_virtual_and_uses_the_data_dir(tmp_path: Path) -> None:
    config = demo_config(tmp_path, "en")
    assert config.readers.virtual and config.scanner.port == "virtual"
    assert config.language == "en" and config.data_dir == tmp_path.resolve()


def test_run_with_a_bad_config_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text('idle_timeout_seconds = "soon"\n', encoding="utf-8")
    assert main(["run", "--config", str(bad)]) == 1
    assert "idle_timeout_seconds" in capsys.readouterr().err


def test_run_with_a_missing_config_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--config", str(tmp_path / "none.toml")]) == 1
    assert "none.toml" in capsys.readouterr().err
