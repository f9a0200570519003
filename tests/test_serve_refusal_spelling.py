"""A refusal names the value a client sent as that client wrote it: JSON's spelling (``true``, ``null``, ``"a"``),
which a page's JSON and an OSC message's arguments alike read as, and an OSC blob by its type and size. Python's
spelling (``True``, ``None``, ``b'\\x00\\x01'``) was shown to Max, Pure Data and JavaScript users, who sent none
of those."""

from __future__ import annotations

import pytest
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from mvae_core.serve.engine import Engine, RequestError
from mvae_core.serve.osc import OscAnswers


@pytest.fixture(scope="module")
def engine(tiny_run) -> Engine:
    return Engine(tiny_run, uploads=False)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"z": [0, 0], "seed": True}, "seed must be a number, got true"),
        ({"z": [None, 0]}, "z[0] must be a number, got null"),
        ({"z": [0, "a"]}, 'z[1] must be a number, got "a"'),
        ({"z": [0, 0], "density": {"value": 1}}, 'density must be a number, got {"value": 1}'),
        ({"z": "up"}, 'z must be a list of 2 numbers (the model\'s latent_dim), got "up"'),
        ({"z": [0, None, True]}, "z must be a list of 2 numbers (the model's latent_dim), got [0, null, true]"),
    ],
)
def test_a_json_value_is_named_in_json(engine, fields, expected):
    with pytest.raises(RequestError) as refused:
        engine.request(fields)
    assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("address", "tag", "value", "expected"),
    [
        ("/mvae/set/density", "b", b"\x00\x01", "density must be a number, got an OSC blob of 2 bytes"),
        ("/mvae/set/seed", "T", True, "seed must be a number, got true"),
        ("/mvae/set/temperature", "N", None, "temperature must be a number, got null"),
    ],
)
def test_an_osc_argument_is_named_so_too(engine, address, tag, value, expected):
    builder = OscMessageBuilder(address)
    builder.add_arg(value, tag)
    (reply,) = OscAnswers(engine).answer(builder.build().dgram)
    answer = OscMessage(reply)
    assert (answer.address, list(answer.params)) == ("/mvae/error", [f"{address}: {expected}"])
