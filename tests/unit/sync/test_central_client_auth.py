"""Without client authentication (no client CA) the central does not start, on loopback
too, unless ``--insecure-no-client-auth`` says so; the kiosk's ``kiosk sync`` refuses an
``http://`` central the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.errors import CentralConfigError
from central.fields import CentralCipher
from central.server import TlsSettings, build_server
from clock import FixedClock
from kiosk.cli import main
from tests.support.pgserver import free_port


def _central(tmp_path: Path, *extra: str) -> list[str]:
    return [
        *("central", "--db", f"sqlite:///{tmp_path / 'central.sqlite3'}"),
        *("--field-key", str(tmp_path / "central.key")),
        *("--listen", f"127.0.0.1:{free_port()}"),
        *extra,
    ]


@pytest.mark.parametrize(
    "tls",
    [
        (),
        ("--tls-cert", "server.pem", "--tls-key", "server.key"),
    ],
    ids=["plain-http", "tls-without-client-ca"],
)
def test_the_central_without_client_authentication_refuses_to_start_on_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tls: tuple[str, ...]
) -> None:
    assert main(_central(tmp_path, *tls)) == 1
    error = capsys.readouterr().err
    assert "--insecure-no-client-auth" in error and "--tls-ca" in error
    assert error.count("\n") == 1, error
    assert not (tmp_path / "central.key").exists(), "refused before anything is set up"
    assert not (tmp_path / "central.sqlite3").exists()


def test_the_insecure_option_contradicts_a_client_ca(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tls = ("--tls-cert", "s.pem", "--tls-key", "s.key", "--tls-ca", "ca.pem")
    assert main(_central(tmp_path, *tls, "--insecure-no-client-auth")) == 1
    assert "contradicts --tls-ca" in capsys.readouterr().err


def test_build_server_refuses_without_client_authentication(
    tmp_path: Path, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    for tls in (None, TlsSettings(cert="s.pem", key="s.key")):
        with pytest.raises(CentralConfigError):
            build_server(url, "127.0.0.1", 1, cipher=CentralCipher.generate(), clock=clock, tls=tls)
    assert not (tmp_path / "central.sqlite3").exists()


def test_kiosk_sync_refuses_an_http_central_without_the_insecure_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["sync", "--data", str(tmp_path), "--central", "http://127.0.0.1:9", "--lang", "en"]
    assert main(command) == 1
    error = capsys.readouterr().err
    assert "http://" in error and "insecure" in error
    assert not any(tmp_path.iterdir()), "refused before the store is opened"
