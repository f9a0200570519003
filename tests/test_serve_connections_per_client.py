"""One address cannot hold more than CONNECTIONS_PER_CLIENT connections of `mvae serve` at once: a client opening
hundreds (a patch in a loop, a script trickling bytes into each) took the server's sockets from the rest of the room.
Its further connections are answered a 503 naming the rule as they open, and closed (it was a bare reset: the client
had no hint of the rule); each address is logged once. Once it closes some, it is served again."""

from __future__ import annotations

import contextlib
import json
import logging
import socket

import httpx
import pytest

from mvae_core.serve import server as server_module
from mvae_core.serve.app import SERVED_HEADER
from mvae_core.serve.server import LiveServer

CAP = 4  # mvae serve allows CONNECTIONS_PER_CLIENT


@pytest.fixture(scope="module")
def live(tiny_run):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server_module, "CONNECTIONS_PER_CLIENT", CAP)
        with LiveServer(tiny_run, port=0) as live:
            yield live


def _answer(sock: socket.socket) -> bytes:
    """What the server answers a request on ``sock`` until it hangs up (or the 5 s ``sock`` waits for a byte)."""
    sock.settimeout(5)
    with contextlib.suppress(ConnectionError):
        sock.sendall(b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    answer = b""
    with contextlib.suppress(TimeoutError):
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def _connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def _refusal(answer: bytes) -> tuple[str, dict[str, str], dict[str, str]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    return status, dict(line.lower().split(": ", 1) for line in lines), json.loads(body)


def test_connections_past_the_cap_are_answered_and_closed_then_the_client_is_served_again(live, caplog):
    port = int(live.url.rstrip("/").rsplit(":", 1)[1])
    caplog.set_level(logging.WARNING, logger="mvae_core.serve.server")
    held = [_connect(port) for _ in range(CAP)]
    try:
        extra = [_connect(port) for _ in range(3)]
        answers = [_answer(sock) for sock in extra]
        assert _answer(held[0]).startswith(b"HTTP/1.1 200 OK")  # the ones within the cap are answered
        for sock in extra:
            sock.close()
    finally:
        for sock in held:
            sock.close()
    said = (
        f"127.0.0.1 has {CAP} connections open to mvae serve, the most one address may hold; close some (a patch "
        "opening one per request?)"
    )
    status, headers, body = _refusal(answers[0])
    assert status == "HTTP/1.1 503 Service Unavailable" and body == {"error": f"{said}, then ask again"}
    assert headers["connection"] == "close" and headers[SERVED_HEADER.lower()] == live.engine.served
    assert answers == [answers[0]] * 3
    assert [r.getMessage() for r in caplog.records] == [f"warning: {said}; its further ones are refused until it does"]
    assert httpx.get(live.url + "api/info", timeout=10).status_code == 200  # served again once it closed them


def test_each_address_past_the_cap_is_logged_once(live, caplog):
    """It was logged once per server life (once per line of code), so a second address later in the show was not
    named at all. Connections from 127.0.0.2 (on Linux, all of 127/8 is this machine) are another address."""
    port = int(live.url.rstrip("/").rsplit(":", 1)[1])
    try:
        other = [_connect(port, "127.0.0.2")]
    except OSError:
        pytest.skip("127.0.0.2 is not an address of this machine")
    caplog.set_level(logging.WARNING, logger="mvae_core.serve.server")
    try:
        other += [_connect(port, "127.0.0.2") for _ in range(CAP)]
        assert _refusal(_answer(other[-1]))[0] == "HTTP/1.1 503 Service Unavailable"
        assert _refusal(_answer(_connect(port, "127.0.0.2")))[0] == "HTTP/1.1 503 Service Unavailable"
    finally:
        for sock in other:
            sock.close()
    assert [r.getMessage().split(" has ")[0] for r in caplog.records] == ["warning: 127.0.0.2"]
