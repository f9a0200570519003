"""Stopping the OSC server, and the whole live server, is bounded: a message still being answered (a model stuck
decoding) no longer holds the stop (socketserver's shutdown() waited for it without a limit, so `mvae serve` did not
end on Ctrl-C), and the server's threads are waited for until one deadline, not each for its own limit in turn."""

from __future__ import annotations

import asyncio
import inspect
import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn

from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import OscAnswers, OscServer, message
from mvae_core.serve.server import LiveServer


def test_a_stop_while_a_message_is_being_answered_ends_within_its_timeout(tiny_run, monkeypatch, caplog, capfd):
    answering, release = threading.Event(), threading.Event()

    def stuck(self, datagram):
        answering.set()
        release.wait(30)
        return [message("/mvae/loop", 4.0, 0)]

    monkeypatch.setattr(OscAnswers, "answer", stuck)
    server = OscServer(Engine(tiny_run), "127.0.0.1", 0).start()
    stopper = threading.Thread(target=server.stop, kwargs={"timeout": 0.5}, daemon=True)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.bind(("127.0.0.1", 0))
        client.settimeout(0.5)
        try:
            client.sendto(message("/mvae/loop"), server.address)
            assert answering.wait(10)
            started = time.monotonic()
            with caplog.at_level(logging.WARNING, logger="mvae_core.serve.osc"):
                stopper.start()
                stopper.join(5)
            assert not stopper.is_alive(), "stop() waited for the message being answered"
            assert time.monotonic() - started < 4  # 0.5 s and a loaded machine's delays; the old stop waited for ever
        finally:
            release.set()
        assert "still answering a message when it had to stop" in caplog.text
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:  # the socket is closed: its port is free
            again.bind(server.address)
        server._thread.join(5)  # the stuck answer, released, is not sent and raises nothing
        assert not server._thread.is_alive()
        assert "Traceback" not in capfd.readouterr().err
        try:
            answered = client.recv(65536)
        except TimeoutError:
            answered = None
        assert answered is None


def test_a_server_stops_at_once_when_idle_and_when_never_started(tiny_run):
    engine = Engine(tiny_run)
    for started in (True, False):
        server = OscServer(engine, "127.0.0.1", 0)
        if started:
            server.start()
        begun = time.monotonic()
        server.stop()
        assert time.monotonic() - begun < 2 and not server._thread.is_alive()  # the timeout's 5 s not needed


def test_the_live_server_waits_for_its_stuck_threads_until_one_deadline(tiny_run, monkeypatch, caplog):
    """The pad's encoding in the middle of a long chunk and OSC answering a stuck message: each was waited for up to
    5 s in turn (with uvicorn's 10 s, up to 26 s in all, against a 30 s limit in the tests of `mvae serve`)."""
    release = threading.Event()
    busy = {"encoding": threading.Event(), "answering": threading.Event()}

    def encoding(self, stop):
        busy["encoding"].set()
        release.wait(30)
        return {"files": [], "points": [{"z": [0.0, 0.0]}], "ready": True}

    def answering(self, datagram):
        busy["answering"].set()
        release.wait(30)
        return []

    monkeypatch.setattr(Engine, "training_points", encoding)
    monkeypatch.setattr(OscAnswers, "answer", answering)
    live = LiveServer(tiny_run, port=0, osc_port=0).start()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.sendto(message("/mvae/loop"), live.osc_address)
            assert all(event.wait(10) for event in busy.values())
        started = time.monotonic()
        stopper = threading.Thread(target=live.stop, kwargs={"grace": 0.2, "timeout": 1.0}, daemon=True)
        with caplog.at_level(logging.WARNING, logger="mvae_core.serve"):
            stopper.start()
            stopper.join(8)
        assert not stopper.is_alive() and time.monotonic() - started < 5  # 1.2 s here; 10.2 s before
    finally:
        release.set()
    said = caplog.text
    assert "the OSC server was still answering a message" in said and "the pad's encoding" in said, said
    assert "HTTP" not in said  # it stopped in time


def test_an_http_server_slow_to_stop_is_left_at_the_deadline_with_a_warning(tiny_run, monkeypatch, caplog, capfd):
    shutdown = uvicorn.Server.shutdown

    async def slow_shutdown(self, sockets=None):
        await asyncio.sleep(3)
        await shutdown(self, sockets=sockets)

    monkeypatch.setattr(uvicorn.Server, "shutdown", slow_shutdown)
    live = LiveServer(tiny_run, port=0).start()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="mvae_core.serve"):
        live.stop(grace=0.2, timeout=0.5)
    assert time.monotonic() - started < 2.5  # 0.7 s here; the shutdown alone takes 3
    assert "the HTTP server had not stopped when the server had to; it ends with the process" in caplog.text
    live._thread.join(10)  # its shutdown, left to run, ends without an error (it closes the listening socket)
    assert not live._thread.is_alive() and live._socket.fileno() == -1
    assert "Traceback" not in capfd.readouterr().err


def test_live_md_states_how_long_a_stop_takes_at_most():
    defaults = inspect.signature(LiveServer.stop).parameters
    most = defaults["grace"].default + defaults["timeout"].default
    text = " ".join((Path(__file__).parents[1] / "docs" / "live.md").read_text(encoding="utf-8").split())
    assert f"Ctrl-C (or SIGTERM) stops the server within about {most:g} s" in text
