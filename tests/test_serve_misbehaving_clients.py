"""Clients that misbehave do not hurt the show: one that goes silent while the server waits for its request (a phone
that left the Wi-Fi mid-upload, a script that opens connections and sends nothing) is hung up on, so it cannot hold
sockets until the server stops; malformed requests are logged once; uploads are parsed one at a time; a huge OSC
bundle is refused. Clients that keep sending, and requests the server is still answering, are not cut off."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message import OscMessage

from mvae_core.serve import osc as osc_module
from mvae_core.serve import server as server_module
from mvae_core.serve.osc import MAX_BUNDLE, AnswerBudget, OscAnswers, message
from mvae_core.serve.server import OPEN_FILES, LiveServer, allow_many_connections

SILENCE = 0.3  # seconds; mvae serve waits CLIENT_SILENCE_SECONDS
ANSWERS = 20  # the same ones a second; mvae serve sends MAX_SAME_ANSWERS_PER_SECOND
CLIENT_SILENCE_SECONDS = server_module.CLIENT_SILENCE_SECONDS  # before the server below shortens it
MAX_SAME_ANSWERS_PER_SECOND = osc_module.MAX_SAME_ANSWERS_PER_SECOND  # and lowers it


@pytest.fixture(scope="module")
def live(tiny_run):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server_module, "CLIENT_SILENCE_SECONDS", SILENCE)
        patch.setattr(osc_module, "MAX_SAME_ANSWERS_PER_SECOND", ANSWERS)
        with LiveServer(tiny_run, port=0, osc_port=0) as live:
            yield live


@pytest.fixture
def port(live):
    return int(live.url.rstrip("/").rsplit(":", 1)[1])


def _answer(port: int, sent: bytes) -> bytes:
    """What the server sends back until it hangs up (the test fails if it has not within 10 s)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(sent)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connected, then nothing
        b"GET /api/info HTTP/1.1\r\nHost: 127",  # headers half sent
        b"POST /api/encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nMThd",  # body half sent
    ],
)
def test_a_client_silent_mid_request_is_hung_up_on_without_an_answer(port, sent):
    assert _answer(port, sent) == b""


def test_a_kept_alive_client_is_answered_each_time(port):
    body = b'{"z": [0, 0]}'
    head = b"POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % len(body)
    answer = _answer(port, head + b"\r\n" + body + head + b"Connection: close\r\n\r\n" + body)
    assert answer.count(b"HTTP/1.1 200 OK") == 2


def test_each_kind_of_malformed_request_is_logged_once(port):
    """uvicorn logs 'Invalid HTTP request received.' for each one: a port scanner, or a browser sending HTTPS to the
    HTTP port, flooded the console a technician reads during a show."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        answers = [_answer(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n") for _ in range(3)]
    finally:
        logger.removeHandler(handler)
    assert [a.split(b"\r\n")[0] for a in answers] == [b"HTTP/1.1 400 Bad Request"] * 3
    assert lines == ["Invalid HTTP request received. (shown once: mvae serve answers its repeats without a word here)"]


def test_uploads_are_parsed_one_at_a_time(live, monkeypatch):
    """Uploads and WAV renders ran up to 40 at once in worker threads: guests uploading files or downloading WAVs
    starved the event loop (the performer's loop requests took seconds) and MIDI out of the interpreter. A parse that
    finds another in its worker thread meets it at the barrier; one at a time, the barrier times out instead."""
    encode, barrier = live.engine.encode, threading.Barrier(2, timeout=0.3)
    together = []

    def meeting_encode(*args):
        try:
            barrier.wait()
            together.append(True)
        except threading.BrokenBarrierError:
            pass
        return encode(*args)

    monkeypatch.setattr(live.engine, "encode", meeting_encode)

    def upload(_):
        with httpx.Client(base_url=live.url, timeout=30) as http:
            return http.post("/api/encode", content=b"MThd not a file").status_code

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(upload, range(2))) == [422] * 2  # parsed, and refused as no MIDI file
    assert together == []


def _bundle(size: int) -> bytes:
    bundle = OscBundleBuilder(IMMEDIATELY)
    for _ in range(size):
        bundle.add_content(OscMessage(message("/mvae/generate", 0.0, 0.0)))
    return bundle.build().dgram


def test_an_osc_bundle_of_too_many_messages_gets_one_error(live):
    """A 64 KB bundle holds ~1500 /mvae/generate: 3 s of decoding on the 2-core VM, the OSC thread answering no one
    else meanwhile, and 260 KB of answers (to a sender address that UDP lets anyone forge)."""
    answers = OscAnswers(live.engine)
    assert [OscMessage(a).params for a in answers.answer(_bundle(MAX_BUNDLE + 1))] == [
        [f"an OSC bundle of {MAX_BUNDLE + 1} messages; this server answers at most {MAX_BUNDLE} per bundle: send the "
         "rest in other bundles"]
    ]  # fmt: skip
    assert {OscMessage(a).address for a in answers.answer(_bundle(MAX_BUNDLE))} == {"/mvae/notes"}


def test_mvae_serve_may_hold_a_room_of_connections():
    """macOS gives a process 256 open files: a room of phones, a few connections each, plus torch's files, left no
    socket for the next connection (the performer's page included)."""
    resource = pytest.importorskip("resource")
    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if before[1] == resource.RLIM_INFINITY else min(OPEN_FILES, before[1])
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, before[0]), before[1]))  # a Mac's
        allow_many_connections()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (max(wanted, min(256, before[0])), before[1])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, before)


