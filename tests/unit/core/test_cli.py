"""The console script: every subcommand has a --help that says what it does."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from kiosk.cli import build_parser, main

REQUIRED = {"demo", "run", "audit", "bench"}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_the_foundation_subcommands_exist() -> None:
    assert set(_subcommands()) >= REQUIRED


def _help_lines() -> dict[str, str]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {choice.dest: choice.help or "" for choice in action._choices_actions}
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_each_subcommand_help_says_what_it_does(name: str) -> None:
    summary = _help_lines()[name]
    assert len(summary.split()) >= 3, f"{name}: one-line help missing or too short"
    text = _subcommands()[name].format_help()
    assert text.startswith("usage: kiosk " + name)


def test_top_level_help_lists_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for name in REQUIRED:
        assert name in result.stdout


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out
