"""A refused seed is named as the sender wrote it, not as OSC's float32 carries it."""

from __future__ import annotations

from pythonosc.osc_message import OscMessage

from mvae_core.serve.engine import Engine
from mvae_core.serve.osc import OscAnswers, message

SEED_RULE = "seed must be a whole number in [0, 4294967295]"


def test_a_seed_sent_as_a_float_is_named_as_sent(tiny_run):
    """OSC carries 3.7 as float32: the refusal read 'got 3.700000047683716'."""
    answers = OscAnswers(Engine(tiny_run))
    (reply,) = answers.answer(message("/mvae/generate", 0.5, -1.0, 3.7))
    assert OscMessage(reply).params == [f"/mvae/generate: {SEED_RULE}, got 3.7"]
    (reply,) = answers.answer(message("/mvae/set", "seed", 99999999999))
    assert OscMessage(reply).params == [f"/mvae/set: {SEED_RULE}, got 99999999999"]


def test_a_whole_seed_past_the_range_sent_as_a_float_is_named_in_full(tiny_run):
    """OSC's float32 carries 4294967295 as 4294967296.0: the refusal read 'got 4.294967e+09', a number that looks
    inside the range it names."""
    answers = OscAnswers(Engine(tiny_run))
    (reply,) = answers.answer(message("/mvae/set", "seed", 4294967295.0))
    assert OscMessage(reply).params == [f"/mvae/set: {SEED_RULE}, got 4294967296"]
    (reply,) = answers.answer(message("/mvae/set", "seed", 1e30))
    assert OscMessage(reply).params == [f"/mvae/set: {SEED_RULE}, got 1e+30"]
