"""The virtual scanner's link: an unplugged scanner takes it away (as udev does with a
``/dev/serial/by-id`` link), so the kiosk never opens a pty number the system gave to
another terminal meanwhile; a link that a newer scanner re-pointed stays."""

from __future__ import annotations

import os
from pathlib import Path

from devices.virtual.scanner import VirtualScanner


def test_unplug_removes_the_link_to_its_pty(tmp_path: Path) -> None:
    link = tmp_path / "scanner"
    scanner = VirtualScanner.open("crlf", link=link)
    assert os.readlink(link) == scanner.device_path
    scanner.unplug()
    assert not link.is_symlink()
    scanner.unplug()  # twice: nothing left to remove, no error


def test_an_old_scanner_leaves_the_link_a_new_one_re_pointed(tmp_path: Path) -> None:
    link = tmp_path / "scanner"
    old = VirtualScanner.open("crlf", link=link)
    new = VirtualScanner.open("crlf", link=link)
    try:
        old.close()
        assert os.readlink(link) == new.device_path
    finally:
        new.close()
    assert not link.is_symlink()
