"""What a hostile or buggy sender, or a damaged run, does to ``mvae serve``: each OSC datagram gets one
``/mvae/error`` naming what is wrong, nothing is printed as a traceback for the sender's input, and the server answers
the next message; a pad whose points fail says why."""

from __future__ import annotations

import socket

import httpx
import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.osc import MAX_DATAGRAM, MAX_NESTING, bundle_shape, message
from mvae_core.serve.server import LiveServer

LOOP = message("/mvae/loop")


def nested(datagram: bytes, levels: int) -> bytes:
    """``datagram`` inside ``levels`` bundles, each the only element of the next."""
    for _ in range(levels):
        datagram = b"#bundle\0" + bytes(8) + len(datagram).to_bytes(4, "big") + datagram
    return datagram


@pytest.fixture(scope="module")
def live(tiny_run):
    with LiveServer(tiny_run, port=0, osc_port=0) as server:
        yield server


@pytest.fixture
def ask(live):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(10)

    def answer(datagram: bytes) -> OscMessage:
        sock.sendto(datagram, live.osc_address)
        return OscMessage(sock.recvfrom(65536)[0])

    yield answer
    sock.close()


def test_bundles_nested_hundreds_deep_get_an_error_not_a_traceback(ask, capfd):
    datagram = nested(LOOP, 400)[:MAX_DATAGRAM]  # python-osc's recursion ran out at about 400 levels
    answer = ask(datagram)
    assert answer.address == "/mvae/error"
    assert answer.params[0].startswith(f"OSC bundles nested {MAX_NESTING + 1} deep; this server reads bundles nested")
    assert ask(LOOP).address == "/mvae/loop"
    assert "Traceback" not in capfd.readouterr().err


def test_bundles_nested_as_deep_as_allowed_are_answered(ask):
    assert ask(nested(LOOP, MAX_NESTING)).address == "/mvae/loop"


@pytest.mark.parametrize(
    ("datagram", "depth"),
    [
        (LOOP, 0),
        (nested(LOOP, 1), 1),
        (nested(LOOP, 3), 3),
        (nested(LOOP, 3)[:-9], 3),  # sizes claim more bytes than follow: read as what follows, as python-osc does
        (b"#bundle\0" + bytes(8) + (-4).to_bytes(4, "big", signed=True) + LOOP, 1),
    ],
)
def test_bundle_depth_counts_nesting_without_reading_past_the_datagram(datagram, depth):
    assert bundle_shape(datagram).depth == depth


def test_a_message_whose_player_fails_is_answered_with_the_error_and_the_next_is_served(live, ask, monkeypatch):
    def broken(z, options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(live.engine.player, "notes", broken)
    answer = ask(message("/mvae/generate", 0.0, 0.0))
    assert answer.address == "/mvae/error"
    assert answer.params[0].startswith("/mvae/generate: internal error: ModelError: model 'melody_rnn'")
    assert "ZeroDivisionError: division by zero" in answer.params[0]
    monkeypatch.undo()
    assert ask(message("/mvae/generate", 0.0, 0.0)).address == "/mvae/notes"


def test_a_pad_whose_points_ran_out_of_memory_says_so(live, monkeypatch):
    """A split.json linked to /dev/zero filled memory while the points were read; the note said only '()'."""
    from mvae_core.serve.engine import TrainingPoints

    def out_of_memory(stop):
        raise MemoryError

    monkeypatch.setattr(live.engine, "training_points", out_of_memory)
    points = TrainingPoints(live.engine).start().wait(30)
    assert points["note"] == "training loops not encoded (MemoryError)"


@pytest.mark.parametrize("size", [MAX_DATAGRAM + 1, 60_000])
def test_a_datagram_over_the_size_read_is_told_so_not_misread_cut(ask, size):
    """The server read 8 KiB and dropped the rest: a longer message was answered with a parse error about its cut end."""
    datagram = message("/mvae/set", "x" * (size - 20), 1.0)
    assert size <= len(datagram) <= size + 4
    answer = ask(datagram)
    assert answer.address == "/mvae/error"
    assert answer.params[0] == (
        f"an OSC datagram of over {MAX_DATAGRAM:,} bytes; this server reads at most {MAX_DATAGRAM:,}: send smaller "
        "messages or bundles"
    )
    assert ask(LOOP).address == "/mvae/loop"


def test_a_datagram_of_the_size_read_is_answered(ask):
    datagram = message("/mvae/set", "x" * 8000, 1.0)
    datagram = message("/mvae/set", "x" * (8000 + MAX_DATAGRAM - len(datagram)), 1.0)
    assert len(datagram) == MAX_DATAGRAM
    assert ask(datagram).params[0].startswith("/mvae/set: unknown parameter 'xxxx")


@pytest.fixture
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "body", "said"),
    [
        ("/api/generate", b'{"z": [0, 0], "z": [1, 1]}', "'z' is given twice in the JSON body; give each parameter once"),
        ("/api/midi", b'{"z": [0, 0], "seed": 1, "seed": 2}', "'seed' is given twice in the JSON body"),
        ("/api/wav?wrap_release=true&wrap_release=false", b'{"z": [0, 0]}', "query parameter wrap_release is given 2 "
         "times; give it once"),
    ],
)  # fmt: skip
def test_a_parameter_given_twice_is_refused_not_taken_at_random(http, path, body, said):
    """Python's JSON reader took the last "z" and starlette the last wrap_release, in silence."""
    answer = http.post(path, content=body)
    assert answer.status_code == 422
    assert answer.json()["error"].startswith(said)


def test_nested_json_objects_and_unicode_names_are_still_read_once_each(http):
    answer = http.post("/api/generate", content=b'{"z": [0.5, -1], "tempo": 97}')
    assert answer.status_code == 200 and answer.json()["tempo"] == 97
    answer = http.post("/api/generate", content='{"z": [0, 0], "é": {"a": 1, "b": 2}}'.encode())
    assert answer.status_code == 422 and answer.json()["error"].startswith("unknown parameter 'é'")
