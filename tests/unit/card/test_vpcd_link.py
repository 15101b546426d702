"""The virtual card's link to vpcd: never a socket connected to itself."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from devices.virtual import vpcd
from devices.virtual.factory import CardFactory


def _self_connected() -> socket.socket:
    """What the kernel can hand out when nothing listens on a port in the ephemeral range:
    a socket whose local and remote ends are the same (TCP simultaneous open)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.connect(sock.getsockname())
    return sock


def test_a_socket_connected_to_itself_is_dropped_and_the_link_retried(
    factory: CardFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    handed_out: list[socket.socket] = []
    real_connect = socket.create_connection

    def connect(address: Any, timeout: float = 1.0) -> socket.socket:
        sock = _self_connected() if not handed_out else real_connect(address, timeout)
        handed_out.append(sock)
        return sock

    monkeypatch.setattr(socket, "create_connection", connect)
    card = vpcd.VpcdCard(factory.personalise().card, reader=0, port=port)
    try:
        linked = card._connect()
        assert linked is not None
        assert linked.getpeername() == ("127.0.0.1", port)
        assert handed_out[0].fileno() == -1  # the self-connected one was closed
        assert len(handed_out) == 2
    finally:
        card._stop.set()
        for sock in handed_out:
            sock.close()
        listener.close()
