"""tests/ports.py's refusing_port: nothing answers on it, and nothing else can take it while a test uses it (a port
picked by binding port 0 and closing the socket at once could be taken by another program before the test used it)."""

from __future__ import annotations

import socket

import pytest

from tests.ports import refusing_port


def test_a_connection_to_the_port_is_refused():
    with refusing_port() as port, pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_no_other_socket_can_listen_on_the_port_while_it_is_used(host):
    with refusing_port() as port, socket.socket() as other, pytest.raises(OSError, match="in use"):
        other.bind((host, port))
