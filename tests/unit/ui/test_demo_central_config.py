"""The demo's config with its embedded central: mutual TLS to loopback, files in the demo's
data directory, a sync interval short enough to watch a card being produced."""

from __future__ import annotations

from pathlib import Path

from kiosk.commands.demo import demo_config
from kiosk.demo_central import CentralFiles, EmbeddedCentral, with_central


def test_the_demo_syncs_with_its_central_over_mutual_tls(tmp_path: Path) -> None:
    config = demo_config(tmp_path, "sv")
    central = EmbeddedCentral(CentralFiles(tmp_path / "central"))
    linked = with_central(config, central)
    assert linked.central.url == f"https://localhost:{central.port}"
    assert not linked.central.insecure_no_client_auth
    for path in (linked.central.client_cert, linked.central.client_key, linked.central.ca_file):
        assert Path(path).parent == tmp_path / "central"
    assert linked.central.sync_interval_seconds <= 5
    assert central.files.log.parent == tmp_path / "central"  # the log: a file, not the terminal


def test_the_offline_demo_has_no_central(tmp_path: Path) -> None:
    assert demo_config(tmp_path, "sv").central.url == ""