@pytest.mark.parametrize(
    "datagram",
    [message("/mvae/error", "unknown address /mvae/notes"), message("/mvae/notes", 60, 0.0, 0.5, 100), b"not OSC"],
    ids=["error", "notes", "not_osc"],
)
def test_the_servers_own_answers_are_never_answered(live, datagram):
    """Two servers, one's --osc-reply-port the other's --osc-port (or one datagram forged from one to the other),
    answered each other's /mvae/notes and /mvae/error for ever: 12,700 datagrams a second after a single message."""
    answers = OscAnswers(live.engine).answer(datagram)
    if datagram != b"not OSC":
        assert answers == []
    else:  # not OSC: an /mvae/error, which the other server then ignores
        assert [OscMessage(a).address for a in answers] == ["/mvae/error"]


def test_the_loop_answer_sent_back_is_an_error_not_another_answer(live):
    answers = OscAnswers(live.engine).answer(message("/mvae/loop", 4.0, 12))
    assert [OscMessage(a).params for a in answers] == [["/mvae/loop: takes no arguments, got 2; send /mvae/loop"]]


def test_live_md_states_the_limits_the_server_applies():
    text = " ".join((Path(__file__).parents[1] / "docs" / "live.md").read_text(encoding="utf-8").split())
    assert f"sends nothing for {CLIENT_SILENCE_SECONDS:g} s while the server waits" in text
    assert f"a bundle of over {MAX_BUNDLE} messages" in text
    assert f"open up to {OPEN_FILES} files" in text
    assert f"the same `/mvae/set` answer at most {MAX_SAME_ANSWERS_PER_SECOND} times a second" in text


def _answers(address: tuple[str, int], datagrams: list[bytes]) -> int:
    """How many answers a burst of ``datagrams`` from one socket gets (waiting 0.5 s after the last)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.5)
        for datagram in datagrams:  # a burst, well within a second
            sock.sendto(datagram, address)
        answered = 0
        with contextlib.suppress(TimeoutError):
            while sock.recv(65536):
                answered += 1
        return answered


def test_a_destination_gets_the_same_answer_at_most_so_often_a_second(live):
    """Two servers, one's --osc-reply-port the other's --osc-port (or one datagram forged from one to the other),
    answered each other's /mvae/set for ever; now the answers stop at the limit, and the loop with them."""
    assert _answers(live.osc_address, [message("/mvae/set", "density", 0.5)] * (ANSWERS + 10)) == ANSWERS
    assert live.engine.current.density == 0.5  # the messages past the limit were carried out all the same


def test_a_client_asking_for_different_things_as_fast_as_it_can_gets_every_answer(live):
    """bench/serve_latency.py asks for loop after loop, each as its answer arrives: faster than any limit."""
    densities = [message("/mvae/set", "density", i / 100) for i in range(ANSWERS + 10)]
    assert _answers(live.osc_address, densities) == ANSWERS + 10


def test_a_client_asking_for_the_same_loop_as_fast_as_it_can_gets_every_answer(live):
    """Only a /mvae/set answer is also a request; a script timing the same /mvae/generate loop after loop is answered."""
    assert _answers(live.osc_address, [message("/mvae/generate", 0.5, -1.0, 3)] * (ANSWERS + 10)) == ANSWERS + 10


def test_the_same_answers_start_again_the_next_second():
    now = [0.0]
    budget = AnswerBudget(limit=2, clock=lambda: now[0])
    to, density = ("127.0.0.1", 9001), message("/mvae/set", "density", 1.0)
    assert [budget.allow(to, density) for _ in range(3)] == [True, True, False]
    assert budget.allow(to, message("/mvae/set", "density", 2.0))  # another answer
    assert budget.allow(("127.0.0.1", 9002), density)  # another destination
    now[0] = 1.0
    assert budget.allow(to, density)
    assert budget.warned == {to}


def test_forged_senders_cannot_fill_the_budgets_memory():
    now = [0.0]
    budget = AnswerBudget(limit=2, clock=lambda: now[0])
    for port in range(3 * osc_module.MAX_DESTINATIONS):
        now[0] += 0.001
        assert budget.allow(("10.0.0.1", port), message("/mvae/set", "density", 1.0))
    assert len(budget._seconds) <= osc_module.MAX_DESTINATIONS


def test_python_oscs_warning_about_a_message_is_shown_once(live):
    """python-osc warns 'Unhandled parameter type: c' on the root logger for each message with a type it does not
    read (the message is answered with /mvae/error): a patch sending one 60 times a second filled the console."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logging.getLogger().addHandler(handler)
    datagram = b"/mvae/generate\x00\x00,ffc\x00\x00\x00\x00" + bytes(8) + b"\x00\x00\x00A"  # x, y and a char
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(10)
            for _ in range(3):
                sock.sendto(datagram, live.osc_address)
                assert OscMessage(sock.recv(65536)).address == "/mvae/error"  # the char is refused (osc.READ_TYPES)
    finally:
        logging.getLogger().removeHandler(handler)
    assert lines == ["Unhandled parameter type: c (shown once: mvae serve answers its repeats without a word here)"]
