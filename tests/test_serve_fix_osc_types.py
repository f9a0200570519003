"""An OSC argument of a type python-osc does not read (``c``, a char; or any unknown tag) is refused: python-osc skips
the tag but not its 4 bytes, so the arguments after it were read from the wrong bytes and a wrong value accepted
(``/mvae/set/density ,cf 'A' 0.5`` set the density to 9.1e-44, answered as a success)."""

from __future__ import annotations

import struct

import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import OscAnswers


@pytest.fixture(scope="module")
def answers(tiny_run) -> OscAnswers:
    return OscAnswers(Engine(tiny_run, uploads=False))


def _read(datagram: bytes) -> tuple[str, list]:
    answer = OscMessage(datagram)
    return answer.address, list(answer.params)


CHAR_A = struct.pack(">i", 65)


@pytest.mark.parametrize(
    ("datagram", "address", "tag"),
    [
        (b"/mvae/set/density\0\0\0,cf\0" + CHAR_A + struct.pack(">f", 0.5), "/mvae/set/density", "c"),
        (
            b"/mvae/generate\0\0,fcf\0\0\0\0" + struct.pack(">f", 0.5) + CHAR_A + struct.pack(">f", -1.0),
            "/mvae/generate",
            "c",
        ),
        (b"/mvae/set\0\0\0,sXf\0\0\0\0density\0" + CHAR_A + struct.pack(">f", 0.5), "/mvae/set", "X"),
    ],
)
def test_an_argument_of_an_unread_type_is_refused_naming_it(answers, datagram, address, tag):
    density = answers.engine.current.density
    (reply,) = answers.answer(datagram)
    assert _read(reply) == (
        "/mvae/error",
        [f"{address}: argument type '{tag}' is not read by this server; send numbers as f or i (names as s)"],
    )
    assert answers.engine.current.density == density  # nothing was set


def test_messages_of_read_types_are_answered_as_before(answers):
    (reply,) = answers.answer(b"/mvae/set/density\0\0\0,f\0\0" + struct.pack(">f", 0.5))
    assert _read(reply) == ("/mvae/set", ["density", 0.5])
    (reply,) = answers.answer(b"/mvae/loop\0\0")  # no type tag string at all
    assert _read(reply)[0] == "/mvae/loop"
