"""Ports for tests, free of the race in "bind port 0, close the socket, pass the number on": between the close and
the use another program (a Ray worker, a server of a test running beside) may take the port.

A server the test starts itself binds port 0 and reports the port it got (``LiveServer(port=0)``, ``ray start --head
--port 0``, a ``TCPStore`` on port 0); :func:`refusing_port` is for a port where nothing may listen.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def refusing_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A TCP port of ``host`` that refuses connections for as long as the block runs: it stays bound by a socket that
    does not listen, so a connection gets "Connection refused" and no other program can bind (and listen on) it."""
    with socket.socket() as held:
        held.bind((host, 0))
        yield held.getsockname()[1]
