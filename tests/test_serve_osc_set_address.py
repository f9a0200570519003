"""``/mvae/set/<param> <value>``: a knob named in the OSC address, as a TouchOSC fader or a channel of TouchDesigner's
OSC Out CHOP sends it (one number to an address of its own, no parameter name among the arguments)."""

from __future__ import annotations

import pytest
from pythonosc.osc_message import OscMessage

from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import OscAnswers, message


@pytest.fixture(scope="module")
def answers(tiny_run) -> OscAnswers:
    return OscAnswers(Engine(tiny_run))


def _answer(answers: OscAnswers, address: str, *args) -> OscMessage:
    (reply,) = answers.answer(message(address, *args))
    return OscMessage(reply)


def test_a_knob_in_the_address_is_set_and_answered_as_set_answers(answers):
    """It was answered 'unknown address /mvae/set/density', so a controller's fader could not turn a knob."""
    reply = _answer(answers, "/mvae/set/density", 2.5)
    assert (reply.address, reply.params) == ("/mvae/set", ["density", 2.5])
    assert answers.engine.current.density == 2.5
    reply = _answer(answers, "/mvae/set/z", 0.5, -1.0)
    assert (reply.address, reply.params) == ("/mvae/set", ["z", 0.5, -1.0])
    assert answers.engine.current.z == (0.5, -1.0)


def test_a_wrong_knob_or_value_in_the_address_form_gets_the_same_errors(answers):
    reply = _answer(answers, "/mvae/set/densty", 1.0)
    assert reply.address == "/mvae/error"
    assert reply.params[0].startswith("/mvae/set/densty: unknown parameter 'densty'; did you mean 'density'?")
    reply = _answer(answers, "/mvae/set/tempo", 500.0)
    assert reply.params == ["/mvae/set/tempo: tempo must lie in [20, 300], got 500"]
    reply = _answer(answers, "/mvae/set/density")
    assert reply.params == ["/mvae/set/density: expected the value after the address, e.g. /mvae/set/density 0.8"]
