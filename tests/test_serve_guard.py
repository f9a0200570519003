"""Who may make `mvae serve` act. With `--host 0.0.0.0` (phones in a room) it answers only requests sent to a name
of this machine: a web page of another name that its owner points at this machine (DNS rebinding) is refused, as on
loopback, and logged once. A page the server refuses is told an option that lets it in."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest
from starlette.datastructures import Headers

from mvae_core.serve.app import create_app
from mvae_core.serve.engine import Engine, TrainingPoints
from mvae_core.serve.guard import OriginGuard, machine_names


def _guard() -> OriginGuard:
    return OriginGuard(app=None, allow_origins=(), local_only=False, names=machine_names("0.0.0.0"))


@pytest.mark.parametrize(
    "host",
    [
        "192.168.1.23:8000",  # the address the server prints for phones
        "[fe80::1]:8000",
        "127.0.0.1:8000",
        "LOCALHOST:8000",
        f"{socket.gethostname()}:8000",
        "studio-laptop.local:8000",  # mDNS: only the room's network answers for it
        "192.168.1.23",
    ],
)
def test_a_server_on_every_network_answers_its_addresses_and_names(host):
    assert _guard().refusal(Headers({"host": host, "origin": f"http://{host}"})) is None


@pytest.mark.parametrize("host", ["rebind.example:8000", "rebind.example", "", "[::1:8000"])
def test_a_server_on_every_network_refuses_a_page_of_another_name(host):
    """The page of rebind.example, pointed at this machine, is the server's own origin to the browser (Origin and
    Host agree): it could read /api/info and drive MIDI out. Served before on every address but loopback."""
    problem = _guard().refusal(Headers({"host": host, "origin": f"http://{host}"}))
    assert problem is not None and problem.startswith(f"Host {host!r}: this server answers requests to this machine's")


def test_the_name_given_as_host_is_one_of_this_machines():
    assert {"studio.lan", socket.gethostname().lower()} <= machine_names("Studio.lan")
    assert "0.0.0.0" not in machine_names("0.0.0.0")


def test_a_rebinding_page_gets_a_403_and_the_technician_one_line(tiny_run, caplog):
    engine = Engine(tiny_run)
    app = create_app(engine, TrainingPoints(engine), names=machine_names("0.0.0.0"))

    async def ask(base_url: str, times: int) -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as http:
            return [await http.post("/api/generate", json={"z": [0, 0]}) for _ in range(times)]

    caplog.set_level(logging.WARNING, logger="mvae_core.serve.guard")
    refused = asyncio.run(ask("http://rebind.example:8000", 2))
    assert [a.status_code for a in refused] == [403, 403] and "rebind.example:8000" in refused[0].json()["error"]
    assert asyncio.run(ask("http://192.168.1.23:8000", 1))[0].status_code == 200  # a phone in the room
    assert [r.getMessage().split(":")[:2] for r in caplog.records] == [["warning", " Host 'rebind.example"]]


def test_a_page_opened_from_a_file_is_told_an_option_that_exists(tiny_run):
    """Such a page sends Origin: null. The server said to pass --allow-origin null, which mvae serve refuses (and
    must: any site's sandboxed frame sends null too)."""
    from mvae_core.serve.server import LiveServer, ServeError

    problem = OriginGuard(app=None, allow_origins=(), local_only=True).refusal(
        Headers({"host": "127.0.0.1:8000", "origin": "null"})
    )
    assert "python -m http.server 5500" in problem and "--allow-origin http://localhost:5500" in problem
    with pytest.raises(ServeError, match=r"^--allow-origin null: give a web page's origin"):
        LiveServer(tiny_run, port=0, allow_origins=["null"])


def test_a_machine_named_localhost_is_not_named_twice_in_the_refusal(monkeypatch):
    monkeypatch.setattr(socket, "gethostname", lambda: "localhost")
    guard = OriginGuard(app=None, allow_origins=(), local_only=False, names=machine_names("0.0.0.0"))
    problem = guard.refusal(Headers({"host": "rebind.example"}))
    assert "this machine's IP addresses, localhost or a .local name (a page" in problem


@pytest.mark.parametrize("local_only", [True, False])
def test_a_request_without_a_host_comes_from_no_browser_and_is_served(local_only):
    """A hand-made HTTP/1.0 client (a Pd patch, a microcontroller on the room's network) may send no Host; every
    browser sends one. It was refused on loopback ("Host ''"), and would have been beyond it too."""
    guard = OriginGuard(app=None, allow_origins=(), local_only=local_only, names=machine_names("0.0.0.0"))
    assert guard.refusal(Headers({})) is None
    assert guard.refusal(Headers({"host": ""})) is not None  # a Host, but no name of this machine
