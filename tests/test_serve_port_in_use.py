"""`mvae serve` on a port another program holds: both the HTTP and the OSC port's errors say what to pass instead
(the OSC one said only 'Address already in use')."""

from __future__ import annotations

import socket

import pytest

from mvae_core.serve.server import LiveServer, ServeError


def test_an_osc_port_in_use_says_to_pass_another(tiny_run):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        message = (
            f"^--osc-port {port}: cannot listen on 127.0.0.1 (.*); another program listens on it: pass another "
            r"--osc-port \(0 picks a free one, printed at start\)$"
        )
        with pytest.raises(ServeError, match=message):
            LiveServer(tiny_run, port=0, osc_port=port)
