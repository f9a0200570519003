"""One address cannot hold more than CONNECTIONS_PER_CLIENT connections of `mvae serve` at once: a client opening
hundreds (a patch in a loop, a script trickling bytes into each) took the server's sockets from the rest of the room.
Its further connections are closed as they open, logged once; once it closes some, it is served again."""

from __future__ import annotations

import contextlib
import logging
import socket

import httpx
import pytest

from mvae_core.serve import server as server_module
from mvae_core.serve.server import LiveServer

CAP = 4  # mvae serve allows CONNECTIONS_PER_CLIENT


@pytest.fixture(scope="module")
def live(tiny_run):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server_module, "CONNECTIONS_PER_CLIENT", CAP)
        with LiveServer(tiny_run, port=0) as live:
            yield live


def _closed_by_server(sock: socket.socket) -> bool:
    """The server hung up on ``sock`` (it reads end of file within 5 s of a request)."""
    sock.settimeout(5)
    with contextlib.suppress(ConnectionError):
        sock.sendall(b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    try:
        return sock.recv(65536) == b""
    except ConnectionError:
        return True


def test_connections_past_the_cap_are_closed_and_logged_once_then_the_client_is_served_again(live):
    port = int(live.url.rstrip("/").rsplit(":", 1)[1])
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logging.getLogger("uvicorn.error").addHandler(handler)
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(CAP)]
    try:
        extra = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        assert [_closed_by_server(sock) for sock in extra] == [True, True, True]
        assert not _closed_by_server(held[0])  # the ones within the cap are answered
        for sock in extra:
            sock.close()
    finally:
        logging.getLogger("uvicorn.error").removeHandler(handler)
        for sock in held:
            sock.close()
    assert lines == [
        f"127.0.0.1 has {CAP} connections open; its further ones are closed as they open, until it closes some"
        " (shown once: mvae serve answers its repeats without a word here)"
    ]
    assert httpx.get(live.url + "api/info", timeout=10).status_code == 200  # served again once it closed them
